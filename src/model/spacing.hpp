#pragma once
// Point sequences with both ends included, as numpy.logspace and numpy.linspace make them.

#include <cstddef>
#include <vector>

namespace eisgrid::model {

enum class spacing { log, linear };

// n points from `first` to `last`; the ends are exact. Preconditions: n >= 1,
// and for log spacing first, last > 0. n == 1 gives {first}.
[[nodiscard]] std::vector<double> spaced_points(double first, double last, std::size_t n, spacing s);

}  // namespace eisgrid::model
