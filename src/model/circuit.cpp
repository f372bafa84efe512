#include "model/circuit.hpp"

#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>

#include "base/error.hpp"

namespace eisgrid::model {

std::complex<double> membrane_impedance(double r, double c, double omega) noexcept { return r / std::complex<double>(1.0, omega * r * c); }

std::complex<double> impedance(const circuit_params& p, double freq_hz) noexcept {
  const double omega = 2.0 * std::numbers::pi * freq_hz;
  const std::complex<double> membranes = membrane_impedance(p.ra, p.ca, omega) + membrane_impedance(p.rb, p.cb, omega);
  return p.rsh * membranes / (p.rsh + membranes);
}

double phase_degrees(std::complex<double> z) noexcept { return std::atan2(z.imag(), z.real()) * 180.0 / std::numbers::pi; }

double ter(const circuit_params& p) noexcept { return p.rsh * (p.ra + p.rb) / (p.rsh + p.ra + p.rb); }

double tec(const circuit_params& p) noexcept { return p.ca * p.cb / (p.ca + p.cb); }

void check_params(const circuit_params& p, std::string_view what) {
  const auto values = p.as_array();
  for (std::size_t i = 0; i < k_param_count; ++i) {
    if (!(values[i] >= k_min_parameter_value && values[i] <= k_max_parameter_value)) {
      char text[160];
      std::snprintf(text, sizeof text, ": %s must lie between %g and %g, got %g", std::string(k_param_names[i]).c_str(),
                    k_min_parameter_value, k_max_parameter_value, values[i]);
      throw error(error_kind::usage, std::string(what) + text);
    }
  }
}

}  // namespace eisgrid::model
