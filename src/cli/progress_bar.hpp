#pragma once
// A one-line progress bar with rate and ETA, redrawn in place on a terminal.
// Silent when the stream is not a terminal, so logs and pipes stay clean. On
// rank 0 of an MPI job, stderr is a pipe to mpirun: it draws if mpirun's is a terminal.

#include <cstdio>
#include <string>

#include "sweep/engine.hpp"

namespace eisgrid::cli {

class progress_bar {
 public:
  // Draws on `out` only if it is a terminal and `enabled`.
  progress_bar(std::FILE* out, bool enabled, std::string unit);
  void update(const sweep::sweep_progress& p);
  // Clears the line.
  void finish();

  [[nodiscard]] static std::string format_duration(double seconds);
  [[nodiscard]] static std::string format_rate(double per_second);

 private:
  std::FILE* out_;
  bool active_;
  std::string unit_;
};

}  // namespace eisgrid::cli
