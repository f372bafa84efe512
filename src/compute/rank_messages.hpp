#pragma once
// What the distributed sweep and the distributed fit both send between ranks
// (compute/distributed_sweep.hpp, compute/distributed_fit.hpp): the status that
// opens each broadcast, a grid, fit options, a fit's rows, and the failure that
// ends a run.

#include <cstdint>

#include "base/error.hpp"
#include "base/fit_row.hpp"
#include "cluster/message.hpp"
#include "fit/fit.hpp"
#include "model/parameter_grid.hpp"

namespace eisgrid::compute::detail {

// What a broadcast of rank 0 holds; `finished` ends a batch fit's series of
// batches (end_fit_on_ranks).
enum class plan_status : std::uint8_t { ok, failed, finished };
// What a rank's gathered part holds.
enum class part_status : std::uint8_t { ok, failed };
// Added to a shared counter of work by a rank that fails: every later take is
// past the last piece of work, so every rank stops at its next one.
constexpr std::uint64_t k_stop = std::uint64_t{1} << 62;

// A grid travels as its model's name and its axes (the model is a pointer into
// this process's list).
void put_grid(cluster::message_writer& w, const model::grid_spec& grid);
[[nodiscard]] model::grid_spec get_grid(cluster::message_reader& r);
// Field by field: fit_options holds a grid, which is not a plain value.
void put_fit_options(cluster::message_writer& w, const fit::fit_options& o);
[[nodiscard]] fit::fit_options get_fit_options(cluster::message_reader& r);
// A fit row travels as the fields of its one list (base/fit_row.hpp), each in
// the wire form of its type: a field added to the list travels with no change
// here, and one of a type without a wire form stops the build.
void put_fit_row(cluster::message_writer& w, const fit_row& row);
[[nodiscard]] fit_row get_fit_row(cluster::message_reader& r);

}  // namespace eisgrid::compute::detail

namespace eisgrid::compute {

// Collective, rank 0: sends the failure that ended a run (or a batch fit's
// series) before the other ranks' next step, so that every rank ends with the
// same exit code. No-op on one process.
void send_failure(const error& failure);

}  // namespace eisgrid::compute
