#pragma once
// Compute runs on the ranks of an MPI job (SPEC 11). Rank 0 alone reads the
// reference, writes the dataset and talks to the catalog (compute::run); it
// sends the resolved sweep to the other ranks, all of them sweep chunks of the
// grid handed out as they ask, and rank 0 merges their parts into the result
// one process would have computed. In a job of one rank these are no-ops or
// plain run_sweep, so compute::run calls them unconditionally.

#include <atomic>
#include <optional>

#include "compute/rank_messages.hpp"
#include "compute/request.hpp"
#include "sweep/engine.hpp"

namespace eisgrid::compute {

// Collective, rank 0: sends the resolved plan; a failure that ends the run
// before its sweep goes with send_failure (compute/rank_messages.hpp).
void send_plan(const compute_plan& plan);

// Collective: the sweep on every rank, each keeping its own best rows, merged
// on rank 0. Returns the result on rank 0, nothing elsewhere. A rank that fails
// stops the others; rank 0 then throws that rank's error, naming it. Progress
// (on rank 0) counts the points of all ranks. options.threads = 0 means
// cluster::default_threads() per rank.
[[nodiscard]] std::optional<sweep::sweep_result> sweep_on_ranks(const sweep::sweep_options& options,
                                                                const sweep::reference_spectrum& reference,
                                                                const sweep::progress_callback& progress = {},
                                                                const std::atomic<bool>* cancel = nullptr);

// Ranks other than 0: receives rank 0's plan and takes part in its sweep.
// Returns the exit code of the run as rank 0 sees it before the sweep (0, or
// that of the failure rank 0 sent); rank 0 reports later failures itself.
[[nodiscard]] int follow_compute();

}  // namespace eisgrid::compute
