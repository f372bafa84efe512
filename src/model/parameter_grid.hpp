#pragma once
// The parameter grid of SPEC 2 for a circuit model (SPEC 12): one axis per
// parameter after Rs, in the model's order, spaced as the model says (log for
// resistances and capacitances, linear for exponents). The first axis varies
// slowest, the last fastest: for rc the linear index is
// ((((i_Rsh*g + i_Ra)*g + i_Ca)*g + i_Rb)*g + i_Cb) (each g is that axis's count).

#include <array>
#include <cstdint>
#include <vector>

#include "model/axis_range.hpp"
#include "model/circuit.hpp"
#include "model/circuit_model.hpp"

namespace eisgrid::model {

const circuit_model& rc() noexcept;  // models.hpp

// Largest number of grid points a sweep accepts: indices stay exact in a double
// and in float64 numpy arrays.
inline constexpr std::uint64_t k_max_grid_points = std::uint64_t{1} << 53;
inline constexpr std::size_t k_min_axis_count = 2;

struct grid_spec {
  const circuit_model* model = &rc();
  std::vector<axis_range> axes = std::vector<axis_range>(k_param_count);  // the model's parameters after Rs

  // rc with SPEC 2's default ranges (Rsh, Ra, Rb 10..10000 ohm; Ca, Cb 1e-7..5e-5 F), g points per axis.
  [[nodiscard]] static grid_spec defaults(std::size_t g);
  // The model's default ranges for model runs, g points per axis.
  [[nodiscard]] static grid_spec defaults(const circuit_model& m, std::size_t g);
  // g if every axis has the same count, else 0.
  [[nodiscard]] std::size_t uniform_count() const noexcept;
  // The name of axis k, as on the command line ("Rsh", "alpha_a").
  [[nodiscard]] std::string_view name(std::size_t k) const noexcept { return model->parameters[k + 1].name; }
  // Throws error(usage) with the offending axis for bad ranges or counts (an
  // exponent outside its bounds included), or a grid over k_max_grid_points.
  void validate() const;
  friend bool operator==(const grid_spec&, const grid_spec&) = default;
};

class parameter_grid {
 public:
  // Throws error(usage) if the spec is invalid.
  explicit parameter_grid(const grid_spec& spec);

  [[nodiscard]] const grid_spec& spec() const noexcept { return spec_; }
  [[nodiscard]] const circuit_model& model() const noexcept { return *spec_.model; }
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t dimensions() const noexcept { return axes_.size(); }
  [[nodiscard]] const std::vector<double>& axis(std::size_t k) const noexcept { return axes_[k]; }
  [[nodiscard]] std::size_t count(std::size_t k) const noexcept { return axes_[k].size(); }
  // rc's axes by name.
  [[nodiscard]] const std::vector<double>& axis(param p) const noexcept { return axes_[static_cast<std::size_t>(p)]; }
  [[nodiscard]] std::size_t count(param p) const noexcept { return axes_[static_cast<std::size_t>(p)].size(); }

  [[nodiscard]] std::uint64_t index(const std::vector<std::size_t>& i) const noexcept;
  [[nodiscard]] std::vector<std::size_t> decompose(std::uint64_t index) const noexcept;
  // Writes the values of a point, one per axis, to out[0 .. dimensions()).
  void values(std::uint64_t index, double* out) const noexcept;
  // A point of an rc grid.
  [[nodiscard]] circuit_params point(std::uint64_t index) const noexcept;

 private:
  grid_spec spec_;
  std::vector<std::vector<double>> axes_;
  std::uint64_t size_ = 0;
};

}  // namespace eisgrid::model
