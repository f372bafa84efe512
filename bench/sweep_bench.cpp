// Micro-benchmarks of the sweep: the kernel on each compiled target with no
// pruning (the raw arithmetic rate) and whole keep-K sweeps on all cores. Each
// counts point-frequencies as items; sweeps also print a checksum of their top
// rows, which bench/compare.py checks against the numpy baseline.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <limits>

#include "model/frequency_grid.hpp"
#include "sweep/engine.hpp"
#include "sweep/kernel.hpp"
#include "sweep/tables.hpp"

using namespace eisgrid;

namespace {

constexpr std::size_t k_frequencies = 100;

sweep::reference_spectrum default_reference() {
  return sweep::model_reference(model::k_default_reference, model::frequencies({0.1, 1e5, k_frequencies, model::spacing::log}));
}

// One thread, every point computed in full: g^5 = 3.2 million points at g = 20.
void kernel_full_sums(benchmark::State& state, std::int64_t target) {
  sweep::force_kernel_target(target);
  const model::parameter_grid grid(model::grid_spec::defaults(20));
  const auto tables = sweep::build_tables(grid, default_reference(), sweep::metric::mae);
  const std::size_t g = 20;
  std::vector<double> sums(g);
  sweep::row_inputs in{};
  in.ref_re = tables.ref_re.data();
  in.ref_im = tables.ref_im.data();
  in.weight = tables.weight.data();
  in.n = tables.n;
  in.count = g;
  in.limit = std::numeric_limits<double>::infinity();
  std::size_t row = 0;
  for (auto _ : state) {
    in.rsh = grid.axis(model::param::rsh)[row % g];
    in.za_re = tables.apical.re.data() + (row % (g * g)) * tables.n;
    in.za_im = tables.apical.im.data() + (row % (g * g)) * tables.n;
    in.zb_re = tables.basal.re.data() + (row % g) * g * tables.n;
    in.zb_im = tables.basal.im.data() + (row % g) * g * tables.n;
    sweep::residual_row(in, sums.data());
    benchmark::DoNotOptimize(sums.data());
    ++row;
  }
  sweep::force_kernel_target(0);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * g * k_frequencies));
}

void sweep_keep(benchmark::State& state) {
  sweep::sweep_options opt;
  opt.grid = model::grid_spec::defaults(static_cast<std::size_t>(state.range(0)));
  opt.keep = static_cast<std::uint64_t>(state.range(1));
  const auto ref = default_reference();
  sweep::sweep_result result;
  for (auto _ : state) {
    result = sweep::run_sweep(opt, ref);
    benchmark::DoNotOptimize(result.resnorms.data());
  }
  double checksum = 0;
  for (std::size_t i = 0; i < 10 && i < result.resnorms.size(); ++i) checksum += result.resnorms[i];
  state.counters["best_index"] = static_cast<double>(result.indices.front());
  state.counters["checksum"] = checksum;
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * result.total_points * k_frequencies));
}

const bool k_registered = [] {
  for (const auto target : sweep::kernel_targets()) {
    benchmark::RegisterBenchmark(("kernel_full_sums/" + sweep::kernel_target_name(target)).c_str(), kernel_full_sums, target);
  }
  return true;
}();

}  // namespace

BENCHMARK(sweep_keep)->Args({20, 1000})->Args({30, 1000})->Unit(benchmark::kMillisecond)->UseRealTime();
