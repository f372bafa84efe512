#include "measured/plausibility.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "base/error.hpp"

namespace eisgrid::measured {
namespace {

// `excess` is how far the value lies past zero on the wrong side (positive when it does).
void record(sign_violations& v, double value, double excess, double tolerance, double frequency) {
  if (excess <= tolerance) return;
  if (v.count == 0 || std::abs(value) > std::abs(v.worst)) {
    v.worst = value;
    v.worst_frequency = frequency;
  }
  ++v.count;
  v.frequencies.push_back(frequency);
}

}  // namespace

double sign_tolerance(std::complex<double> z) noexcept {
  return std::max(k_sign_relative_tolerance * std::abs(z), k_sign_absolute_tolerance);
}

plausibility check_plausibility(std::span<const double> frequencies, std::span<const std::complex<double>> z) {
  if (frequencies.size() != z.size()) {
    throw error(error_kind::internal, "check_plausibility: " + std::to_string(frequencies.size()) + " frequencies but " +
                                          std::to_string(z.size()) + " impedances");
  }
  plausibility p;
  p.points = z.size();
  p.too_few_points = p.points < k_min_points;
  double f_min = std::numeric_limits<double>::infinity();
  double f_max = 0;
  bool any_magnitude = false;
  bool all_tiny = true;
  for (std::size_t i = 0; i < z.size(); ++i) {
    const double f = frequencies[i];
    if (!std::isfinite(f) || !std::isfinite(z[i].real()) || !std::isfinite(z[i].imag())) {
      ++p.non_finite_points;
      continue;
    }
    if (f <= 0) {
      ++p.non_positive_frequencies;
      continue;
    }
    f_min = std::min(f_min, f);
    f_max = std::max(f_max, f);
    any_magnitude = true;
    all_tiny = all_tiny && std::abs(z[i]) < k_min_magnitude;
    const double tolerance = sign_tolerance(z[i]);
    record(p.negative_real, z[i].real(), -z[i].real(), tolerance, f);
    record(p.inductive, z[i].imag(), z[i].imag(), tolerance, f);
  }
  p.no_frequency_spread = !(f_max >= k_min_frequency_ratio * f_min);
  p.tiny_impedance = any_magnitude && all_tiny;
  return p;
}

}  // namespace eisgrid::measured
