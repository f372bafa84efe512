#include "model/parameter_grid.hpp"

#include <cmath>
#include <cstdio>
#include <string>

#include "base/error.hpp"
#include "model/rc_model.hpp"
#include "model/spacing.hpp"

namespace eisgrid::model {

grid_spec grid_spec::defaults(std::size_t g) {
  grid_spec spec;
  for (std::size_t k = 0; k < k_param_count; ++k) {
    spec.axes[k] = rc_model::k_parameters[k + 1].model_range;
    spec.axes[k].count = g;
  }
  return spec;
}

std::size_t grid_spec::uniform_count() const noexcept {
  for (const auto& a : axes) {
    if (a.count != axes[0].count) return 0;
  }
  return axes[0].count;
}

void grid_spec::validate() const {
  long double total = 1;
  for (std::size_t i = 0; i < k_param_count; ++i) {
    const auto& a = axes[i];
    const std::string name(k_param_names[i]);
    if (!std::isfinite(a.min) || !std::isfinite(a.max) || a.min <= 0 || a.max <= 0) {
      throw error(error_kind::usage, "range of " + name + " must be positive and finite");
    }
    if (a.min < k_min_parameter_value || a.max > k_max_parameter_value) {
      char text[128];
      std::snprintf(text, sizeof text, "range of %s must lie between %g and %g", name.c_str(), k_min_parameter_value,
                    k_max_parameter_value);
      throw error(error_kind::usage, text);
    }
    if (a.min > a.max) throw error(error_kind::usage, "range of " + name + ": minimum is above maximum");
    if (a.count < k_min_axis_count) {
      throw error(error_kind::usage, "grid size of " + name + " must be at least " + std::to_string(k_min_axis_count));
    }
    total *= static_cast<long double>(a.count);
  }
  if (total > static_cast<long double>(k_max_grid_points)) {
    throw error(error_kind::usage, "the grid has too many points (limit 2^53)");
  }
}

parameter_grid::parameter_grid(const grid_spec& spec) : spec_(spec) {
  spec_.validate();
  size_ = 1;
  for (std::size_t i = 0; i < k_param_count; ++i) {
    const auto& a = spec_.axes[i];
    axes_[i] = spaced_points(a.min, a.max, a.count, spacing::log);
    size_ *= a.count;
  }
}

std::uint64_t parameter_grid::index(const std::array<std::size_t, k_param_count>& i) const noexcept {
  std::uint64_t idx = 0;
  for (std::size_t k = 0; k < k_param_count; ++k) idx = idx * axes_[k].size() + i[k];
  return idx;
}

std::array<std::size_t, k_param_count> parameter_grid::decompose(std::uint64_t index) const noexcept {
  std::array<std::size_t, k_param_count> i{};
  for (std::size_t k = k_param_count; k-- > 0;) {
    i[k] = static_cast<std::size_t>(index % axes_[k].size());
    index /= axes_[k].size();
  }
  return i;
}

circuit_params parameter_grid::point(std::uint64_t index) const noexcept {
  const auto i = decompose(index);
  std::array<double, k_param_count> v{};
  for (std::size_t k = 0; k < k_param_count; ++k) v[k] = axes_[k][i[k]];
  return circuit_params::from_array(v);
}

}  // namespace eisgrid::model
