#include "sweep/metric.hpp"

#include <cmath>
#include <limits>

namespace eisgrid::sweep {

std::string_view to_string(metric m) noexcept {
  switch (m) {
    case metric::mae: return "mae";
    case metric::rmse: return "rmse";
    case metric::relative: return "relative";
    case metric::modulus: return "modulus";
  }
  return "mae";
}

std::optional<metric> parse_metric(std::string_view text) noexcept {
  for (metric m : k_metrics) {
    if (text == to_string(m)) return m;
  }
  return std::nullopt;
}

std::string metric_names(std::string_view quote) {
  std::string out;
  for (std::size_t i = 0; i < k_metrics.size(); ++i) {
    if (i > 0) out += i + 1 == k_metrics.size() ? " or " : ", ";
    out.append(quote).append(to_string(k_metrics[i])).append(quote);
  }
  return out;
}

std::string_view definition(metric m) noexcept {
  switch (m) {
    case metric::mae: return "mean over frequencies with |Z_ref|>0 of |Z_test - Z_ref| (ohm)";
    case metric::rmse: return "sqrt of the mean over frequencies with |Z_ref|>0 of |Z_test - Z_ref|^2 (ohm)";
    case metric::relative: return "mean over frequencies with |Z_ref|>0 of |Z_test - Z_ref| / |Z_ref| (dimensionless)";
    case metric::modulus: return "sqrt of the mean over frequencies with |Z_ref|>0 of |Z_test - Z_ref|^2 / |Z_ref|^2 (dimensionless)";
  }
  return "";
}

std::string_view unit(metric m) noexcept { return m == metric::relative || m == metric::modulus ? "1" : "ohm"; }

double point_weight(metric m, double ref_modulus) noexcept {
  switch (m) {
    case metric::relative: return 1.0 / ref_modulus;
    case metric::modulus: return 1.0 / (ref_modulus * ref_modulus);
    default: return 1.0;
  }
}

double resnorm_of(metric m, const std::complex<double>* dz, const std::complex<double>* z_ref, std::size_t n) noexcept {
  double sum = 0;
  std::size_t valid = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double modulus = std::abs(z_ref[i]);
    if (!(modulus > 0)) continue;
    const double d = std::abs(dz[i]);
    sum += point_weight(m, modulus) * (squares_terms(m) ? d * d : d);
    ++valid;
  }
  return finish(m, sum, valid);
}

double finish(metric m, double sum, std::size_t valid_points) noexcept {
  if (valid_points == 0) return std::numeric_limits<double>::quiet_NaN();
  const double mean = sum / static_cast<double>(valid_points);
  return squares_terms(m) ? std::sqrt(mean) : mean;
}

}  // namespace eisgrid::sweep
