// compute --reference end to end (issue 18): its refined result is the
// optimum `eisgrid fit` reaches on every shared NOVA sweep, stored, printed by
// compute and by inspect; with ranges that keep it away, the run says which.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "support/process.hpp"

using test_support::run;
using test_support::shell_quote;

namespace {

const std::string k_cli = EISGRID_CLI_PATH;
const std::string k_nova = std::string(EISGRID_FIXTURES_DIR) + "/measured/nova/";
constexpr double k_same = 1e-6;  // relative, the acceptance of issue 18
constexpr unsigned k_parallel = 4;

test_support::run_result eisgrid(const std::string& args) { return run(shell_quote(k_cli) + " " + args); }
test_support::run_result eisgrid_stdout(const std::string& args) { return run("{ " + shell_quote(k_cli) + " " + args + " 2>/dev/null; }"); }

struct layer {
  double ter = 0, tec = 0, rs = 0;
};

// "TER 593.1234 ohm, TEC 2.274251 uF, Rs 19.00878 ohm" as compute and inspect print it.
layer printed(const std::string& output) {
  static const std::regex line(R"(TER ([-+.e0-9]+) ohm, TEC ([-+.e0-9]+) uF, Rs ([-+.e0-9]+) ohm)");
  std::smatch m;
  if (!std::regex_search(output, m, line)) return {};
  return {std::stod(m[1]), std::stod(m[2]) * 1e-6, std::stod(m[3])};
}

// What one sweep's commands printed: compute, then inspect --json and inspect
// of the file it stored.
struct sweep_runs {
  test_support::run_result compute, inspect_json, inspect_text;
};

void expect_same(const layer& got, const layer& want, const std::string& what) {
  EXPECT_NEAR(got.ter, want.ter, k_same * want.ter) << what;
  EXPECT_NEAR(got.tec, want.tec, k_same * want.tec) << what;
  EXPECT_NEAR(got.rs, want.rs, k_same * want.rs) << what;
}

}  // namespace

TEST(compute_reference, refines_to_the_optimum_of_fit_on_every_nova_sweep) {
  std::ifstream in(k_nova + "expected_fits.json");
  const auto expected = nlohmann::json::parse(in);
  const auto& good = expected["good"];
  const std::size_t n = good.size();

  // The commands run first, what they printed is checked afterwards: one fit
  // of every file (each start of the sanitized program costs a fifth of a
  // second), then the sweeps' commands four at a time (each waits on the disk
  // far more than it computes).
  std::set<std::string> files;
  for (const auto& g : good) files.insert(g["file"].get<std::string>());
  std::string file_args;
  for (const auto& f : files) file_args += " " + shell_quote(k_nova + f);
  const auto fit_run = eisgrid_stdout("fit --json" + file_args);
  std::vector<std::unique_ptr<test_support::temp_dir>> roots;  // one data root per sweep
  for (std::size_t i = 0; i < n; ++i) roots.push_back(std::make_unique<test_support::temp_dir>("compute_reference"));
  std::vector<sweep_runs> runs(n);
  test_support::for_each_index_in_parallel(n, k_parallel, [&](std::size_t i) {
    const std::string path = k_nova + good[i]["file"].get<std::string>() + ":" + std::to_string(good[i]["sweep"].get<std::size_t>());
    runs[i].compute =
        eisgrid("compute --reference " + shell_quote(path) + " --output ref.npz --data " + shell_quote(roots[i]->path.string()));
    if (runs[i].compute.exit_code != 0) return;
    const auto stored = shell_quote((roots[i]->path / "npz/user_generated/ref.npz").string());
    runs[i].inspect_json = eisgrid_stdout("inspect --json " + stored);
    runs[i].inspect_text = eisgrid("inspect " + stored);
  });

  ASSERT_EQ(fit_run.exit_code, 0) << fit_run.output;
  std::map<std::pair<std::string, std::size_t>, nlohmann::json> fits;  // (file, sweep) -> its fit --json result
  const auto fitted = nlohmann::json::parse(fit_run.output);
  for (const auto& row : fitted["results"]) fits[{row["file"], row["sweep"]}] = row;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string file = good[i]["file"];
    const std::size_t sweep = good[i]["sweep"];
    const auto& f = fits.at({file, sweep});
    const layer want{f["ter"].get<double>(), f["tec"].get<double>(), f["params"]["Rs"].get<double>()};
    const std::string what = file + ":" + std::to_string(sweep);

    const auto& c = runs[i].compute;
    ASSERT_EQ(c.exit_code, 0) << what << "\n" << c.output;
    EXPECT_EQ(c.output.find("keeps it out"), std::string::npos) << c.output;
    expect_same(printed(c.output), want, what + " printed by compute:\n" + c.output);

    const auto& j = runs[i].inspect_json;
    ASSERT_EQ(j.exit_code, 0) << j.output;
    const auto refined = nlohmann::json::parse(j.output)["metadata"]["refined"];
    expect_same({refined["ter"].get<double>(), refined["tec"].get<double>(), refined["params"]["Rs"].get<double>()}, want,
                what + " stored");
    EXPECT_EQ(refined["status"], f["status"]) << what;

    const auto& text = runs[i].inspect_text;
    ASSERT_EQ(text.exit_code, 0) << text.output;
    expect_same(printed(text.output), want, what + " printed by inspect:\n" + text.output);
  }
  EXPECT_GT(n, 0u);
}

// The ranges compute used before issue 18 (Ra and Rb from 10 ohm) keep RPE's
// optimum out: its small membrane has about 1 ohm. The run says so, naming them.
TEST(compute_reference, names_the_range_that_keeps_it_from_the_optimum_of_fit) {
  test_support::temp_dir root("compute_reference");
  const auto c = eisgrid("compute --reference " + shell_quote(k_nova + "RPEmedia_TW1-1_d1_chamber1_channel1_5freq5sine_freq") +
                         " --range Ra=10:1e4 --range Rb=10:1e4 --data " + shell_quote(root.path.string()));
  ASSERT_EQ(c.exit_code, 0) << c.output;
  EXPECT_NE(c.output.find("eisgrid fit reaches a better optimum (TER 593.1"), std::string::npos) << c.output;
  EXPECT_NE(c.output.find("the range of Ra 10 to 10000 (fit: 1 to 1e+06); Rb 10 to 10000 (fit: 1 to 1e+06) keeps it out"),
            std::string::npos)
      << c.output;
  EXPECT_NE(c.output.find("warning: eisgrid fit reaches a better optimum"), std::string::npos) << c.output;
}
