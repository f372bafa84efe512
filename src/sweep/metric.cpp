#include "sweep/metric.hpp"

#include <cmath>
#include <limits>

namespace eisgrid::sweep {

std::string_view to_string(metric m) noexcept {
  switch (m) {
    case metric::mae: return "mae";
    case metric::rmse: return "rmse";
    case metric::relative: return "relative";
  }
  return "mae";
}

std::optional<metric> parse_metric(std::string_view text) noexcept {
  for (metric m : {metric::mae, metric::rmse, metric::relative}) {
    if (text == to_string(m)) return m;
  }
  return std::nullopt;
}

std::string_view definition(metric m) noexcept {
  switch (m) {
    case metric::mae: return "mean over frequencies with |Z_ref|>0 of |Z_test - Z_ref| (ohm)";
    case metric::rmse: return "sqrt of the mean over frequencies with |Z_ref|>0 of |Z_test - Z_ref|^2 (ohm)";
    case metric::relative: return "mean over frequencies with |Z_ref|>0 of |Z_test - Z_ref| / |Z_ref| (dimensionless)";
  }
  return "";
}

std::string_view unit(metric m) noexcept { return m == metric::relative ? "1" : "ohm"; }

double finish(metric m, double sum, std::size_t valid_points) noexcept {
  if (valid_points == 0) return std::numeric_limits<double>::quiet_NaN();
  const double mean = sum / static_cast<double>(valid_points);
  return squares_terms(m) ? std::sqrt(mean) : mean;
}

}  // namespace eisgrid::sweep
