#pragma once
// A fit's result as JSON (SPEC 10), as `eisgrid fit --json` prints it and as a
// dataset's metadata records its refined best result: values in ohm, farad
// and seconds, non-finite numbers as null.

#include <array>
#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/fit_row.hpp"
#include "compute/fit_sweep.hpp"
#include "fit/fit.hpp"
#include "fit/model_fit.hpp"

namespace eisgrid::compute {

// {"metric", "resnorm", "grid_resnorm", "params": {"Rs", "Rsh", "Ra", "Ca",
// "Rb", "Cb"}, "ter", "tec", "tau1", "tau2", "stderr": {"Rs", "ter", "tec",
// "tau1", "tau2"}, "rsh_interval": [lo, hi]}, plus "at_edge": [names] when
// `with_edges`.
[[nodiscard]] nlohmann::ordered_json fit_json(const fit::fit_result& r, bool with_edges);
// A fit of any model: {"model", "metric", "resnorm", "params": {the model's
// names}, "ter", "tec", "stderr": {the parameters', "ter", "tec"}, "aic",
// "bic", "at_edge": [names]}.
[[nodiscard]] nlohmann::ordered_json model_fit_json(const fit::model_fit_result& r);
// The per-area values of TER and TEC: {"area_cm2", "ter_ohm_cm2",
// "ter_ohm_cm2_se", "tec_uF_per_cm2", "tec_uF_per_cm2_se"}.
[[nodiscard]] nlohmann::ordered_json per_area_json(double ter, double ter_se, double tec, double tec_se, double area_cm2);

// The rows of `eisgrid fit --json` for one sweep, one per model asked for:
// {"file", "sweep", "model", "status", "reasons", then rc's fit_json (with its
// edges) or model_fit_json, "aic", "bic", "best_model",
// "decisive_frequency", and per_area_json when `area` is set}. A sweep that
// could not be fitted has the verdict and nulls. The command line and Python
// both print these, so their numbers are the same.
[[nodiscard]] std::vector<nlohmann::ordered_json> fit_rows_json(const batch_outcome& outcome, const std::string& file, std::size_t sweep,
                                                                sweep::metric metric, const model_list& models, std::optional<double> area);

// The rows of one sweep's fit as the catalog stores them (base/fit_row.hpp):
// one per model fitted, or, when no model could be, one per model asked for
// with the sweep's verdict. Models other than rc fill rc's fields with what
// they share with rc, by name.
[[nodiscard]] std::vector<fit_row> fit_rows(const batch_outcome& outcome, std::size_t sweep, const std::string& start_time,
                                            sweep::metric metric, const model_list& models, std::optional<double> area);

// One row of the per-sweep CSV summary (SPEC 10), from a fit just made
// (`eisgrid fit --summary`) or one stored in the catalog (the API).
struct fit_summary_row {
  static constexpr std::size_t k_values = 19;

  std::string file;
  std::size_t sweep = 0;
  std::string start_time;
  std::string status;  // ok, poor_fit, invalid_data
  std::vector<std::string> reasons;
  std::string metric;
  // resnorm, grid_resnorm, Rs, Rs_se, TER, TER_se, TEC, TEC_se, tau1, tau1_se,
  // tau2, tau2_se, Rsh, Ra, Ca, Rb, Cb, Rsh_min, Rsh_max; none when not fitted.
  std::optional<std::array<double, k_values>> values;
  std::string at_edge;             // "Ca at max, ..."
  std::optional<double> area_cm2;  // per-area columns when set
  // The model (SPEC 12) and what the comparison of the sweep's models said;
  // parameters of models other than rc go in columns of their own.
  std::string model = "rc";
  std::vector<std::pair<std::string, double>> parameters;
  std::optional<double> aic, bic;
  std::optional<bool> best_model;
  std::optional<double> decisive_frequency;
};

// The CSV's row of a fit row of `file` (a stored fit over the API).
[[nodiscard]] fit_summary_row summary_row_of(const fit_row& row, std::string file);
// The values of a row, in the order above.
[[nodiscard]] std::array<double, fit_summary_row::k_values> summary_values(const fit::fit_result& r);
// Those of a model's fit that the model has (rc's time constants and Rsh
// interval from rc's own fit only), the rest NaN; `parameters`, `model`,
// `aic`, `bic` and `at_edge` of the row too.
void fill_summary(fit_summary_row& row, const fit::model_fit_result& r);
// "Rsh at min, Cb at max": the parameters at the edge of their range.
[[nodiscard]] std::string edges_text(const fit::fit_result& r);
[[nodiscard]] std::string edges_text(const fit::model_fit_result& r);

// The per-sweep CSV written a row at a time, as a batch fit's sweeps finish:
// the header first; the per-area columns (area_cm2, TER_ohm_cm2,
// TER_ohm_cm2_se, TEC_uF_per_cm2, TEC_uF_per_cm2_se) when `with_area`, empty
// in rows without an area; then model, aic, bic, best_model,
// decisive_frequency_hz and a column for each of `extra`, the parameters of
// the rows' models that rc does not have. Throws error(io) naming `what`.
class fit_summary_writer {
 public:
  fit_summary_writer(std::ostream& out, bool with_area, std::vector<std::string> extra, std::string what);
  void write(const fit_summary_row& row);
  // Flushes; throws error(io) if anything was not written.
  void finish();

 private:
  std::ostream& out_;
  bool with_area_;
  std::vector<std::string> extra_;
  std::string what_;
};

// The extra columns of `models`' rows: their parameters that rc does not have, in order.
[[nodiscard]] std::vector<std::string> extra_summary_columns(const model_list& models);

// The whole CSV of `rows`, their extra columns from the rows' parameters.
void write_fit_summary(std::ostream& out, const std::vector<fit_summary_row>& rows, bool with_area, const std::string& what);

}  // namespace eisgrid::compute
