// The cost of fitting every model of SPEC 12 against the ideal model alone,
// in one process (no start-up): each sweep of the NOVA recordings fitted with
// rc, and with rc, cpe and rc_electrode (the other two start from rc's
// optimum). The goal is all three at most 4x rc alone; the ratio of the two
// benchmarks' times is the figure.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <vector>

#include "fit/model_fit.hpp"
#include "measured/read.hpp"
#include "model/models.hpp"

namespace {

const std::vector<eisgrid::measured::sweep>& nova_sweeps() {
  static const std::vector<eisgrid::measured::sweep> sweeps = [] {
    std::vector<eisgrid::measured::sweep> out;
    for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(EISGRID_FIXTURES_DIR) / "measured/nova")) {
      const auto name = entry.path().filename().string();
      if (entry.path().extension() == ".json" || entry.path().extension() == ".md" || name.find("disconnect") != std::string::npos)
        continue;
      for (auto& s : eisgrid::measured::read_measurement(entry.path().string()).sweeps) out.push_back(std::move(s));
    }
    return out;
  }();
  return sweeps;
}

void fit_rc(benchmark::State& state) {
  const auto options = eisgrid::fit::fit_options::measured();
  for (auto _ : state) {
    for (const auto& s : nova_sweeps()) benchmark::DoNotOptimize(eisgrid::fit::fit_spectrum(s.frequencies, s.z, options).resnorm);
  }
  state.counters["sweeps"] = static_cast<double>(nova_sweeps().size());
}

void fit_all_models(benchmark::State& state) {
  const auto options = eisgrid::fit::fit_options::measured();
  for (auto _ : state) {
    for (const auto& s : nova_sweeps()) {
      const auto rc = eisgrid::fit::fit_spectrum(s.frequencies, s.z, options);
      for (const auto& m : eisgrid::model::all_models()) {
        if (m.starts_from_rc) benchmark::DoNotOptimize(eisgrid::fit::fit_model(s.frequencies, s.z, m, options, rc).resnorm);
      }
    }
  }
  state.counters["sweeps"] = static_cast<double>(nova_sweeps().size());
}

}  // namespace

BENCHMARK(fit_rc)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(fit_all_models)->Unit(benchmark::kMillisecond)->MinTime(2.0);
