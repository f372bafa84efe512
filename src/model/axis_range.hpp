#pragma once
// One axis of a parameter grid, or a parameter's default range: its ends and
// its number of points (0 where the count is chosen later).

#include <cstddef>

namespace eisgrid::model {

struct axis_range {
  double min = 0;
  double max = 0;
  std::size_t count = 0;
  friend bool operator==(const axis_range&, const axis_range&) = default;
};

}  // namespace eisgrid::model
