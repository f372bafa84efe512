// Reading measurement files: the whole NOVA fixture folder (small files, the
// common case) and a generated CSV of 10^6 rows (the bulk path), in MB/s.
// Each checks its answer (the points read), and the CSV one runs beside a
// baseline that only splits lines and parses numbers with std::from_chars,
// the least any reader must do.
#include <benchmark/benchmark.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "measured/read.hpp"

namespace {

constexpr std::size_t k_csv_rows = 1'000'000;
// Sweeps and points of the NOVA fixtures (their README): 5 files of one sweep, 3 of three.
constexpr std::size_t k_nova_points = 5 * 29 + 2 * 3 * 29 + 3 * 66;

struct named_file {
  std::string name;
  std::string bytes;
};

const std::vector<named_file>& nova_files() {
  static const std::vector<named_file> files = [] {
    std::vector<named_file> out;
    for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(EISGRID_FIXTURES_DIR) / "measured/nova")) {
      if (entry.path().extension() == ".json" || entry.path().extension() == ".md") continue;  // recordings only
      std::ifstream in(entry.path(), std::ios::binary);
      out.push_back({entry.path().filename().string(), {std::istreambuf_iterator<char>(in), {}}});
    }
    return out;
  }();
  return files;
}

// A header and 10^6 rows of frequency, Z', Z'' at full double precision.
const std::string& big_csv() {
  static const std::string text = [] {
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> u(0, 1);
    std::string out = "frequency_hz,real_ohm,imag_ohm\n";
    char line[96];
    for (std::size_t i = 0; i < k_csv_rows; ++i) {
      const int n = std::snprintf(line, sizeof line, "%.17g,%.17g,%.17g\n", 1e5 * u(rng) + 0.1, 1e3 * u(rng), -1e3 * u(rng));
      out.append(line, static_cast<std::size_t>(n));
    }
    return out;
  }();
  return text;
}

void read_nova_folder(benchmark::State& state) {
  const auto& files = nova_files();
  std::size_t bytes = 0;
  for (const auto& f : files) bytes += f.bytes.size();
  for (auto _ : state) {
    std::size_t points = 0;
    for (const auto& f : files) {
      for (const auto& s : eisgrid::measured::read_measurement_text(f.name, f.bytes).sweeps) points += s.z.size();
    }
    if (points != k_nova_points) state.SkipWithError("wrong number of points read from nova/");
    benchmark::DoNotOptimize(points);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.counters["files"] = static_cast<double>(files.size());
}

void read_csv_million_rows(benchmark::State& state) {
  const std::string& text = big_csv();
  for (auto _ : state) {
    const auto m = eisgrid::measured::read_measurement_text("big.csv", text);
    if (m.sweeps.size() != 1 || m.sweeps[0].z.size() != k_csv_rows) state.SkipWithError("wrong number of rows read");
    benchmark::DoNotOptimize(m.sweeps[0].z.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

void baseline_from_chars_million_rows(benchmark::State& state) {
  const std::string& text = big_csv();
  for (auto _ : state) {
    std::vector<double> values;
    values.reserve(3 * k_csv_rows);
    const char* p = text.data() + text.find('\n') + 1;
    const char* end = text.data() + text.size();
    while (p < end) {
      double v = 0;
      const auto r = std::from_chars(p, end, v);
      values.push_back(v);
      p = r.ptr + 1;  // past ',' or '\n'
    }
    if (values.size() != 3 * k_csv_rows) state.SkipWithError("wrong number of values parsed");
    benchmark::DoNotOptimize(values.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

}  // namespace

BENCHMARK(read_nova_folder)->Unit(benchmark::kMicrosecond);
BENCHMARK(read_csv_million_rows)->Unit(benchmark::kMillisecond);
BENCHMARK(baseline_from_chars_million_rows)->Unit(benchmark::kMillisecond);
