#pragma once
// How many threads "as many as the CPUs" means: the CPUs this process may run
// on. Its affinity mask (taskset, a batch system's CPU binding) counts, which
// std::thread::hardware_concurrency() ignores.

namespace eisgrid {

// The CPUs in this process's affinity mask; the machine's when the mask cannot be read; at least 1.
[[nodiscard]] unsigned available_cpus() noexcept;

// `requested`, or available_cpus() for 0, the threads options' "as many as the CPUs".
[[nodiscard]] unsigned resolve_threads(unsigned requested) noexcept;

}  // namespace eisgrid
