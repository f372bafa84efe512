#include "model/frequency_grid.hpp"

#include <array>
#include <cmath>
#include <cstdio>

#include "base/error.hpp"

namespace eisgrid::model {
namespace {

constexpr std::array<frequency_preset, 7> k_presets{{
    {"standard", {0.1, 1e5, 100, spacing::log}},
    {"high_res", {0.01, 1e6, 500, spacing::log}},
    {"fast", {1.0, 1e4, 50, spacing::log}},
    {"low_freq", {1e-3, 1e2, 200, spacing::log}},
    {"linear", {10.0, 1e3, 100, spacing::linear}},
    {"ultra_wide", {1e-4, 1e7, 1000, spacing::log}},
    {"mid_range", {10.0, 1e5, 250, spacing::log}},
}};

std::string frequency_range_text() {
  char text[128];
  std::snprintf(text, sizeof text, "frequencies must lie between %g Hz and %g Hz", k_min_frequency_hz, k_max_frequency_hz);
  return text;
}

}  // namespace

std::string frequency_problem(std::span<const double> ascending) {
  for (std::size_t i = 0; i < ascending.size(); ++i) {
    const double f = ascending[i];
    if (!std::isfinite(f) || f < k_min_frequency_hz || f > k_max_frequency_hz) return frequency_range_text();
    if (i > 0 && !(static_cast<float>(f) > static_cast<float>(ascending[i - 1]))) {
      char text[160];
      std::snprintf(text, sizeof text, "frequencies %.9g Hz and %.9g Hz are the same in float32, as datasets store them", ascending[i - 1],
                    f);
      return text;
    }
  }
  return {};
}

void frequency_spec::validate() const {
  if (!std::isfinite(fmin) || !std::isfinite(fmax) || fmin <= 0 || fmax <= 0) {
    throw error(error_kind::usage, "frequencies must be positive and finite");
  }
  if (fmin < k_min_frequency_hz || fmax > k_max_frequency_hz) throw error(error_kind::usage, frequency_range_text());
  if (fmin >= fmax) throw error(error_kind::usage, "fmin must be below fmax");
  if (points < k_min_frequency_points || points > k_max_frequency_points) {
    throw error(error_kind::usage, "the number of frequency points must be between " + std::to_string(k_min_frequency_points) + " and " +
                                       std::to_string(k_max_frequency_points));
  }
}

std::span<const frequency_preset> frequency_presets() noexcept { return k_presets; }

std::optional<frequency_spec> find_frequency_preset(std::string_view name) noexcept {
  for (const auto& p : k_presets) {
    if (p.name == name) return p.spec;
  }
  return std::nullopt;
}

std::vector<double> frequencies(const frequency_spec& spec) {
  spec.validate();
  auto points = spaced_points(spec.fmin, spec.fmax, spec.points, spec.spacing);
  if (const auto problem = frequency_problem(points); !problem.empty()) {
    throw error(error_kind::usage, problem + "; use fewer points or a wider range");
  }
  return points;
}

std::string_view to_string(spacing s) noexcept { return s == spacing::log ? "log" : "linear"; }

std::optional<spacing> parse_spacing(std::string_view text) noexcept {
  if (text == "log") return spacing::log;
  if (text == "linear") return spacing::linear;
  return std::nullopt;
}

}  // namespace eisgrid::model
