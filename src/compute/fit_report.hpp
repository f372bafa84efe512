#pragma once
// A fit's results as rows (base/fit_row.hpp) and what is written from them
// (SPEC 10): JSON, as `eisgrid fit --json` prints it and as a dataset's
// metadata records its refined best result (values in ohm, farad and seconds,
// non-finite numbers as null), and the per-sweep CSV.

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

namespace eisgrid::compute {

// {"metric", "resnorm", "grid_resnorm", "params": {"Rs", "Rsh", "Ra", "Ca",
// "Rb", "Cb"}, "ter", "tec", "tau1", "tau2", "stderr": {"Rs", "ter", "tec",
// "tau1", "tau2"}, "rsh_interval": [lo, hi]}, plus "at_edge": [names] when
// `with_edges`.
[[nodiscard]] nlohmann::ordered_json fit_json(const fit::fit_result& r, bool with_edges);
// The per-area values of TER and TEC: {"area_cm2", "ter_ohm_cm2",
// "ter_ohm_cm2_se", "tec_uF_per_cm2", "tec_uF_per_cm2_se"}.
[[nodiscard]] nlohmann::ordered_json per_area_json(double ter, double ter_se, double tec, double tec_se, double area_cm2);

// The rows of one sweep's fit (base/fit_row.hpp), from which every output of
// a fit is written (the table, JSON and CSV of `eisgrid fit`, Python's rows,
// the catalog's rows): one per model fitted, or, when no model could be, one
// per model asked for with the sweep's verdict. Models other than rc fill
// rc's fields with what they share with rc, by name.
[[nodiscard]] std::vector<fit_row> fit_rows(const batch_outcome& outcome, std::size_t sweep, const std::string& start_time,
                                            sweep::metric metric, const model_list& models, std::optional<double> area);
// Whether a row holds a model's fit: fit_rows says of each fitted model
// whether it is the sweep's best (best_model), and of no other row.
[[nodiscard]] bool was_fitted(const fit_row& row);
// The reasons of a row's verdict, in order (its reasons_json).
[[nodiscard]] std::vector<std::string> reasons_of(const fit_row& row);
// "Rsh at min, Cb at max": the row's parameters at the edge of their range.
[[nodiscard]] std::string edges_text(const fit_row& row);

// A row of `eisgrid fit --json` (and of Python's fit): {"file", "sweep",
// "model", "status", "reasons", then rc's fit_json (with its edges), "aic",
// "bic", or another model's {"metric", "resnorm", "params": {the model's
// names}, "ter", "tec", "stderr": {the parameters', "ter", "tec"}, "aic",
// "bic", "at_edge"}, then "best_model", "decisive_frequency", and
// per_area_json when the row has an area}. A row of a sweep that could not be
// fitted has the verdict, "metric" and nulls.
[[nodiscard]] nlohmann::ordered_json fit_row_json(const fit_row& row, const std::string& file);

// One row of the per-sweep CSV summary (SPEC 10).
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

// The CSV's row of a fit row of `file`: one just made (`eisgrid fit
// --summary`) or one stored in the catalog (the API). A row has values when
// fitted, or, stored before fits said which model was best, when it has a TER.
[[nodiscard]] fit_summary_row summary_row_of(const fit_row& row, std::string file);

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
