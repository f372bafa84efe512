#pragma once
// The order of SPEC 3: ascending residual, equal residuals by ascending grid
// index (a stable sort), NaN last.

#include <cmath>
#include <cstdint>
#include <vector>

namespace eisgrid::sweep {

struct ranked_point {
  double sum = 0;  // the kernel's sum; the resnorm is a monotone function of it
  std::uint64_t index = 0;
};

[[nodiscard]] inline bool ranks_before(const ranked_point& a, const ranked_point& b) noexcept {
  const bool a_nan = std::isnan(a.sum);
  const bool b_nan = std::isnan(b.sum);
  if (a_nan != b_nan) return b_nan;
  if (!a_nan && a.sum != b.sum) return a.sum < b.sum;
  return a.index < b.index;
}

// The best `capacity` points seen, as a max-heap whose root is the worst kept.
// Memory is bounded by the capacity, not by how many points are offered.
class best_points {
 public:
  explicit best_points(std::size_t capacity) : capacity_(capacity) { heap_.reserve(capacity); }

  [[nodiscard]] bool full() const noexcept { return heap_.size() >= capacity_; }
  // The worst kept sum once full; +inf before.
  [[nodiscard]] double threshold() const noexcept;
  void offer(const ranked_point& p);
  // Moves the points out, best first.
  [[nodiscard]] std::vector<ranked_point> take_sorted();
  [[nodiscard]] const std::vector<ranked_point>& points() const noexcept { return heap_; }

 private:
  std::size_t capacity_;
  std::vector<ranked_point> heap_;
};

}  // namespace eisgrid::sweep
