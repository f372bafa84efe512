#pragma once
// A fit row with every field of base/fit_row.hpp's list set, and the checks
// that compare rows field by field: the round trips of a row (the catalog's,
// the ranks' wire) fail by name for a field added to the list and not carried.

#include <gtest/gtest.h>

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/fit_row.hpp"

namespace test_support {

// A field of a fit row as text, to compare two rows field by field (NaN, the
// default of a number, is "null").
inline std::string text_of(eisgrid::fit_status s) { return std::string(to_string(s)); }
template <class T>
std::string text_of(const T& v) {
  return nlohmann::json(v).dump();
}
template <class T>
std::string text_of(const std::optional<T>& v) {
  return v ? text_of(*v) : "none";
}

// Every field of base/fit_row.hpp's list, by name, as text.
inline std::vector<std::pair<std::string, std::string>> fields_of(const eisgrid::fit_row& row) {
  std::vector<std::pair<std::string, std::string>> out;
  eisgrid::for_each_field(row, [&](const char* name, const auto& value) { out.emplace_back(name, text_of(value)); });
  return out;
}

// A row whose every field differs from fit_row's default (a field added to
// the list must be set here: expect_every_field_set says which is not).
inline eisgrid::fit_row every_field_set() {
  eisgrid::fit_row f;
  f.sweep = 2;
  f.start_time = "2024-08-29 10:15:00";
  f.status = eisgrid::fit_status::poor_fit;
  f.reasons_json = R"(["modulus residual 0.12 above 0.05"])";
  f.metric = "relative";
  f.resnorm = 0.125;
  f.grid_resnorm = 0.375;
  f.rs = 20.5;
  f.ter = 1800.25;
  f.tec = 2.5e-6;
  f.tau1 = 0.0625;
  f.tau2 = 0.03125;
  f.std_errors = {0.5, 12.5, 1.25e-7, 0.001953125, 0.0009765625};
  f.parameters = {1800.5, 700.25, 5e-6, 900.75, 4e-6};
  f.rsh_interval = {1750.5, 1850.5};
  f.area_cm2 = 1.12;
  f.model = "cpe";
  f.model_params = {20.5, 1800.5, 700.25, 5e-6, 0.875, 900.75, 4e-6, 0.9375};
  f.model_errors = {0.5, 25.5, 20.25, 1e-7, 0.015625, 30.5, 1.5e-7, 0.5};
  f.aic = -530.5;
  f.bic = -510.75;
  f.best_model = true;
  f.decisive_frequency = 0.046875;
  f.at_edge = {"alpha_a at min", "Qb at max"};
  return f;
}

// Fails, naming each, for a field of `row` left at its default.
inline void expect_every_field_set(const eisgrid::fit_row& row) {
  const auto set = fields_of(row);
  const auto unset = fields_of(eisgrid::fit_row{});
  ASSERT_EQ(set.size(), eisgrid::fit_row_field_count());
  for (std::size_t k = 0; k < set.size(); ++k) EXPECT_NE(set[k].second, unset[k].second) << set[k].first << " is not set by this test";
}

// Fails, naming each, for a field of `back` that is not as `sent`.
inline void expect_same_fields(const eisgrid::fit_row& back, const eisgrid::fit_row& sent) {
  const auto got = fields_of(back);
  const auto want = fields_of(sent);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t k = 0; k < want.size(); ++k) EXPECT_EQ(got[k].second, want[k].second) << want[k].first;
}

}  // namespace test_support
