#include "dataset/export.hpp"

#include <algorithm>
#include <future>
#include <numbers>
#include <numeric>
#include <thread>

#include "base/atomic_file.hpp"
#include "base/cpus.hpp"
#include "base/error.hpp"
#include "base/regular_file.hpp"
#include "base/sha256.hpp"
#include "dataset/dataset.hpp"
#include "dataset/naming.hpp"
#include "model/circuit.hpp"
#include "model/models.hpp"
#include "npz/array.hpp"
#include "npz/writer.hpp"
#include "sweep/engine.hpp"
#include "sweep/spectrum.hpp"

namespace eisgrid::dataset {
namespace {

// Spectra are produced in batches of rows so memory stays bounded however many
// rows have one: about 13 MB a batch at 100 frequencies.
constexpr std::uint64_t k_spectrum_batch_rows = 8192;
constexpr std::size_t k_spectrum_columns = 4;

// rc's rows through the vectorised spectra; other models' through their
// descriptor's impedance (the columns are the same: real, imag, |Z|, phase).
void fill_spectrum_rows(const sweep::sweep_options& options, const model::parameter_grid& grid, std::span<const std::uint64_t> indices,
                        const std::vector<double>& freqs, const std::vector<double>& omega, float* out) {
  const auto& m = grid.model();
  std::vector<double> scratch(omega.size() * k_spectrum_columns);
  std::vector<double> values(m.count());
  for (std::size_t r = 0; r < indices.size(); ++r) {
    const auto point = sweep::split_index(options, grid.size(), indices[r]);
    float* row = out + r * omega.size() * k_spectrum_columns;
    if (&m == &model::rc()) {
      sweep::model_spectrum_row(grid.point(point.grid_index), point.rs, omega, scratch, row);
      continue;
    }
    values[0] = point.rs;
    grid.values(point.grid_index, values.data() + 1);
    for (std::size_t f = 0; f < freqs.size(); ++f) {
      const auto z = m.impedance(values, freqs[f]);
      const double cells[] = {z.real(), z.imag(), std::abs(z), model::phase_degrees(z)};
      for (std::size_t c = 0; c < k_spectrum_columns; ++c) row[f * k_spectrum_columns + c] = static_cast<float>(cells[c]);
    }
  }
}

// Streams the spectrum member batch by batch, each batch computed on all cores.
npz::data_source spectrum_source(const sweep::sweep_options& options, const model::parameter_grid& grid,
                                 std::span<const std::uint64_t> indices, const std::vector<double>& freqs, unsigned threads) {
  return [&options, &grid, indices, &freqs, threads](const std::function<void(std::span<const std::byte>)>& sink) {
    std::vector<double> omega(freqs.size());
    for (std::size_t f = 0; f < freqs.size(); ++f) omega[f] = 2.0 * std::numbers::pi * freqs[f];
    const std::size_t row_floats = freqs.size() * k_spectrum_columns;
    // Not zeroed: the workers write every value (zeroing it was 3% of a g=10 export).
    std::vector<float, npz::uninitialized_allocator<float>> batch;
    for (std::size_t first = 0; first < indices.size(); first += k_spectrum_batch_rows) {
      const std::size_t rows = std::min<std::size_t>(k_spectrum_batch_rows, indices.size() - first);
      batch.resize(rows * row_floats);
      const std::size_t per_thread = (rows + threads - 1) / threads;
      std::vector<std::jthread> workers;
      for (std::size_t begin = 0; begin < rows; begin += per_thread) {
        const std::size_t count = std::min(per_thread, rows - begin);
        workers.emplace_back([&, begin, count] {
          fill_spectrum_rows(options, grid, indices.subspan(first + begin, count), freqs, omega, batch.data() + begin * row_floats);
        });
      }
      workers.clear();
      sink(std::as_bytes(std::span(batch)));
    }
  };
}

}  // namespace

std::uint64_t export_memory_bytes(std::uint64_t rows, std::size_t parameters) noexcept {
  // parameters + resnorms (float32) and grid indices (int64), held while writing.
  return rows * (parameters * sizeof(float) + sizeof(float) + sizeof(std::int64_t));
}

exported_dataset export_dataset(const data_dir& dir, run_record run, const export_options& options) {
  check_file_name(run.file_name);
  const auto& result = *run.result;
  const auto& ref = *run.reference;
  const std::uint64_t rows = result.indices.size();
  run.spectra_rows = std::min<std::uint64_t>(options.spectra.value_or(rows), rows);
  const model::parameter_grid grid(run.options.grid);

  const std::size_t p_count = grid.dimensions();
  std::vector<float> parameters(rows * p_count);
  std::vector<double> values(p_count);
  std::vector<float> resnorms(rows);
  std::vector<std::int64_t> grid_indices(rows);
  const bool with_rs = !run.options.series_resistances.empty();
  std::vector<float> series_resistance(with_rs ? rows : 0);
  for (std::uint64_t r = 0; r < rows; ++r) {
    const auto point = sweep::split_index(run.options, grid.size(), result.indices[r]);
    if (with_rs) series_resistance[r] = static_cast<float>(point.rs);
    grid.values(point.grid_index, values.data());
    for (std::size_t k = 0; k < p_count; ++k) parameters[r * p_count + k] = static_cast<float>(values[k]);
    resnorms[r] = static_cast<float>(result.resnorms[r]);
    grid_indices[r] = static_cast<std::int64_t>(result.indices[r]);
  }
  // Stored ascending (SPEC 4), repeats in measured order; a measured reference
  // also gets `frequency_order`, each column's position in the measured sweep.
  const std::size_t n_freq = ref.frequencies.size();
  std::vector<std::int64_t> order(n_freq);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
    return ref.frequencies[static_cast<std::size_t>(a)] < ref.frequencies[static_cast<std::size_t>(b)];
  });
  std::vector<double> sorted(n_freq);
  for (std::size_t f = 0; f < n_freq; ++f) sorted[f] = ref.frequencies[static_cast<std::size_t>(order[f])];
  std::vector<float> frequencies(sorted.begin(), sorted.end());
  std::vector<double> reference(n_freq * k_spectrum_columns);
  for (std::size_t f = 0; f < n_freq; ++f) {
    const auto z = ref.z[static_cast<std::size_t>(order[f])];
    const double cells[] = {z.real(), z.imag(), std::abs(z), model::phase_degrees(z)};
    std::copy(std::begin(cells), std::end(cells), reference.begin() + static_cast<std::ptrdiff_t>(f * k_spectrum_columns));
  }

  dir.ensure();
  const auto final_path = dir.directory(run.location) / run.file_name;
  atomic_file file(dir.temp(), final_path);
  npz::writer out(file.fd(), final_path.filename().string(), options.npz);
  out.add("parameters", npz::make_array<float>(parameters, {rows, p_count}));
  out.add("resnorms", npz::make_array<float>(resnorms, {rows}));
  const unsigned threads = resolve_threads(options.npz.threads);
  const npz::array_header spectrum_header{npz::dtype_of<float>(), {run.spectra_rows, n_freq, k_spectrum_columns}, false};
  out.add("spectrum", spectrum_header,
          spectrum_source(run.options, grid, std::span(result.indices).first(run.spectra_rows), sorted, threads));
  out.add("frequencies", npz::make_array<float>(frequencies, {n_freq}));
  out.add("metadata", npz::make_unicode_scalar(make_metadata(run).dump()));
  out.add("grid_indices", npz::make_array<std::int64_t>(grid_indices, {rows}));
  out.add("reference_spectrum", npz::make_array<double>(reference, {n_freq, k_spectrum_columns}));
  if (!ref.params) out.add("frequency_order", npz::make_array<std::int64_t>(order, {n_freq}));
  if (with_rs) out.add("series_resistance", npz::make_array<float>(series_resistance, {rows}));
  out.finish();
  // The catalog's SHA-256 is taken on another thread while this one checks
  // the file and waits for the disk: one pass over 75 MB (g=10) that ran
  // alone after the export was a tenth of its time. The file is opened here,
  // as the rename may come before the thread starts.
  auto digest = std::async(std::launch::async, [in = open_regular_file(file.temp_path(), file.temp_path().string()),
                                                name = file.temp_path().string()] { return sha256_of(in.fd.get(), name); });
  // A file that does not load must never take the name (an out-of-range
  // value that became inf in float32, say): it is read back from temp/ before
  // the rename, with the arrays above freed first, as the check reads them again.
  std::vector<float>().swap(parameters);
  std::vector<float>().swap(resnorms);
  std::vector<std::int64_t>().swap(grid_indices);
  dataset checked = [&] {
    try {
      return dataset::load(file.temp_path(), load_depth::without_spectra);
    } catch (const error& e) {
      throw error(error_kind::internal, "the new dataset does not validate, so it was not kept: " + std::string(e.what()));
    }
  }();
  file.commit(options.replace);
  return {final_path, digest.get(), std::move(checked)};
}

}  // namespace eisgrid::dataset
