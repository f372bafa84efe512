#pragma once
// A minimal fork-join loop for chunked deflate and inflate. Threads are
// started per call: a member is at least one 1 MiB chunk, so the ~20 us of
// starting a thread is noise next to the work, and there is no pool to own.

#include <cstddef>
#include <functional>

#include "base/cpus.hpp"

namespace eisgrid::npz::detail {

// Calls task(i) for every i in [0, count) on up to `threads` threads, the
// caller's included. If tasks throw, remaining tasks are skipped and the first
// exception is rethrown after all threads have joined.
void parallel_for(std::size_t count, unsigned threads, const std::function<void(std::size_t)>& task);

}  // namespace eisgrid::npz::detail
