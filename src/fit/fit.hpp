#pragma once
// The fit of one measured spectrum (SPEC 10): a global grid with Rs free (the
// sweep engine, best K rows kept), then Levenberg-Marquardt refinement of the
// best distinct candidates in the identified coordinates, and the answer given
// honestly: the identified quantities with standard errors, one raw set inside
// the ranges with the interval of Rsh over which the fit is equally good, and
// any parameter at the edge of its range.

#include <array>
#include <atomic>
#include <complex>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "fit/identified.hpp"
#include "fit/refine.hpp"
#include "model/rc_model.hpp"
#include "sweep/engine.hpp"

namespace eisgrid::fit {

// Default grid: points per axis of the five parameters, and Rs values. The
// grid only has to land in the right basin; refinement does the rest.
inline constexpr std::size_t k_default_fit_grid = 6;
inline constexpr std::size_t k_default_rs_count = 5;
// Grid rows kept for choosing starts, and distinct starts refined.
inline constexpr std::uint64_t k_fit_keep = 2000;
inline constexpr std::size_t k_fit_starts = 8;
// Starts from the search over time constants (fit/profile.hpp).
inline constexpr std::size_t k_profile_fit_starts = 8;

struct fit_options {
  model::grid_spec grid;  // ranges and counts of Rsh, Ra, Ca, Rb, Cb
  // Rs: swept over [min, max] with `count` values, or held at `fixed`. Count 0
  // sweeps near the high-frequency real part of the spectrum (see rs_axis).
  model::axis_range rs = model::rc_model::k_parameters[model::rc_model::rs].measured_range;
  std::optional<double> fixed_rs;
  // Bounds of other models' parameters that rc does not have ("Qa",
  // "alpha_a", ...), by name; any not named here takes its model's measured range.
  std::vector<std::pair<std::string, model::axis_range>> other_ranges;
  sweep::metric metric = sweep::metric::modulus;
  std::size_t starts = k_fit_starts;
  std::size_t profile_starts = k_profile_fit_starts;
  unsigned threads = 1;  // of the grid sweep
  // Set by another thread to stop the fit: checked between the grid's chunks
  // and the iterations of each refinement; the fit then throws
  // error(cancelled). Null: not cancellable.
  const std::atomic<bool>* cancel = nullptr;

  // The measured defaults (the rc model's measured ranges) with g points per axis.
  [[nodiscard]] static fit_options measured(std::size_t g = k_default_fit_grid);
};

// Rs values of the grid: `options.rs.count` log-spaced values over its range;
// with count 0, k_default_rs_count values from a tenth of the smallest real
// part of the spectrum up to it (the medium is in series with everything, so
// Rs is at most that), clipped to the range. One value when Rs is fixed.
[[nodiscard]] std::vector<double> rs_axis(const fit_options& options, std::span<const std::complex<double>> z);

enum class parameter_edge { none, at_min, at_max };

struct fit_result {
  sweep::metric metric = sweep::metric::modulus;
  double resnorm = 0;       // of (rs, params), recomputed from them
  double grid_resnorm = 0;  // of the best grid cell
  bool refined = false;     // false when no refinement beat the grid
  double rs = 0;
  model::circuit_params params;  // one raw set inside the ranges
  transfer identified;           // Rs, TER, tau1, tau2, tau_z of the result
  standard_errors errors;
  std::array<double, 2> rsh_interval{};  // Rsh over which the fit is equally good
  // Rs, Rsh, Ra, Ca, Rb, Cb (the rc model's parameters) at the edge of their range.
  std::array<parameter_edge, 6> edges{};
  // The grid behind it: options (Rs values included) and the ranked rows.
  sweep::sweep_options grid_options;
  sweep::sweep_result grid;
  // |dZ_i| / |Z_i| of the result at each point, in the spectrum's order.
  std::vector<double> relative_residuals;
};

// Fits one spectrum: frequencies in Hz (any order, repeats allowed, positive)
// and complex impedance in ohm. Throws error(usage) for bad options or fewer
// than 2 points. Thread-safe for distinct calls.
[[nodiscard]] fit_result fit_spectrum(std::span<const double> frequencies, std::span<const std::complex<double>> z,
                                      const fit_options& options);

// The refinement alone, from a grid already swept against this spectrum
// (`grid` ranked by `grid_options`, whose metric and parameter ranges it
// uses; Rs is bounded by options.rs or held at options.fixed_rs). For
// callers that sweep a grid of their own, as compute --reference does.
// The result's grid_options and grid are left empty.
[[nodiscard]] fit_result refine_grid(std::span<const double> frequencies, std::span<const std::complex<double>> z,
                                     const fit_options& options, const sweep::sweep_options& grid_options, const sweep::sweep_result& grid);

}  // namespace eisgrid::fit
