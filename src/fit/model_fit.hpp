#pragma once
// The fit of a measured spectrum with any circuit model of model/models.hpp
// (SPEC 12). `rc` is fitted by fit_spectrum in its identified coordinates;
// the other models start from its optimum: every member of its family of
// equal fits that lies in the ranges, and each model's own variants of it
// (circuit_model::starts_from_rc), refined by bounded Levenberg-Marquardt in
// the model's coordinates (log for positive quantities, linear for the
// exponents). A short run from every start picks the few that are refined to
// the end. A model that contains rc (cpe) starts at rc's optimum itself, so
// its optimum is never worse.

#include <optional>
#include <span>
#include <vector>

#include "fit/fit.hpp"
#include "model/circuit_model.hpp"

namespace eisgrid::fit {

struct model_fit_result {
  const model::circuit_model* model = nullptr;
  sweep::metric metric = sweep::metric::modulus;
  double resnorm = 0;          // of params, recomputed from them
  std::vector<double> params;  // in the model's order, Rs first
  // Standard error of each parameter; NaN where the spectrum does not
  // determine it (rc's raw parameters), 0 where held (fixed Rs) or at a bound.
  std::vector<double> errors;
  std::vector<parameter_edge> edges;  // of each parameter
  double ter = 0, ter_se = 0;         // the layer's [ohm]
  double tec = 0, tec_se = 0;         // the layer's, effective [F]
  // AIC and BIC of the fit: n = 2 x points residuals, k = free parameters,
  // from the squared residuals of the metric's weighting (SPEC 12).
  double aic = 0, bic = 0;
  std::size_t free_parameters = 0;
  std::vector<double> relative_residuals;  // |dZ_i| / |Z_i|, in the spectrum's order
};

// The bounds of each of m's parameters in a fit with `options` (the user's
// --range): rc's parameters (Rs, Rsh, Ra, ...) where m has them from its
// grid, the others from options.other_ranges or else the model's measured ranges.
[[nodiscard]] std::vector<model::axis_range> model_ranges(const model::circuit_model& m, const fit_options& options);

// rc's optimum as a model fit.
[[nodiscard]] model_fit_result as_model_fit(const fit_result& rc, std::span<const double> frequencies,
                                            std::span<const std::complex<double>> z, const fit_options& options);

// Fits m (any model but rc) from rc's optimum on the same spectrum and
// options. Throws error(usage) for m = rc, and error(cancelled) within one
// iteration of its refinement once options.cancel is set.
[[nodiscard]] model_fit_result fit_model(std::span<const double> frequencies, std::span<const std::complex<double>> z,
                                         const model::circuit_model& m, const fit_options& options, const fit_result& rc);

// AIC and BIC (into r) from r.params and r.model against the spectrum.
void add_information_criteria(model_fit_result& r, std::span<const double> frequencies, std::span<const std::complex<double>> z);

}  // namespace eisgrid::fit
