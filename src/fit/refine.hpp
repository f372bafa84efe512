#pragma once
// Local refinement by Levenberg-Marquardt (Ceres Solver), minimising exactly a
// run's metric. Two parameterisations:
// - identified: (ln Rs, ln TER, ln tau2, ln(tau_z/tau2) >= 0, ln(tau1/tau_z) >= 0),
//   the five numbers a spectrum determines, with the interlacing of poles and
//   zero as two lower bounds. Well conditioned (no flat direction), and its
//   Jacobian gives the standard errors.
// - raw: (ln Rs, ln Rsh, ln Ra, ln Ca, ln Rb, ln Cb) with the ranges as bounds,
//   for the rare optimum no member of the family inside the ranges reaches.
// Each metric is a sum of per-point terms w |dZ|^p; squared metrics give two
// residuals per point (sqrt(w) Re dZ, sqrt(w) Im dZ), the others one,
// sqrt(w |dZ|). Thread-safe: each call builds its own problem.

#include <atomic>
#include <complex>
#include <optional>
#include <span>

#include "fit/identified.hpp"
#include "model/parameter_grid.hpp"
#include "sweep/metric.hpp"

namespace eisgrid::fit {

struct spectrum_view {
  std::span<const double> frequencies;  // Hz, any order, repeats allowed
  std::span<const std::complex<double>> z;
};

struct rs_bounds {
  double min = 0;
  double max = 0;
  std::optional<double> fixed;  // Rs held at this value
};

// The refined identified quantities from `start` (clamped into the bounds).
// TER and the time constants are bounded by what the raw ranges can give
// (TER up to the largest Rsh, each tau from min R min C to max R max C), which
// also keeps a wild step from overflowing.
// Both refinements stop within one iteration once `cancel` is set (then
// error(cancelled)).
[[nodiscard]] transfer refine_identified(const spectrum_view& s, sweep::metric m, const rs_bounds& rs, const model::grid_spec& ranges,
                                         transfer start, const std::atomic<bool>* cancel = nullptr);

// The refined raw parameters and Rs from `start` (clamped into the ranges).
struct raw_point {
  double rs = 0;
  model::circuit_params params;
};
[[nodiscard]] raw_point refine_raw(const spectrum_view& s, sweep::metric m, const rs_bounds& rs, const model::grid_spec& ranges,
                                   raw_point start, const std::atomic<bool>* cancel = nullptr);

// Standard errors of Rs, TER, TEC, tau1, tau2 at `t`: the covariance
// s^2 (J^T J)^-1 in the identified coordinates, with J the Jacobian of the
// squared residuals of the metric's weighting (modulus for modulus and
// relative, plain for rmse and mae) and s^2 their sum over (residuals -
// parameters); propagated to each quantity to first order. Rs fixed: its
// error is 0 and it is not a parameter.
struct standard_errors {
  double rs = 0, ter = 0, tec = 0, tau1 = 0, tau2 = 0;
};
[[nodiscard]] standard_errors identified_errors(const spectrum_view& s, sweep::metric m, const rs_bounds& rs, const transfer& t);

// The metric of Rs + Z(p), or of the identified model, against the spectrum.
[[nodiscard]] double resnorm(const spectrum_view& s, sweep::metric m, const model::circuit_params& p, double rs);
[[nodiscard]] double resnorm(const spectrum_view& s, sweep::metric m, const transfer& t);

}  // namespace eisgrid::fit
