#pragma once
// The parameter grid of SPEC 2: five log-spaced axes, Rsh varying slowest and
// Cb fastest, linear index ((((i_Rsh*g + i_Ra)*g + i_Ca)*g + i_Rb)*g + i_Cb)
// (with per-axis counts, each g is that axis's count).

#include <array>
#include <cstdint>
#include <vector>

#include "model/circuit.hpp"

namespace eisgrid::model {

struct axis_range {
  double min = 0;
  double max = 0;
  std::size_t count = 0;
  friend bool operator==(const axis_range&, const axis_range&) = default;
};

// Largest number of grid points a sweep accepts: indices stay exact in a double
// and in float64 numpy arrays.
inline constexpr std::uint64_t k_max_grid_points = std::uint64_t{1} << 53;
inline constexpr std::size_t k_min_axis_count = 2;

struct grid_spec {
  std::array<axis_range, k_param_count> axes;

  // Default ranges (Rsh, Ra, Rb 10..10000 ohm; Ca, Cb 1e-7..5e-5 F), g points per axis.
  [[nodiscard]] static grid_spec defaults(std::size_t g);
  // g if every axis has the same count, else 0.
  [[nodiscard]] std::size_t uniform_count() const noexcept;
  // Throws error(usage) with the offending axis for bad ranges or counts, or a grid over k_max_grid_points.
  void validate() const;
  friend bool operator==(const grid_spec&, const grid_spec&) = default;
};

class parameter_grid {
 public:
  // Throws error(usage) if the spec is invalid.
  explicit parameter_grid(const grid_spec& spec);

  [[nodiscard]] const grid_spec& spec() const noexcept { return spec_; }
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }
  [[nodiscard]] const std::vector<double>& axis(param p) const noexcept { return axes_[static_cast<std::size_t>(p)]; }
  [[nodiscard]] std::size_t count(param p) const noexcept { return axes_[static_cast<std::size_t>(p)].size(); }

  [[nodiscard]] std::uint64_t index(const std::array<std::size_t, k_param_count>& i) const noexcept;
  [[nodiscard]] std::array<std::size_t, k_param_count> decompose(std::uint64_t index) const noexcept;
  [[nodiscard]] circuit_params point(std::uint64_t index) const noexcept;

 private:
  grid_spec spec_;
  std::array<std::vector<double>, k_param_count> axes_;
  std::uint64_t size_ = 0;
};

}  // namespace eisgrid::model
