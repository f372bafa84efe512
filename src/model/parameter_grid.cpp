#include "model/parameter_grid.hpp"

#include <cassert>
#include <cmath>
#include <cstdio>
#include <string>

#include "base/error.hpp"
#include "model/spacing.hpp"

namespace eisgrid::model {

grid_spec grid_spec::defaults(std::size_t g) { return defaults(rc(), g); }

grid_spec grid_spec::defaults(const circuit_model& m, std::size_t g) {
  grid_spec spec;
  spec.model = &m;
  spec.axes.resize(m.count() - 1);
  for (std::size_t k = 0; k < spec.axes.size(); ++k) {
    spec.axes[k] = m.parameters[k + 1].model_range;
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
  if (axes.size() + 1 != model->count()) {
    throw error(error_kind::usage, "a grid of " + std::string(model->name) + " needs " + std::to_string(model->count() - 1) + " axes");
  }
  long double total = 1;
  for (std::size_t i = 0; i < axes.size(); ++i) {
    const auto& a = axes[i];
    const auto& p = model->parameters[i + 1];
    const std::string name(p.name);
    if (!std::isfinite(a.min) || !std::isfinite(a.max) || a.min <= 0 || a.max <= 0) {
      throw error(error_kind::usage, "range of " + name + " must be positive and finite");
    }
    // An exponent's range is bounded by what the element can be (alpha in [0.5, 1]).
    const double low = p.axis == spacing::linear ? p.measured_range.min : k_min_parameter_value;
    const double high = p.axis == spacing::linear ? p.measured_range.max : k_max_parameter_value;
    if (a.min < low || a.max > high) {
      char text[128];
      std::snprintf(text, sizeof text, "range of %s must lie between %g and %g", name.c_str(), low, high);
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
  for (std::size_t k = 0; k < spec_.axes.size(); ++k) {
    const auto& a = spec_.axes[k];
    axes_.push_back(spaced_points(a.min, a.max, a.count, spec_.model->parameters[k + 1].axis));
    size_ *= a.count;
  }
}

std::uint64_t parameter_grid::index(const std::vector<std::size_t>& i) const noexcept {
  std::uint64_t idx = 0;
  for (std::size_t k = 0; k < axes_.size(); ++k) idx = idx * axes_[k].size() + i[k];
  return idx;
}

std::vector<std::size_t> parameter_grid::decompose(std::uint64_t index) const noexcept {
  std::vector<std::size_t> i(axes_.size());
  for (std::size_t k = axes_.size(); k-- > 0;) {
    i[k] = static_cast<std::size_t>(index % axes_[k].size());
    index /= axes_[k].size();
  }
  return i;
}

void parameter_grid::values(std::uint64_t index, double* out) const noexcept {
  for (std::size_t k = axes_.size(); k-- > 0;) {
    out[k] = axes_[k][index % axes_[k].size()];
    index /= axes_[k].size();
  }
}

circuit_params parameter_grid::point(std::uint64_t index) const noexcept {
  assert(axes_.size() == k_param_count);  // an rc grid
  std::array<double, k_param_count> v{};
  values(index, v.data());
  return circuit_params::from_array(v);
}

}  // namespace eisgrid::model
