#include "sweep/engine.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <iterator>
#include <limits>
#include <mutex>
#include <numeric>
#include <thread>

#include "base/cpus.hpp"
#include "base/error.hpp"
#include "model/models.hpp"
#include "sweep/kernel.hpp"
#include "sweep/ranking.hpp"
#include "sweep/tables.hpp"

namespace eisgrid::sweep {
namespace {

using clock = std::chrono::steady_clock;
constexpr auto k_progress_interval = std::chrono::milliseconds(100);
// Rows handed to a worker at a time: large enough to amortise the shared
// counter, small enough that progress and cancellation stay responsive.
constexpr std::uint64_t k_rows_per_chunk = 64;

// Chunks are visited in a scattered but fixed order, c -> c * step mod n with
// step coprime to n near n / golden ratio, so that the first chunks already
// sample the whole grid and the best-K threshold tightens early. The result
// does not depend on the order; only how soon hopeless points can stop does.
class chunk_order {
 public:
  explicit chunk_order(std::uint64_t chunks) : chunks_(chunks), step_(1) {
    if (chunks < 3) return;
    step_ = static_cast<std::uint64_t>(static_cast<double>(chunks) * 0.6180339887498949);
    while (std::gcd(step_, chunks) != 1) ++step_;
  }
  [[nodiscard]] std::uint64_t operator()(std::uint64_t c) const noexcept {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(c) * step_) % chunks_);
  }

 private:
  std::uint64_t chunks_;
  std::uint64_t step_;
};

// The lowest threshold any worker has reached; every worker may prune with it,
// because that worker already holds K points at or below it.
class shared_threshold {
 public:
  [[nodiscard]] double load() const noexcept { return value_.load(std::memory_order_relaxed); }
  void lower_to(double v) noexcept {
    double current = value_.load(std::memory_order_relaxed);
    while (v < current && !value_.compare_exchange_weak(current, v, std::memory_order_relaxed)) {
    }
  }

 private:
  std::atomic<double> value_{std::numeric_limits<double>::infinity()};
};

// A sweep in one process: chunks from a counter, nothing to share.
class local_source final : public work_source {
 public:
  chunk_grant take(std::uint64_t, double threshold) override { return {next_.fetch_add(1, std::memory_order_relaxed), threshold}; }
  sweep_share share(double threshold, std::uint64_t points_done) override { return {threshold, points_done}; }

 private:
  std::atomic<std::uint64_t> next_{0};
};

struct sweep_job {
  sweep_job(const model::parameter_grid& g, const sweep_tables& t, bool sq, std::optional<std::uint64_t> k, work_source& s,
            const std::atomic<bool>* c)
      : grid(g), tables(t), squared(sq), keep(k), source(s), cancel(c) {}

  const model::parameter_grid& grid;
  const sweep_tables& tables;
  bool squared;
  std::optional<std::uint64_t> keep;
  work_source& source;
  const std::atomic<bool>* cancel;

  std::uint64_t row_count = 0;
  std::size_t row_length = 0;       // points per row: the last axis (rc: Cb)
  std::size_t apical_count = 0;     // rows of the apical membrane table
  std::size_t basal_row_count = 0;  // rows of the basal table / row_length
  std::uint64_t grid_points = 0;
  // The reference's real part less each swept Rs (SPEC 10), n values each.
  std::vector<double> shifted_ref_re;
  std::uint64_t chunks_per_rs = 0;
  std::uint64_t chunk_count = 0;  // chunks_per_rs for each Rs value
  chunk_order order{1};
  std::atomic<std::uint64_t> points_done{0};
  shared_threshold threshold;

  [[nodiscard]] bool cancelled() const noexcept { return cancel && cancel->load(std::memory_order_relaxed); }

  row_inputs row(std::uint64_t r, std::uint64_t i_rs) const noexcept {
    // r enumerates (i_Rsh, apical membrane, basal membrane but its last
    // axis), the last fastest; rc: (i_Rsh, i_Ra, i_Ca, i_Rb).
    const std::size_t i_rb = r % basal_row_count;
    const std::size_t apical = (r / basal_row_count) % apical_count;
    const std::size_t i_rsh = r / basal_row_count / apical_count;
    const std::size_t n = tables.n;
    row_inputs in;
    in.rsh = grid.axis(0)[i_rsh];
    in.za_re = tables.apical.re.data() + apical * n;
    in.za_im = tables.apical.im.data() + apical * n;
    in.zb_re = tables.basal.re.data() + i_rb * row_length * n;
    in.zb_im = tables.basal.im.data() + i_rb * row_length * n;
    in.ref_re = shifted_ref_re.data() + i_rs * n;
    in.ref_im = tables.ref_im.data();
    in.weight = tables.weight.data();
    in.n = n;
    in.count = row_length;
    in.squared = squared;
    in.limit = std::numeric_limits<double>::infinity();
    return in;
  }

  // One worker: pulls chunks of rows until none are left. Returns its best
  // points (keep K) or the sums of every chunk it swept (keep all).
  sweep_part work() {
    sweep_part part;
    best_points best(keep.value_or(0));
    std::vector<double> sums(row_length);
    while (!cancelled()) {
      const chunk_grant grant = source.take(chunk_count, threshold.load());
      if (grant.chunk >= chunk_count) break;
      threshold.lower_to(grant.threshold);
      const std::uint64_t scattered = order(grant.chunk);
      const std::uint64_t i_rs = scattered / chunks_per_rs;
      const std::uint64_t first = scattered % chunks_per_rs * k_rows_per_chunk;
      const std::uint64_t last = std::min(row_count, first + k_rows_per_chunk);
      const std::uint64_t offset = i_rs * grid_points;  // Rs varies slowest in the index
      if (!keep) part.blocks.push_back({offset + first * row_length, std::vector<double>((last - first) * row_length)});
      for (std::uint64_t r = first; r < last; ++r) {
        row_inputs in = row(r, i_rs);
        const std::uint64_t base = offset + r * row_length;
        if (!keep) {
          residual_row(in, part.blocks.back().sums.data() + (r - first) * row_length);
          continue;
        }
        in.limit = std::min(best.threshold(), threshold.load());
        residual_row(in, sums.data());
        for (std::size_t k = 0; k < row_length; ++k) {
          if (!(sums[k] > in.limit)) best.offer({sums[k], base + k});
        }
        if (best.full()) threshold.lower_to(best.threshold());
      }
      points_done.fetch_add((last - first) * row_length, std::memory_order_relaxed);
    }
    part.best = best.take_sorted();
    return part;
  }
};

}  // namespace

std::uint64_t sweep_points(const sweep_options& options) {
  const model::parameter_grid grid(options.grid);
  return grid.size() * std::max<std::uint64_t>(1, options.series_resistances.size());
}

sweep_point split_index(const sweep_options& options, std::uint64_t grid_points, std::uint64_t index) noexcept {
  if (options.series_resistances.empty()) return {0.0, index};
  return {options.series_resistances[index / grid_points], index % grid_points};
}

sweep_part run_sweep_part(const sweep_options& options, const reference_spectrum& reference, work_source& source,
                          const progress_callback& progress, const std::atomic<bool>* cancel) {
  const model::parameter_grid grid(options.grid);
  model::require_sweepable(grid.model());
  if (reference.frequencies.size() < model::k_min_frequency_points || reference.z.size() != reference.frequencies.size()) {
    throw error(error_kind::usage, "the reference spectrum needs at least 2 frequencies");
  }
  if (options.keep && *options.keep == 0) throw error(error_kind::usage, "keep must be at least 1");
  for (double rs : options.series_resistances) {
    if (!std::isfinite(rs) || rs < 0) throw error(error_kind::usage, "Rs must be a finite number >= 0");
  }
  const std::vector<double> rs_values = options.series_resistances.empty() ? std::vector<double>{0.0} : options.series_resistances;
  const std::uint64_t total = sweep_points(options);
  if (total > model::k_max_grid_points) throw error(error_kind::usage, "the grid has too many points (limit 2^53)");
  const auto start = clock::now();
  const sweep_tables tables = build_tables(grid, reference, options.metric);

  sweep_job job(grid, tables, squares_terms(options.metric), effective_keep(options, total), source, cancel);
  job.row_length = grid.count(grid.dimensions() - 1);
  job.row_count = grid.size() / job.row_length;
  job.apical_count = tables.apical.re.size() / tables.n;
  job.basal_row_count = tables.basal.re.size() / tables.n / job.row_length;
  job.grid_points = grid.size();
  // Z_test = Rs + Z5 matches Z_ref iff Z5 matches Z_ref - Rs; padding slots
  // have weight 0, so shifting them too changes no sum.
  for (double rs : rs_values) {
    for (double re : tables.ref_re) job.shifted_ref_re.push_back(re - rs);
  }
  job.chunks_per_rs = (job.row_count + k_rows_per_chunk - 1) / k_rows_per_chunk;
  job.chunk_count = job.chunks_per_rs * rs_values.size();
  job.order = chunk_order(job.chunk_count);

  const unsigned threads = resolve_threads(options.threads);
  std::vector<sweep_part> parts(threads);
  std::mutex mutex;
  std::condition_variable finished_cv;
  unsigned finished = 0;
  std::exception_ptr failure;
  const auto share = [&] {
    const auto shared = source.share(job.threshold.load(), job.points_done.load());
    job.threshold.lower_to(shared.threshold);
    return shared;
  };
  {
    std::vector<std::jthread> workers;
    for (unsigned t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        try {
          parts[t] = job.work();
        } catch (...) {
          std::lock_guard lock(mutex);
          failure = std::current_exception();
        }
        std::lock_guard lock(mutex);
        ++finished;
        finished_cv.notify_all();
      });
    }
    std::unique_lock lock(mutex);
    while (!finished_cv.wait_for(lock, k_progress_interval, [&] { return finished == threads; })) {
      lock.unlock();
      const auto shared = share();
      if (progress) progress({shared.points_done, total, std::chrono::duration<double>(clock::now() - start).count()});
      lock.lock();
    }
  }
  if (failure) std::rethrow_exception(failure);
  (void)share();
  if (job.cancelled()) throw error(error_kind::cancelled, "the sweep was cancelled");

  sweep_part part;
  part.valid_frequencies = tables.valid_frequencies;
  for (auto& p : parts) {
    part.best.insert(part.best.end(), p.best.begin(), p.best.end());
    std::move(p.blocks.begin(), p.blocks.end(), std::back_inserter(part.blocks));
  }
  if (job.keep) keep_best(part.best, *job.keep);
  return part;
}

sweep_result run_sweep(const sweep_options& options, const reference_spectrum& reference, const progress_callback& progress,
                       const std::atomic<bool>* cancel) {
  const auto start = clock::now();
  sweep_merger merger(options);
  local_source source;
  merger.add(run_sweep_part(options, reference, source, progress, cancel));
  sweep_result result = std::move(merger).finish();
  result.elapsed_seconds = std::chrono::duration<double>(clock::now() - start).count();
  if (progress) progress({result.total_points, result.total_points, result.elapsed_seconds});
  return result;
}

}  // namespace eisgrid::sweep
