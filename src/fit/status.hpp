#pragma once
// The verdict on one fitted sweep (SPEC 9, 10):
// - invalid_data: the measurement itself fails plausibility (Re Z >= 0 and
//   Im Z <= 0 beyond noise) or the Kramers-Kronig test: no number from it is
//   trustworthy, however well a model happens to fit;
// - poor_fit: the data are sound but the fit leaves structure the model cannot
//   explain;
// - ok otherwise.
//
// A real cell layer is not exactly two ideal RC membranes: its residual is a
// smooth, systematic 2 to 8% (modulus). So a systematic residual alone is not
// a poor fit. Structure the model cannot explain shows as a residual well
// above that band overall (rms over k_poor_rms), or as a feature the model
// misses entirely: a run of k_poor_run or more consecutive frequencies each
// off by more than k_poor_point (a third arc, an inductive loop). One stray
// point is noise and is the quality checks' business.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/fit_status.hpp"

namespace eisgrid::fit {

inline constexpr double k_poor_rms = 0.10;
inline constexpr double k_poor_point = 0.20;
inline constexpr std::size_t k_poor_run = 3;

// What the measurement checks said (measured::assess gives these).
struct data_quality {
  bool plausible = true;
  bool kk_passed = true;
  std::vector<std::string> reasons;  // why, when either is false
};

struct fit_verdict {
  fit_status status = fit_status::ok;
  std::vector<std::string> reasons;
};

// `frequencies` and `relative_residuals` (|dZ|/|Z| of the fit) in the same
// order, any order; they are taken in ascending frequency for runs.
[[nodiscard]] fit_verdict judge(const data_quality& quality, std::span<const double> frequencies,
                                std::span<const double> relative_residuals);

// The fitted layer, for the bounds of measured/cell_layer.hpp; the area of the insert in cm2 when known.
struct layer_values {
  double ter = 0;  // ohm
  double tec = 0;  // F
  std::optional<double> area_cm2;
};

// As above, and a fit whose TEC (per area when the area is known) or TER*TEC
// lies outside what a cell layer can be is invalid_data, saying which and why:
// it describes no cell layer, however well it fits.
[[nodiscard]] fit_verdict judge(const data_quality& quality, std::span<const double> frequencies,
                                std::span<const double> relative_residuals, const layer_values& layer);

}  // namespace eisgrid::fit
