#pragma once
// The fit of one measured sweep as every front end does it (the command line,
// the server's fit jobs, MPI ranks, Python): the quality checks, rc's fit and
// its verdict (SPEC 10), then each model asked for from rc's optimum and their
// comparison (SPEC 12).

#include <complex>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "fit/fit.hpp"
#include "fit/model_fit.hpp"
#include "fit/status.hpp"
#include "model/circuit_model.hpp"

namespace eisgrid::compute {

// One sweep to fit, and what its fit gave.
struct batch_spectrum {
  std::vector<double> frequencies;
  std::vector<std::complex<double>> z;
  // Where it is in its file, for its rows (fit_rows): its index there, from
  // 0, and its start time as the file gives it (empty if none).
  std::size_t sweep = 0;
  std::string start_time;
};
// One model's fit of a sweep and the verdict on it.
struct model_outcome {
  fit::model_fit_result fit;
  fit::fit_verdict verdict;
};
struct batch_outcome {
  fit::fit_verdict verdict;
  // Without grid_options and grid: the ranked grid behind the fit stays on
  // the rank that fitted it.
  std::optional<fit::fit_result> result;
  // Every model asked for, in the order asked (rc alone by default), and
  // their comparison (SPEC 12); empty when no model could be fitted.
  std::vector<model_outcome> models;
  std::size_t best_model = 0;
  std::optional<double> decisive_frequency;
};
using model_list = std::vector<const model::circuit_model*>;

// rc is always fitted: the other models start from its optimum. With rc alone
// the verdict is rc's; with several models (or one other than rc) each gets
// its own verdict, its warnings and those of the comparison. A sweep that
// cannot be fitted is invalid_data with the reason; a cancellation
// (error_kind::cancelled) propagates. `models` must not be empty.
[[nodiscard]] batch_outcome fit_sweep(const batch_spectrum& s, const fit::fit_options& options, const model_list& models,
                                      std::optional<double> area);

// Whether the rows of a fit name their model and compare: several models, or another than rc.
[[nodiscard]] bool compares(const model_list& models);

}  // namespace eisgrid::compute
