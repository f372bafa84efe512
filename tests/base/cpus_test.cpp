#include "base/cpus.hpp"

#include <gtest/gtest.h>
#include <sched.h>

#include <algorithm>
#include <thread>

// Every "as many threads as CPUs" follows the affinity mask, as under taskset
// or a batch system that binds the job to some CPUs.
TEST(cpus, follow_the_affinity_mask) {
  cpu_set_t original;
  CPU_ZERO(&original);
  ASSERT_EQ(::sched_getaffinity(0, sizeof original, &original), 0);
  EXPECT_EQ(eisgrid::available_cpus(), static_cast<unsigned>(CPU_COUNT(&original)));
  EXPECT_LE(eisgrid::available_cpus(), std::max(1u, std::thread::hardware_concurrency()));

  int first = 0;
  while (!CPU_ISSET(first, &original)) ++first;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  ASSERT_EQ(::sched_setaffinity(0, sizeof one, &one), 0);
  const unsigned bound = eisgrid::available_cpus();
  const unsigned resolved = eisgrid::resolve_threads(0);
  ASSERT_EQ(::sched_setaffinity(0, sizeof original, &original), 0);
  EXPECT_EQ(bound, 1u);
  EXPECT_EQ(resolved, 1u);
  EXPECT_EQ(eisgrid::resolve_threads(3), 3u);
}
