#pragma once
// Batch fits on the ranks of an MPI job (SPEC 11): rank 0 alone reads the
// measurement files; every rank fits the sweeps it takes next, and rank 0
// gets their rows back in input order, as one process computes them. In a
// job of one rank fit_on_ranks is the batch on this process's threads.

#include <functional>
#include <optional>
#include <vector>

#include "base/fit_row.hpp"
#include "compute/fit_sweep.hpp"
#include "compute/rank_messages.hpp"
#include "sweep/engine.hpp"

namespace eisgrid::compute {

// One sweep's fit as rank 0 gets it: the rows that every output is written
// from (compute::fit_rows), which alone travel between ranks (as the fields of
// base/fit_row.hpp's list, so that a new field travels too), and what the
// fitter keeps of the fit where it ran: `eisgrid fit --save`'s ranked grid,
// on one process only. A rank other than 0 sends the rows alone.
struct fitted_sweep {
  std::vector<fit_row> rows;
  std::optional<batch_outcome> kept;
};

// Fits one sweep. Thread-safe; errors it throws fail the whole batch.
using batch_fitter = std::function<fitted_sweep(const batch_spectrum&, const fit::fit_options&)>;

// Collective, rank 0 (the file reader): fits `spectra` on every rank, each
// sweep handed to whichever rank's thread asks next (files differ in size),
// `threads` per rank at most. Returns the fits in input order, as one
// process computes them. `progress` (rank 0) counts the sweeps of all ranks.
// A long input goes as several batches, so that memory does not grow with it;
// rank 0 then ends the series with end_fit_on_ranks, or with send_failure when
// it stops early (the other ranks wait for one or the other).
[[nodiscard]] std::vector<fitted_sweep> fit_on_ranks(const fit::fit_options& options, std::vector<batch_spectrum> spectra, unsigned threads,
                                                     const batch_fitter& fit_one, const sweep::progress_callback& progress = {});
// Collective, rank 0: no more batches.
void end_fit_on_ranks();

// Ranks other than 0: receives rank 0's batches and fits their share of each
// until rank 0 ends the series. Returns an exit code as follow_compute does.
[[nodiscard]] int follow_fit(unsigned threads, const batch_fitter& fit_one);

}  // namespace eisgrid::compute
