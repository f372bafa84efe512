#pragma once
// The residuals of a fit of a measured spectrum, per point, for any
// parameterisation: each metric is a sum of per-point terms w |dZ|^p, so a
// squared metric gives two residuals per point (sqrt(w) Re dZ, sqrt(w) Im dZ)
// and the others one, sqrt(w |dZ|).

#include <ceres/ceres.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

#include "fit/refine.hpp"
#include "sweep/metric.hpp"

namespace eisgrid::fit {

// Keeps sqrt(w |dZ|) differentiable where a point is fitted exactly.
inline constexpr double k_tiny_modulus = 1e-300;

// The squared metric of the same weighting: modulus for modulus and
// relative, rmse for rmse and mae. Standard errors and information criteria
// are defined on squared residuals.
[[nodiscard]] constexpr sweep::metric squared_weighting(sweep::metric m) noexcept {
  return m == sweep::metric::modulus || m == sweep::metric::relative ? sweep::metric::modulus : sweep::metric::rmse;
}

// The points of a spectrum with |Z| > 0, their angular frequencies and
// weights. force_squared: the squared metric of the same weighting (modulus
// for modulus and relative, plain for rmse and mae), for standard errors.
struct weighted_points {
  std::vector<double> omega;
  std::vector<std::complex<double>> z;
  std::vector<double> sqrt_weight;
  bool squared = false;

  weighted_points(const spectrum_view& s, sweep::metric m, bool force_squared) {
    squared = force_squared || sweep::squares_terms(m);
    const sweep::metric weighting = force_squared ? squared_weighting(m) : m;
    for (std::size_t i = 0; i < s.z.size(); ++i) {
      const double modulus = std::abs(s.z[i]);
      if (!(modulus > 0)) continue;
      omega.push_back(2.0 * std::numbers::pi * s.frequencies[i]);
      z.push_back(s.z[i]);
      sqrt_weight.push_back(std::sqrt(sweep::point_weight(weighting, modulus)));
    }
  }
  [[nodiscard]] int residual_count() const { return static_cast<int>(squared ? 2 * z.size() : z.size()); }

  // Writes the residuals of model values (zr, zi) at point i.
  template <typename T>
  void write(std::size_t i, const T& zr, const T& zi, T* out) const {
    const T dr = zr - z[i].real(), di = zi - z[i].imag();
    if (squared) {
      out[2 * i] = sqrt_weight[i] * dr;
      out[2 * i + 1] = sqrt_weight[i] * di;
    } else {
      out[i] = sqrt_weight[i] * ceres::sqrt(ceres::sqrt(dr * dr + di * di + k_tiny_modulus));
    }
  }
};

inline constexpr int k_max_lm_iterations = 200;

// Levenberg-Marquardt as every refinement of eisgrid runs it: dense QR, one
// thread (fits run many at once), tolerances at 1e-12.
[[nodiscard]] ceres::Solver::Options solver_options();
// Solves `problem` with solver_options(); when `cancel` is given, a callback
// between iterations aborts the solve once it is set, and this throws
// error(cancelled), so a cancelled job leaves a fit within one iteration.
// Returns Ceres' Summary::IsSolutionUsable(): false when the solver failed
// (a residual or Jacobian that could not be evaluated, a linear solver
// failure), and then the parameters are no result to keep.
[[nodiscard]] bool solve(ceres::Problem& problem, const std::atomic<bool>* cancel);

}  // namespace eisgrid::fit
