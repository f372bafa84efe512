#pragma once
// Compute runs and batch fits on the ranks of an MPI job (SPEC 11). Rank 0 alone reads the
// reference, writes the dataset and talks to the catalog (compute::run); it
// sends the resolved sweep to the other ranks, all of them sweep chunks of the
// grid handed out as they ask, and rank 0 merges their parts into the result
// one process would have computed. In a job of one rank these are no-ops or
// plain run_sweep, so compute::run calls them unconditionally.

#include <atomic>
#include <complex>
#include <functional>
#include <optional>
#include <vector>

#include "base/error.hpp"
#include "compute/fit_sweep.hpp"
#include "compute/request.hpp"
#include "sweep/engine.hpp"

namespace eisgrid::compute {

// Collective, rank 0: sends the resolved plan, or the failure that ended the
// run before its sweep, so that every rank ends with the same exit code.
void send_plan(const compute_plan& plan);
void send_failure(const error& failure);

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

// Fits one sweep. Thread-safe; errors it throws fail the whole batch.
using batch_fitter = std::function<batch_outcome(const batch_spectrum&, const fit::fit_options&)>;

// Collective, rank 0 (the file reader): fits `spectra` on every rank, each
// sweep handed to whichever rank's thread asks next (files differ in size),
// `threads` per rank at most. Returns the outcomes in input order, as one
// process computes them. `progress` (rank 0) counts the sweeps of all ranks.
// A long input goes as several batches, so that memory does not grow with it;
// rank 0 then ends the series with end_fit_on_ranks, or with send_failure when
// it stops early (the other ranks wait for one or the other).
[[nodiscard]] std::vector<batch_outcome> fit_on_ranks(const fit::fit_options& options, std::vector<batch_spectrum> spectra,
                                                      unsigned threads, const batch_fitter& fit_one,
                                                      const sweep::progress_callback& progress = {});
// Collective, rank 0: no more batches.
void end_fit_on_ranks();

// Ranks other than 0: receives rank 0's batches and fits their share of each
// until rank 0 ends the series. Returns an exit code as follow_compute does.
[[nodiscard]] int follow_fit(unsigned threads, const batch_fitter& fit_one);

}  // namespace eisgrid::compute
