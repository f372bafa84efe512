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

// Throws error(usage) for an invalid grid or reference, error(cancelled) if
// `cancel` becomes true, error(too_large) if keeping all rows would not fit
// the memory it may use.
[[nodiscard]] sweep_result run_sweep(const sweep_options& options, const reference_spectrum& reference,
                                     const progress_callback& progress = {}, const std::atomic<bool>* cancel = nullptr);

// Bytes held per kept row while ranking, for callers that plan memory.
inline constexpr std::uint64_t k_bytes_per_ranked_row = sizeof(double) + sizeof(std::uint64_t);

}  // namespace eisgrid::sweep
