#include "model/spacing.hpp"

#include <cmath>

namespace eisgrid::model {

std::vector<double> spaced_points(double first, double last, std::size_t n, spacing s) {
  std::vector<double> points(n);
  if (n == 0) return points;
  const bool log = s == spacing::log;
  const double a = log ? std::log10(first) : first;
  const double b = log ? std::log10(last) : last;
  const double step = n > 1 ? (b - a) / static_cast<double>(n - 1) : 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    // numpy.linspace computes start + i*step; so do we, for identical grids.
    const double x = a + static_cast<double>(i) * step;
    points[i] = log ? std::pow(10.0, x) : x;
  }
  points.front() = first;
  if (n > 1) points.back() = last;
  return points;
}

}  // namespace eisgrid::model
