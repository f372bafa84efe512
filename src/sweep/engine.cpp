#include "sweep/engine.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <numeric>
#include <thread>

#include "base/error.hpp"
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

struct sweep_job {
  sweep_job(const model::parameter_grid& g, sweep_tables& t, bool sq, std::optional<std::uint64_t> k, const std::atomic<bool>* c)
      : grid(g), tables(t), squared(sq), keep(k), cancel(c) {}

  const model::parameter_grid& grid;
  sweep_tables& tables;
  bool squared;
  std::optional<std::uint64_t> keep;
  const std::atomic<bool>* cancel;

  std::uint64_t row_count = 0;
  std::size_t row_length = 0;      // points per row: the Cb axis
  std::uint64_t index_offset = 0;  // i_Rs * grid points, for the Rs value being swept
  std::uint64_t chunk_count = 0;
  chunk_order order{1};
  std::atomic<std::uint64_t> next_chunk{0};
  std::atomic<std::uint64_t> points_done{0};
  shared_threshold threshold;
  std::vector<double> all_sums;  // keep-all mode, by grid index

  [[nodiscard]] bool cancelled() const noexcept { return cancel && cancel->load(std::memory_order_relaxed); }

  row_inputs row(std::uint64_t r) const noexcept {
    using model::param;
    // r enumerates (i_Rsh, i_Ra, i_Ca, i_Rb) with i_Rb fastest.
    const std::size_t n_rb = grid.count(param::rb);
    const std::size_t n_apical = grid.count(param::ra) * grid.count(param::ca);
    const std::size_t i_rb = r % n_rb;
    const std::size_t apical = (r / n_rb) % n_apical;
    const std::size_t i_rsh = r / n_rb / n_apical;
    const std::size_t n = tables.n;
    row_inputs in;
    in.rsh = grid.axis(param::rsh)[i_rsh];
    in.za_re = tables.apical.re.data() + apical * n;
    in.za_im = tables.apical.im.data() + apical * n;
    in.zb_re = tables.basal.re.data() + i_rb * row_length * n;
    in.zb_im = tables.basal.im.data() + i_rb * row_length * n;
    in.ref_re = tables.ref_re.data();
    in.ref_im = tables.ref_im.data();
    in.weight = tables.weight.data();
    in.n = n;
    in.count = row_length;
    in.squared = squared;
    in.limit = std::numeric_limits<double>::infinity();
    return in;
  }

  // One worker: pulls chunks of rows until none are left. Returns its best points.
  std::vector<ranked_point> work() {
    best_points best(keep.value_or(0));
    std::vector<double> sums(row_length);
    while (!cancelled()) {
      const std::uint64_t chunk = next_chunk.fetch_add(1, std::memory_order_relaxed);
      if (chunk >= chunk_count) break;
      const std::uint64_t first = order(chunk) * k_rows_per_chunk;
      const std::uint64_t last = std::min(row_count, first + k_rows_per_chunk);
      for (std::uint64_t r = first; r < last; ++r) {
        row_inputs in = row(r);
        const std::uint64_t base = index_offset + r * row_length;
        if (!keep) {
          residual_row(in, all_sums.data() + base);
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
    return best.take_sorted();
  }
};

std::vector<ranked_point> merge_best(std::vector<std::vector<ranked_point>>& parts, std::uint64_t keep) {
  std::vector<ranked_point> all;
  for (auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  const auto k = static_cast<std::ptrdiff_t>(std::min<std::uint64_t>(keep, all.size()));
  std::partial_sort(all.begin(), all.begin() + k, all.end(), ranks_before);
  all.resize(static_cast<std::size_t>(k));
  return all;
}

std::vector<ranked_point> rank_all(const std::vector<double>& sums) {
  std::vector<ranked_point> all(sums.size());
  for (std::size_t i = 0; i < sums.size(); ++i) all[i] = {sums[i], i};
  std::sort(all.begin(), all.end(), ranks_before);
  return all;
}

// Runs `work` on `threads` workers, reporting progress on this thread until all are done.
void run_workers(sweep_job& job, unsigned threads, std::vector<std::vector<ranked_point>>& parts, std::uint64_t total,
                 clock::time_point start, const progress_callback& progress) {
  std::mutex mutex;
  std::condition_variable finished_cv;
  unsigned finished = 0;
  std::exception_ptr failure;
  {
    std::vector<std::jthread> workers;
    for (unsigned t = 0; t < threads; ++t) {
      workers.emplace_back([&] {
        std::vector<ranked_point> mine;
        try {
          mine = job.work();
        } catch (...) {
          std::lock_guard lock(mutex);
          failure = std::current_exception();
        }
        std::lock_guard lock(mutex);
        parts.push_back(std::move(mine));
        ++finished;
        finished_cv.notify_all();
      });
    }
    std::unique_lock lock(mutex);
    while (!finished_cv.wait_for(lock, k_progress_interval, [&] { return finished == threads; })) {
      if (progress) {
        lock.unlock();
        progress({job.points_done.load(), total, std::chrono::duration<double>(clock::now() - start).count()});
        lock.lock();
      }
    }
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace

std::uint64_t sweep_points(const sweep_options& options) {
  const model::parameter_grid grid(options.grid);
  return grid.size() * std::max<std::uint64_t>(1, options.series_resistances.size());
}

sweep_point split_index(const sweep_options& options, std::uint64_t grid_points, std::uint64_t index) noexcept {
  if (options.series_resistances.empty()) return {0.0, index};
  return {options.series_resistances[index / grid_points], index % grid_points};
}

sweep_result run_sweep(const sweep_options& options, const reference_spectrum& reference, const progress_callback& progress,
                       const std::atomic<bool>* cancel) {
  const model::parameter_grid grid(options.grid);
  if (reference.frequencies.size() < model::k_min_frequency_points || reference.z.size() != reference.frequencies.size()) {
    throw error(error_kind::usage, "the reference spectrum needs at least 2 frequencies");
  }
  if (options.keep && *options.keep == 0) throw error(error_kind::usage, "keep must be at least 1");
  const auto start = clock::now();
  sweep_tables tables = build_tables(grid, reference, options.metric);
  for (double rs : options.series_resistances) {
    if (!std::isfinite(rs) || rs < 0) throw error(error_kind::usage, "Rs must be a finite number >= 0");
  }
  const std::vector<double> rs_values = options.series_resistances.empty() ? std::vector<double>{0.0} : options.series_resistances;
  const std::uint64_t total = grid.size() * rs_values.size();
  if (total > model::k_max_grid_points) throw error(error_kind::usage, "the grid has too many points (limit 2^53)");

  std::optional<std::uint64_t> keep = options.keep;
  if (keep && *keep >= total) keep.reset();
  sweep_job job(grid, tables, squares_terms(options.metric), keep, cancel);
  job.row_length = grid.count(model::param::cb);
  job.row_count = grid.size() / job.row_length;
  job.chunk_count = (job.row_count + k_rows_per_chunk - 1) / k_rows_per_chunk;
  job.order = chunk_order(job.chunk_count);
  if (!keep) {
    try {
      job.all_sums.resize(total);
    } catch (const std::bad_alloc&) {
      throw error(error_kind::too_large,
                  "keeping all " + std::to_string(total) + " rows needs more memory than is available; keep fewer rows");
    }
  }

  const unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::vector<ranked_point>> parts;
  const std::vector<double> unshifted_re = tables.ref_re;
  for (std::size_t k = 0; k < rs_values.size() && !job.cancelled(); ++k) {
    // Padding slots have weight 0, so shifting them too changes no sum.
    for (std::size_t i = 0; i < tables.n; ++i) tables.ref_re[i] = unshifted_re[i] - rs_values[k];
    job.index_offset = k * grid.size();
    job.next_chunk = 0;
    run_workers(job, threads, parts, total, start, progress);
  }
  if (job.cancelled()) throw error(error_kind::cancelled, "the sweep was cancelled");

  auto ranked = keep ? merge_best(parts, *keep) : rank_all(job.all_sums);
  job.all_sums = {};
  sweep_result result;
  result.total_points = total;
  result.valid_frequencies = tables.valid_frequencies;
  result.indices.reserve(ranked.size());
  result.resnorms.reserve(ranked.size());
  for (const auto& p : ranked) {
    result.indices.push_back(p.index);
    result.resnorms.push_back(finish(options.metric, p.sum, tables.valid_frequencies));
  }
  result.elapsed_seconds = std::chrono::duration<double>(clock::now() - start).count();
  if (progress) progress({total, total, result.elapsed_seconds});
  return result;
}

}  // namespace eisgrid::sweep
