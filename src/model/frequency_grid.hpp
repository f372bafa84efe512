#pragma once
// The frequency grid of SPEC 2: n points from fmin to fmax, ascending, both
// ends included, log-spaced by default; and the presets users know.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/spacing.hpp"

namespace eisgrid::model {

struct frequency_spec {
  double fmin = 0.1;
  double fmax = 1e5;
  std::size_t points = 100;
  model::spacing spacing = spacing::log;

  // Throws error(usage) for a bound outside [k_min_frequency_hz,
  // k_max_frequency_hz] (or not finite), fmin >= fmax, or a point count
  // outside [k_min_points, k_max_points].
  void validate() const;
  friend bool operator==(const frequency_spec&, const frequency_spec&) = default;
};

inline constexpr std::size_t k_min_frequency_points = 2;
inline constexpr std::size_t k_max_frequency_points = 100000;
// Frequencies eisgrid computes with: wider than any impedance analyser
// (10 uHz to 1 GHz), and narrow enough that every value of the pipeline
// (omega, omega*R*C and its square, the spectrum) stays finite and normal in
// float32, which datasets store.
inline constexpr double k_min_frequency_hz = 1e-5;
inline constexpr double k_max_frequency_hz = 1e9;

// Empty if `ascending` are usable frequencies: each within
// [k_min_frequency_hz, k_max_frequency_hz], and strictly increasing still
// after rounding to float32. Otherwise the reason.
[[nodiscard]] std::string frequency_problem(std::span<const double> ascending);

struct frequency_preset {
  std::string_view name;
  frequency_spec spec;
};

// standard, high_res, fast, low_freq, linear, ultra_wide, mid_range.
[[nodiscard]] std::span<const frequency_preset> frequency_presets() noexcept;
[[nodiscard]] std::optional<frequency_spec> find_frequency_preset(std::string_view name) noexcept;

// The ascending frequencies of a validated spec. Throws error(usage) when two
// of them fall on the same float32 value (too many points for the range).
[[nodiscard]] std::vector<double> frequencies(const frequency_spec& spec);

[[nodiscard]] std::string_view to_string(spacing s) noexcept;
[[nodiscard]] std::optional<spacing> parse_spacing(std::string_view text) noexcept;

}  // namespace eisgrid::model
