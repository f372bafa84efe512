#pragma once
// Comparing the models fitted to one sweep (SPEC 12): which one the data
// prefer, whether the TER depends on the choice, and what measurement would
// decide; and the warnings about one model's fit that a lab must see.

#include <complex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "fit/model_fit.hpp"

namespace eisgrid::fit {

// An exponent this close to 0.5 is at its bound: a diffusion-like tail.
inline constexpr double k_tail_exponent = 0.5 + 1e-3;
// How far below the lowest measured frequency the models' predictions are
// followed, in decades, and in how many steps a decade.
inline constexpr double k_prediction_decades = 4;
inline constexpr int k_prediction_steps_per_decade = 20;

// Warnings about r alone: an exponent at 0.5 (not a membrane), and the real
// part at the lowest frequency, less Rs, above the fitted TER by more than its
// standard error (a low-frequency tail the model puts elsewhere).
[[nodiscard]] std::vector<std::string> model_warnings(const model_fit_result& r, std::span<const double> frequencies,
                                                      std::span<const std::complex<double>> z);

struct model_comparison {
  std::size_t best = 0;  // the lowest AIC
  // When the TERs disagree: the highest frequency below the lowest measured
  // one at which the predictions of the best model and the next one whose TER
  // differs part by more than the best model's residual (rms of |dZ|/|Z|)
  // beyond what they differ at the lowest measured frequency.
  std::optional<double> decisive_frequency;
  std::vector<std::string> reasons;  // for every model's row of the sweep
};

// `fits` of one sweep (at least one).
[[nodiscard]] model_comparison compare_models(std::span<const model_fit_result> fits, std::span<const double> frequencies);

}  // namespace eisgrid::fit
