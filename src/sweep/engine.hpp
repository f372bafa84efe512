#pragma once
// Runs a sweep: every point of a parameter grid against a reference spectrum,
// ranked (SPEC 3). Uses all cores. Keeping only the best K rows bounds memory
// by K, not by the grid, and lets hopeless points stop early.

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "model/parameter_grid.hpp"
#include "sweep/metric.hpp"
#include "sweep/part.hpp"
#include "sweep/reference.hpp"

namespace eisgrid::sweep {

struct sweep_options {
  model::grid_spec grid = model::grid_spec::defaults(5);
  sweep::metric metric = metric::mae;
  std::optional<std::uint64_t> keep;  // best K rows; all rows when empty
  unsigned threads = 0;               // 0: all cores
  // Series resistances Rs to sweep (SPEC 10), each subtracted from the
  // reference: Z_test = Rs + Z5 matches Z_ref iff Z5 matches Z_ref - Rs, while
  // the weights of relative and modulus keep |Z_ref| of the unshifted
  // reference. Empty: Rs = 0 and the five-parameter sweep of SPEC 3, indices
  // unchanged. Otherwise a row's index is i_Rs * grid_points + the grid index
  // (Rs varies slowest), and the cost is linear in the number of values.
  std::vector<double> series_resistances;
};

// Grid points of a sweep: the parameter grid times the Rs values, if any.
[[nodiscard]] std::uint64_t sweep_points(const sweep_options& options);
// The (Rs, five-parameter grid index) of a row index of such a sweep.
struct sweep_point {
  double rs = 0;
  std::uint64_t grid_index = 0;
};
[[nodiscard]] sweep_point split_index(const sweep_options& options, std::uint64_t grid_points, std::uint64_t index) noexcept;

struct sweep_progress {
  std::uint64_t done = 0;  // grid points evaluated
  std::uint64_t total = 0;
  double elapsed_seconds = 0;
};

// Called on the thread that runs the sweep, about every `k_progress_interval`.
using progress_callback = std::function<void(const sweep_progress&)>;

struct sweep_result {
  std::vector<std::uint64_t> indices;  // grid indices, best first
  std::vector<double> resnorms;        // the matching resnorms (double precision)
  std::uint64_t total_points = 0;      // grid points swept
  std::size_t valid_frequencies = 0;   // points with |Z_ref| > 0
  double elapsed_seconds = 0;
};

// What the processes of a sweep share beyond their own threads.
struct sweep_share {
  double threshold = 0;           // the lowest best-K threshold any has reached
  std::uint64_t points_done = 0;  // grid points evaluated by all
};

// A chunk of rows for a worker, and the lowest best-K threshold known to all
// processes when it was handed out.
struct chunk_grant {
  std::uint64_t chunk = 0;
  double threshold = 0;
};

// Where a sweep's workers get their chunks of rows. One process: a counter.
// A sweep split across ranks (SPEC 11): a counter all ranks draw from, so that
// ranks whose cells stop early take more chunks, and a way to share thresholds.
class work_source {
 public:
  virtual ~work_source() = default;
  // Thread-safe: a chunk of [0, chunks) that no one has taken yet, or a value
  // >= chunks when there is none (then for good). `threshold` is this
  // process's; the grant's is at most that. Sharing thresholds here, as work is
  // handed out, lets every rank prune with the best any rank has found within
  // a few chunks instead of a progress interval: a short sweep on 2 ranks
  // otherwise did a fifth more work than on one.
  virtual chunk_grant take(std::uint64_t chunks, double threshold) = 0;
  // Called on the thread that runs the sweep about every progress interval and
  // once when this process's workers are done, with this process's threshold
  // and its points done so far; returns what all processes have reached.
  virtual sweep_share share(double threshold, std::uint64_t points_done) = 0;
};

// This process's share of a sweep: the chunks `source` hands it. `progress`
// reports the points of all processes, as `source` counts them. Throws as
// run_sweep, but never error(too_large) (the merge allocates).
[[nodiscard]] sweep_part run_sweep_part(const sweep_options& options, const reference_spectrum& reference, work_source& source,
                                        const progress_callback& progress = {}, const std::atomic<bool>* cancel = nullptr);

// Throws error(usage) for an invalid grid or reference, error(cancelled) if
// `cancel` becomes true, error(too_large) if keeping all rows would not fit
// the memory it may use.
[[nodiscard]] sweep_result run_sweep(const sweep_options& options, const reference_spectrum& reference,
                                     const progress_callback& progress = {}, const std::atomic<bool>* cancel = nullptr);

// Bytes held per kept row while ranking, for callers that plan memory.
inline constexpr std::uint64_t k_bytes_per_ranked_row = sizeof(double) + sizeof(std::uint64_t);

}  // namespace eisgrid::sweep
