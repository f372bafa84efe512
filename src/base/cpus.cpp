#include "base/cpus.hpp"

#include <sched.h>

#include <algorithm>
#include <thread>

namespace eisgrid {

unsigned available_cpus() noexcept {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return static_cast<unsigned>(std::max(1, CPU_COUNT(&set)));
  return std::max(1u, std::thread::hardware_concurrency());
}

unsigned resolve_threads(unsigned requested) noexcept { return requested != 0 ? requested : available_cpus(); }

}  // namespace eisgrid
