#pragma once
// The result of fitting one circuit model to one measured sweep, as it
// travels: the catalog's row, the API's fit JSON, the per-sweep CSV and the
// fit of a server job are all this record (SPEC 10, 12). Here, below the
// catalog and the fit, so that each of them can hold it without linking the
// other.
//
// for_each_field() is the one list of its fields. A format that writes the
// row walks the list, so that a field added to the struct and the list reaches
// every format (tests/base/fit_row_test.cpp and the catalog's round trip fail
// for one that is added to the struct alone or not carried).

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
// visit(name, field) for each, in declaration order. `Row` is fit_row or
// const fit_row, so that one list serves readers and writers.
template <class Row, class Visit>
constexpr void for_each_field(Row& row, Visit&& visit) {
  visit("sweep", row.sweep);
  visit("start_time", row.start_time);
  visit("status", row.status);
  visit("reasons", row.reasons_json);
  visit("metric", row.metric);
  visit("resnorm", row.resnorm);
  visit("grid_resnorm", row.grid_resnorm);
  visit("rs", row.rs);
  visit("ter", row.ter);
  visit("tec", row.tec);
  visit("tau1", row.tau1);
  visit("tau2", row.tau2);
  visit("std_errors", row.std_errors);
  visit("parameters", row.parameters);
  visit("rsh_interval", row.rsh_interval);
  visit("area_cm2", row.area_cm2);
  visit("model", row.model);
  visit("model_params", row.model_params);
  visit("model_errors", row.model_errors);
  visit("aic", row.aic);
  visit("bic", row.bic);
  visit("best_model", row.best_model);
  visit("decisive_frequency", row.decisive_frequency);
  visit("at_edge", row.at_edge);
}

// How many fields the list has: a format that maps them by hand (the
// catalog's columns, the CSV's) checks this with a static_assert, so that a
// new field stops its build until it is mapped there too.
[[nodiscard]] consteval std::size_t fit_row_field_count() {
  std::size_t n = 0;
  fit_row row;
  for_each_field(row, [&](const char*, auto&) { ++n; });
  return n;
}

}  // namespace eisgrid
