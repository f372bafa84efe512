#include "compute/request.hpp"

#include <gtest/gtest.h>

#include "base/error.hpp"

namespace {

using eisgrid::compute::compute_request;
using eisgrid::compute::from_json;
using eisgrid::compute::resolve;
using json = nlohmann::json;

eisgrid::error_kind kind_of(const json& body) {
  try {
    (void)from_json(body);
  } catch (const eisgrid::error& e) {
    return e.kind();
  }
  ADD_FAILURE() << "accepted " << body.dump();
  return eisgrid::error_kind::internal;
}

TEST(compute_request, defaults_match_the_command_line) {
  const auto plan = resolve(from_json(json::object()));
  const auto cli = resolve(compute_request{});
  EXPECT_EQ(plan.file_name, "grid_5_freq_0.1_100000.npz");
  EXPECT_EQ(plan.file_name, cli.file_name);
  EXPECT_EQ(plan.options.grid, cli.options.grid);
  EXPECT_EQ(plan.reference.frequencies, cli.reference.frequencies);
  EXPECT_EQ(plan.kept_rows, 3125u);
  EXPECT_EQ(plan.spectra_rows, std::optional<std::uint64_t>(3125));
  EXPECT_EQ(plan.frequency_spacing, "log");
}

TEST(compute_request, every_option_reaches_the_plan) {
  const auto r = from_json(json::parse(R"({"grid": 4, "preset": "fast", "points": 20, "spacing": "linear",
      "ref": {"Rsh": 800}, "ranges": {"Ca": {"min": 1e-6, "max": 1e-5, "count": 3}}, "metric": "rmse",
      "keep": 20, "spectra": 3, "store": true, "output": "run1.npz", "description": "d"})"));
  const auto plan = resolve(r);
  EXPECT_EQ(plan.options.grid.axes[2].count, 3u);
  EXPECT_DOUBLE_EQ(plan.options.grid.axes[2].min, 1e-6);
  EXPECT_EQ(plan.options.grid.axes[0].count, 4u);
  EXPECT_EQ(plan.reference.frequencies.size(), 20u);
  EXPECT_DOUBLE_EQ(plan.reference.frequencies.front(), 1.0);
  EXPECT_DOUBLE_EQ(plan.reference.frequencies.back(), 1e4);
  EXPECT_EQ(plan.frequency_spacing, "linear");
  EXPECT_DOUBLE_EQ(plan.reference.params->rsh, 800);
  EXPECT_DOUBLE_EQ(plan.reference.params->ra, 5005);
  EXPECT_EQ(plan.options.metric, eisgrid::sweep::metric::rmse);
  EXPECT_EQ(plan.options.keep, std::optional<std::uint64_t>(20));
  EXPECT_EQ(plan.spectra_rows, std::optional<std::uint64_t>(3));
  EXPECT_TRUE(r.store);
  EXPECT_EQ(plan.file_name, "run1.npz");
  EXPECT_EQ(r.description, "d");
  EXPECT_FALSE(from_json(json::parse(R"({"spectra": "all", "keep": "all"})")).keep.has_value());
  EXPECT_TRUE(from_json(json::parse(R"({"spectra": "all"})")).spectra_all);
  EXPECT_EQ(from_json(json::parse(R"({"spectra": 0})")).spectra, std::optional<std::uint64_t>(0));
}

TEST(compute_request, strict_json_refuses_bad_input) {
  using eisgrid::error_kind;
  for (const char* text : {R"([])",
                           R"("x")",
                           R"({"gird": 5})",
                           R"({"grid": "5"})",
                           R"({"grid": 5.5})",
                           R"({"grid": 1})",
                           R"({"grid": 1000})",
                           R"({"grid": -3})",
                           R"({"grid": true})",
                           R"({"grid": 18446744073709551615})",
                           R"({"fmin": -1})",
                           R"({"fmin": "1"})",
                           R"({"points": 1})",
                           R"({"points": 100001})",
                           R"({"spacing": "cubic"})",
                           R"({"ref": {"Rx": 1}})",
                           R"({"ref": {"Rsh": 0}})",
                           R"({"ref": [1]})",
                           R"({"metric": "mse"})",
                           R"({"keep": 0})",
                           R"({"keep": "some"})",
                           R"({"keep": -1})",
                           R"({"spectra": -1})",
                           R"({"spectra": 100001})",
                           R"({"store": 1})",
                           R"({"output": "../x.npz"})",
                           R"({"output": "/etc/x.npz"})",
                           R"({"output": "x.txt"})",
                           R"({"description": 5})",
                           R"({"reference_csv": "/etc/passwd"})",
                           R"({"overwrite": true})",
                           R"({"user": "bob"})",
                           R"({"into": "precomputed"})",
                           R"({"threads": 64})",
                           R"({"ranges": {"Ca": {"min": 1}}})",
                           R"({"ranges": {"Ca": {"min": 2, "max": 1}}})",
                           R"({"grid": 60, "keep": "all"})",
                           R"({"grid": 50, "spectra": "all", "keep": 200000})"}) {
    EXPECT_EQ(kind_of(json::parse(text)), error_kind::usage) << text;
  }
}

TEST(compute_request, resolve_refuses_what_only_it_can_check) {
  auto r = from_json(json::parse(R"({"fmin": 10, "fmax": 1})"));
  EXPECT_THROW((void)resolve(r), eisgrid::error);
  compute_request both;
  both.ref = eisgrid::model::k_default_reference;
  both.reference_file = "x.csv";
  EXPECT_THROW((void)resolve(both), eisgrid::error);
  compute_request format_alone;
  format_alone.reference_format = eisgrid::measured::format::nova;
  EXPECT_THROW((void)resolve(format_alone), eisgrid::error);
  compute_request bad_user;
  bad_user.user = "no spaces";
  EXPECT_THROW((void)resolve(bad_user), eisgrid::error);
}

}  // namespace
