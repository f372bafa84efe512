#include "sweep/ranking.hpp"

#include <algorithm>
#include <limits>

namespace eisgrid::sweep {

double best_points::threshold() const noexcept {
  return full() && capacity_ > 0 ? heap_.front().sum : std::numeric_limits<double>::infinity();
}

void best_points::offer(const ranked_point& p) {
  if (capacity_ == 0) return;
  if (!full()) {
    heap_.push_back(p);
    std::push_heap(heap_.begin(), heap_.end(), ranks_before);
  } else if (ranks_before(p, heap_.front())) {
    std::pop_heap(heap_.begin(), heap_.end(), ranks_before);
    heap_.back() = p;
    std::push_heap(heap_.begin(), heap_.end(), ranks_before);
  }
}

std::vector<ranked_point> best_points::take_sorted() {
  std::sort_heap(heap_.begin(), heap_.end(), ranks_before);
  return std::move(heap_);
}

}  // namespace eisgrid::sweep
