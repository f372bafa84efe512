#pragma once
// A few numbers held by rank 0 that every rank reads and updates atomically
// without rank 0 taking part (MPI one-sided operations on a window), so a rank
// busy computing never delays the others. Used as a work counter that hands
// out chunks to whichever rank asks first, and to share a running minimum.
// Single rank: plain atomics.

#include <cstddef>
#include <cstdint>
#include <memory>

namespace eisgrid::cluster {

namespace detail {
class numbers_backend;
}

class shared_numbers {
 public:
  // Collective (every rank, same arguments). Counters start at 0, minima at +inf.
  shared_numbers(std::size_t counters, std::size_t minima);
  // Collective: every rank must destroy its object, at the same point.
  ~shared_numbers();
  shared_numbers(const shared_numbers&) = delete;
  shared_numbers& operator=(const shared_numbers&) = delete;

  // Thread-safe. Adds `delta` to counter `i` and returns its value before.
  std::uint64_t fetch_add(std::size_t i, std::uint64_t delta);
  [[nodiscard]] std::uint64_t load(std::size_t i) { return fetch_add(i, 0); }
  // Thread-safe. Lowers minimum `i` to `value` if that is lower, and returns the
  // minimum before (so the new minimum is min(returned, value)).
  double fetch_min(std::size_t i, double value);

 private:
  std::unique_ptr<detail::numbers_backend> backend_;
};

}  // namespace eisgrid::cluster
