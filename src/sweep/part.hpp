#pragma once
// A sweep split between processes (SPEC 11): each sweeps some chunks of the
// grid into a sweep_part, and one process merges the parts into the result a
// single process would have computed, bit for bit: the kernel's sums of the
// points that matter do not depend on who computed them or on the pruning
// threshold, and ranking breaks ties by grid index.

#include <cstdint>
#include <optional>
#include <vector>

#include "sweep/ranking.hpp"

namespace eisgrid::sweep {

struct sweep_options;
struct sweep_result;

// The sums of consecutive grid points first, first + 1, ...
struct swept_block {
  std::uint64_t first = 0;
  std::vector<double> sums;
};

struct sweep_part {
  std::vector<ranked_point> best;   // keep K: this part's best K, best first
  std::vector<swept_block> blocks;  // keep all: every point this part swept
  std::size_t valid_frequencies = 0;
};

// The rows a sweep of total_points (sweep_points) keeps: empty for all, also
// when K covers them all.
[[nodiscard]] std::optional<std::uint64_t> effective_keep(const sweep_options& options, std::uint64_t total_points) noexcept;

// Keeps the best `k` of `points`, best first.
void keep_best(std::vector<ranked_point>& points, std::uint64_t k);

// Merges parts as they arrive, one at a time, so that a keep-all merge holds
// the grid's sums once plus one part. Not thread-safe.
class sweep_merger {
 public:
  // Throws error(too_large) if keeping all rows would not fit in memory.
  explicit sweep_merger(const sweep_options& options);
  // Throws error(internal) for a block outside the grid.
  void add(sweep_part part);
  // The ranked result; elapsed_seconds is left for the caller.
  [[nodiscard]] sweep_result finish() &&;

 private:
  const sweep_options& options_;
  std::uint64_t total_points_ = 0;
  std::optional<std::uint64_t> keep_;
  std::vector<ranked_point> best_;
  std::vector<double> all_sums_;  // keep all, by grid index
  std::size_t valid_frequencies_ = 0;
};

}  // namespace eisgrid::sweep
