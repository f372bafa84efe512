// Reading a dataset back: open, inflate, CRC-check and validate every array.
// The file comes from EISGRID_BENCH_FILE (bench/compare.py writes it).
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "dataset/dataset.hpp"

namespace {

void load_dataset(benchmark::State& state) {
  const char* file = std::getenv("EISGRID_BENCH_FILE");
  if (!file) {
    state.SkipWithError("set EISGRID_BENCH_FILE to a dataset file");
    return;
  }
  std::uint64_t bytes = 0;
  for (auto _ : state) {
    const auto d = eisgrid::dataset::dataset::load(file);
    bytes = d.memory_bytes();
    benchmark::DoNotOptimize(bytes);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}

}  // namespace

BENCHMARK(load_dataset)->Unit(benchmark::kMillisecond)->UseRealTime();
