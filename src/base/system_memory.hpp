#pragma once
// How much memory this machine can give a command now, for the checks that
// refuse a run or a file before it is allocated rather than after.

#include <cstdint>
#include <optional>

namespace eisgrid {

// MemAvailable of /proc/meminfo (free memory plus the page cache the kernel
// can drop), in bytes; empty where it cannot be read. Thread-safe.
[[nodiscard]] std::optional<std::uint64_t> available_memory_bytes();

}  // namespace eisgrid
