#pragma once
// The result of fitting one circuit model to one measured sweep, as it
// travels: the catalog's row, the API's fit JSON, the per-sweep CSV, the fit
// of a server job, what MPI ranks send rank 0 and the outputs of `eisgrid fit`
// are all this record (SPEC 10, 12). Here, below the catalog and the fit, so
// that each of them can hold it without linking the other.
//
// for_each_field() is the one list of its fields. A format that writes the
// row walks the list, so that a field added to the struct and the list reaches
// every format (the round trips of tests/catalog/measurements_test.cpp and
// tests/compute/rank_messages_test.cpp fail for one that is not carried).

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "base/fit_status.hpp"

namespace eisgrid {

// NaN means "not determined" (stored as NULL, written as null); a fit that is
// not invalid_data has finite numbers for all but the standard errors and the
// Rsh interval.
struct fit_row {
  static constexpr double k_none = std::numeric_limits<double>::quiet_NaN();

  std::int64_t sweep = 0;  // index in the file, from 0
  std::string start_time;  // as the file gives it; empty if none
  fit_status status = fit_status::invalid_data;
  std::string reasons_json = "[]";  // JSON array: why poor_fit or invalid_data
  std::string metric;               // e.g. "modulus"
  double resnorm = k_none, grid_resnorm = k_none;
  double rs = k_none, ter = k_none, tec = k_none, tau1 = k_none, tau2 = k_none;
  // Standard errors of the identified quantities: Rs, TER, TEC, tau1, tau2.
  std::array<double, 5> std_errors{k_none, k_none, k_none, k_none, k_none};
  // The raw parameters Rsh, Ra, Ca, Rb, Cb (not identified on their own).
  std::array<double, 5> parameters{k_none, k_none, k_none, k_none, k_none};
  // The Rsh over which the fit is equally good: [low, high], or both NaN.
  std::array<double, 2> rsh_interval{k_none, k_none};
  std::optional<double> area_cm2;  // the area the fit was reported for
  // The circuit model (model/models.hpp) of this fit; a sweep has one fit per
  // model asked for (SPEC 12). rc's fits also fill the fields above; another
  // model fills those it has (Rs, TER, TEC and the rc parameters it shares).
  std::string model = "rc";
  // The model's parameters and their standard errors, in the model's order
  // (Rs first); empty when not fitted. For rc they may be left empty: its
  // are Rs, `parameters` and std_errors[0] (Rs's error).
  std::vector<double> model_params, model_errors;
  double aic = k_none, bic = k_none;
  std::optional<bool> best_model;      // whether the lowest AIC of the sweep's models
  double decisive_frequency = k_none;  // [Hz] a measurement there would tell the models apart
  std::vector<std::string> at_edge;    // the parameters at the edge of their range: "Ca at max"
};

// The fields of fit_row, each once, with the name the API's fit JSON gives it:
// visit(name, &fit_row::member) for each, in declaration order. Member
// pointers, so that the list is a constant expression without a row.
template <class Visit>
constexpr void for_each_member(Visit&& visit) {
  visit("sweep", &fit_row::sweep);
  visit("start_time", &fit_row::start_time);
  visit("status", &fit_row::status);
  visit("reasons", &fit_row::reasons_json);
  visit("metric", &fit_row::metric);
  visit("resnorm", &fit_row::resnorm);
  visit("grid_resnorm", &fit_row::grid_resnorm);
  visit("rs", &fit_row::rs);
  visit("ter", &fit_row::ter);
  visit("tec", &fit_row::tec);
  visit("tau1", &fit_row::tau1);
  visit("tau2", &fit_row::tau2);
  visit("std_errors", &fit_row::std_errors);
  visit("parameters", &fit_row::parameters);
  visit("rsh_interval", &fit_row::rsh_interval);
  visit("area_cm2", &fit_row::area_cm2);
  visit("model", &fit_row::model);
  visit("model_params", &fit_row::model_params);
  visit("model_errors", &fit_row::model_errors);
  visit("aic", &fit_row::aic);
  visit("bic", &fit_row::bic);
  visit("best_model", &fit_row::best_model);
  visit("decisive_frequency", &fit_row::decisive_frequency);
  visit("at_edge", &fit_row::at_edge);
}

// visit(name, field) for each field of `row` (fit_row or const fit_row), in
// the list's order: one list for readers and writers.
template <class Row, class Visit>
constexpr void for_each_field(Row& row, Visit&& visit) {
  for_each_member([&](const char* name, auto member) { visit(name, row.*member); });
}

// How many fields the list has: a format that maps them by hand (the
// catalog's columns, the CSV's) checks this with a static_assert, so that a
// new field stops its build until it is mapped there too.
[[nodiscard]] consteval std::size_t fit_row_field_count() {
  std::size_t n = 0;
  for_each_member([&](const char*, auto) { ++n; });
  return n;
}

}  // namespace eisgrid
