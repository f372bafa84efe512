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

  // Throws error(usage) for a non-positive or non-finite bound, fmin >= fmax,
  // or a point count outside [k_min_points, k_max_points].
  void validate() const;
  friend bool operator==(const frequency_spec&, const frequency_spec&) = default;
};

inline constexpr std::size_t k_min_frequency_points = 2;
inline constexpr std::size_t k_max_frequency_points = 100000;

struct frequency_preset {
  std::string_view name;
  frequency_spec spec;
};

// standard, high_res, fast, low_freq, linear, ultra_wide, mid_range.
[[nodiscard]] std::span<const frequency_preset> frequency_presets() noexcept;
[[nodiscard]] std::optional<frequency_spec> find_frequency_preset(std::string_view name) noexcept;

// The ascending frequencies of a validated spec.
[[nodiscard]] std::vector<double> frequencies(const frequency_spec& spec);

[[nodiscard]] std::string_view to_string(spacing s) noexcept;
[[nodiscard]] std::optional<spacing> parse_spacing(std::string_view text) noexcept;

}  // namespace eisgrid::model
