#pragma once
// The ranks of one run (SPEC 11). Started by an MPI launcher (mpirun, srun),
// eisgrid joins the MPI job and this process is one of size() ranks; started
// any other way it is the only rank, and every call below works as for a job
// of one. This module is the only place that includes <mpi.h>; a build
// without MPI (EISGRID_MPI off) has the single-rank behaviour alone.
//
// Collective calls must be made by every rank in the same order, from the
// thread that created the session. They throw error(internal) if MPI fails.

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

namespace eisgrid::cluster {

using byte_buffer = std::vector<std::byte>;

// Joins the MPI job for the life of the object (MPI_Init_thread ..
// MPI_Finalize), only when the launcher's environment says this process is
// one of its ranks: an MPI singleton costs half a second at start-up and
// every command would pay it. One per process, in main(). On rank 0 of a
// job, a SIGTERM from the launcher (another rank died, or the job was
// cancelled) prints stop_message() before the process exits.
class session {
 public:
  session(int& argc, char**& argv);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;
};

[[nodiscard]] int rank() noexcept;
[[nodiscard]] int size() noexcept;
[[nodiscard]] inline bool is_root() noexcept { return rank() == 0; }
// True when this process is one of several ranks.
[[nodiscard]] inline bool distributed() noexcept { return size() > 1; }

// Worker threads a rank should use by default: the CPUs it may run on, shared
// with the other ranks of its node unless the launcher bound it to its own.
[[nodiscard]] unsigned default_threads() noexcept;

// In a job of several ranks: whether the launcher that started this process
// (mpirun on this machine) writes its errors to a terminal. A rank's own
// output is a pipe to the launcher even then, so a progress bar asks this.
[[nodiscard]] bool launcher_on_terminal() noexcept;

// Collective: rank 0's `data` replaces every other rank's.
void broadcast(byte_buffer& data);

// Collective: every rank's `data` goes to rank 0, which receives the buffers
// one at a time in rank order (its own first) through `on_root`; memory is
// one buffer at a time. Other ranks never call `on_root`.
using gather_sink = std::function<void(int from_rank, std::span<const std::byte> data)>;
void gather(std::span<const std::byte> data, const gather_sink& on_root);

// Thrown on a rank other than 0 to end the process with `code` and no
// message: rank 0 reports the run's failure (main() catches it).
struct quiet_exit {
  int code = 1;
};

// What rank 0 prints when the launcher stops the job. `message` (one line,
// no newline) must outlive the session or the next call; nullptr restores
// the default. Async-signal-safe to read, so it may change at any time.
void set_stop_message(const char* message) noexcept;

}  // namespace eisgrid::cluster
