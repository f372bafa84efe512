// Reading a dataset back: open, inflate, CRC-check and validate every array.
// The file comes from EISGRID_BENCH_FILE (bench/compare.py writes it).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <optional>

#include "dataset/dataset.hpp"
#include "npz/reader.hpp"

namespace {

const char* bench_file(benchmark::State& state) {
  const char* file = std::getenv("EISGRID_BENCH_FILE");
  if (!file) state.SkipWithError("set EISGRID_BENCH_FILE to a dataset file");
  return file;
}

void load_dataset(benchmark::State& state) {
  const char* file = bench_file(state);
  if (!file) return;
  std::uint64_t bytes = 0;
  for (auto _ : state) {
    std::optional<eisgrid::dataset::dataset> d = eisgrid::dataset::dataset::load(file);
    bytes = d->memory_bytes();
    benchmark::DoNotOptimize(bytes);
    // numpy's figure (numpy_baseline.py load) ends with the arrays in hand:
    // handing their memory back is not part of the load being compared.
    state.PauseTiming();
    d.reset();
    state.ResumeTiming();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}

// Every member read with read() (always a copy) or read_shared() (in place
// for a stored member): on a stored file, the cost of the copy the mapping saves.
void read_members(benchmark::State& state) {
  const char* file = bench_file(state);
  if (!file) return;
  const bool shared = state.range(0) == 1;
  std::uint64_t bytes = 0;
  for (auto _ : state) {
    const auto r = eisgrid::npz::reader::open(file);
    bytes = 0;
    for (const auto& m : r.members()) {
      bytes += shared ? r.read_shared(m.name).data().size() : r.read(m.name).data.size();
    }
    benchmark::DoNotOptimize(bytes);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.SetLabel(shared ? "read_shared" : "read (copy)");
}

}  // namespace

BENCHMARK(load_dataset)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(read_members)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();
