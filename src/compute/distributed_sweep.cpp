#include "compute/distributed_sweep.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <new>

#include "cluster/message.hpp"
#include "cluster/shared_numbers.hpp"
#include "cluster/world.hpp"
#include "compute/rank_messages.hpp"

namespace eisgrid::compute {
namespace {

using clock = std::chrono::steady_clock;
using detail::k_stop;
using detail::part_status;
using detail::plan_status;

// The numbers every rank shares during a sweep (cluster/shared_numbers.hpp).
enum counter : std::size_t { next_chunk, points_done, counter_count };
enum minimum : std::size_t { threshold, minimum_count };
// Chunks are taken from rank 0's counter a few at a time, so that hundreds of
// threads do not each ask it for every chunk (a chunk is ~0.1 ms of work at
// g=40), while every thread still gets this many turns, which keeps the ranks'
// finishing times within a few chunks of each other.
constexpr std::uint64_t k_turns_per_thread = 16;
constexpr std::uint64_t k_max_chunks_per_take = 16;

class rank_source final : public sweep::work_source {
 public:
  // `takers`: threads of all ranks.
  rank_source(cluster::shared_numbers& numbers, std::uint64_t takers) : numbers_(numbers), takers_(takers) {}
  sweep::chunk_grant take(std::uint64_t chunks, double local) override {
    std::lock_guard lock(mutex_);
    if (next_ >= end_) {
      // Whenever rank 0 is asked for chunks, thresholds are traded too.
      const std::uint64_t batch = std::clamp<std::uint64_t>(chunks / (takers_ * k_turns_per_thread), 1, k_max_chunks_per_take);
      next_ = numbers_.fetch_add(next_chunk, batch);
      end_ = std::min(next_ + batch, chunks);
      known_ = std::min(known_, numbers_.fetch_min(threshold, local));
      if (next_ >= end_) return {chunks, known_};
    }
    known_ = std::min(known_, local);
    return {next_++, known_};
  }
  sweep::sweep_share share(double local_threshold, std::uint64_t local_done) override {
    const std::uint64_t delta = local_done - reported_;
    reported_ = local_done;
    const std::uint64_t done = numbers_.fetch_add(points_done, delta) + delta;
    const double before = numbers_.fetch_min(threshold, local_threshold);
    return {std::min(before, local_threshold), done};
  }
  void stop_everyone() { numbers_.fetch_add(next_chunk, k_stop); }

 private:
  cluster::shared_numbers& numbers_;
  std::uint64_t takers_;
  std::mutex mutex_;
  std::uint64_t next_ = 0;  // this rank's chunks [next_, end_) not yet handed to a thread
  std::uint64_t end_ = 0;
  std::uint64_t reported_ = 0;
  double known_ = std::numeric_limits<double>::infinity();  // the lowest threshold seen from any rank
};

cluster::byte_buffer encode(const sweep::sweep_part& part) {
  cluster::message_writer w;
  w.put(part_status::ok);
  w.put<std::uint64_t>(part.valid_frequencies);
  w.put_vector(std::span<const sweep::ranked_point>(part.best));
  w.put<std::uint64_t>(part.blocks.size());
  for (const auto& b : part.blocks) {
    w.put(b.first);
    w.put_vector(std::span<const double>(b.sums));
  }
  return w.take();
}

cluster::byte_buffer encode_failure(error_kind kind, const std::string& message) {
  cluster::message_writer w;
  w.put(part_status::failed);
  w.put(kind);
  w.put_string(message);
  return w.take();
}

sweep::sweep_part decode_part(cluster::message_reader& r) {
  sweep::sweep_part part;
  part.valid_frequencies = r.get<std::uint64_t>();
  part.best = r.get_vector<sweep::ranked_point>();
  const auto blocks = r.get<std::uint64_t>();
  for (std::uint64_t i = 0; i < blocks; ++i) {
    sweep::swept_block b;
    b.first = r.get<std::uint64_t>();
    b.sums = r.get_vector<double>();
    part.blocks.push_back(std::move(b));
  }
  return part;
}

}  // namespace

void send_plan(const compute_plan& plan) {
  if (!cluster::distributed()) return;
  cluster::message_writer w;
  w.put(plan_status::ok);
  const auto& o = plan.options;
  detail::put_grid(w, o.grid);
  w.put(o.metric);
  w.put(o.keep);
  w.put(o.threads);
  w.put_vector(std::span<const double>(o.series_resistances));
  const auto& ref = plan.reference;
  w.put_vector(std::span<const double>(ref.frequencies));
  w.put_vector(std::span<const std::complex<double>>(ref.z));
  w.put(ref.params);
  w.put_string(ref.source);
  auto bytes = w.take();
  cluster::broadcast(bytes);
}
std::optional<sweep::sweep_result> sweep_on_ranks(const sweep::sweep_options& options, const sweep::reference_spectrum& reference,
                                                  const sweep::progress_callback& progress, const std::atomic<bool>* cancel) {
  if (!cluster::distributed()) return sweep::run_sweep(options, reference, progress, cancel);
  const auto start = clock::now();
  sweep::sweep_options mine = options;
  if (mine.threads == 0) mine.threads = cluster::default_threads();

  cluster::shared_numbers numbers(counter_count, minimum_count);
  rank_source source(numbers, std::uint64_t{mine.threads} * static_cast<std::uint64_t>(cluster::size()));
  std::optional<sweep::sweep_merger> merger;
  sweep::sweep_part part;
  cluster::byte_buffer message;
  try {
    if (cluster::is_root()) merger.emplace(options);
    part = sweep::run_sweep_part(mine, reference, source, progress, cancel);
    if (!cluster::is_root()) message = encode(part);
  } catch (const error& e) {
    source.stop_everyone();
    message = encode_failure(e.kind(), e.what());
  } catch (const std::bad_alloc&) {
    source.stop_everyone();
    message = encode_failure(error_kind::too_large, "ran out of memory sweeping its share of the grid");
  } catch (const std::exception& e) {
    source.stop_everyone();
    message = encode_failure(error_kind::internal, e.what());
  }
  if (!cluster::is_root()) part = {};

  std::optional<error> failure;
  cluster::gather(message, [&](int from, std::span<const std::byte> bytes) {
    cluster::message_reader r(bytes);
    if (from == 0 && bytes.empty()) {
      merger->add(std::move(part));
      return;
    }
    if (r.get<part_status>() == part_status::failed) {
      const auto kind = r.get<error_kind>();
      const std::string what = r.get_string();
      if (!failure)
        failure.emplace(kind, from == 0 ? what : "rank " + std::to_string(from) + " of " + std::to_string(cluster::size()) + ": " + what);
      return;
    }
    if (!failure) merger->add(decode_part(r));
  });
  if (!cluster::is_root()) return std::nullopt;
  if (failure) throw *failure;

  sweep::sweep_result result = std::move(*merger).finish();
  result.elapsed_seconds = std::chrono::duration<double>(clock::now() - start).count();
  if (progress) progress({result.total_points, result.total_points, result.elapsed_seconds});
  return result;
}

int follow_compute() {
  cluster::byte_buffer bytes;
  cluster::broadcast(bytes);
  cluster::message_reader r(bytes);
  if (r.get<plan_status>() == plan_status::failed) return exit_code(r.get<error_kind>());
  sweep::sweep_options options;
  options.grid = detail::get_grid(r);
  options.metric = r.get<sweep::metric>();
  options.keep = r.get<std::optional<std::uint64_t>>();
  options.threads = r.get<unsigned>();
  options.series_resistances = r.get_vector<double>();
  sweep::reference_spectrum reference;
  reference.frequencies = r.get_vector<double>();
  reference.z = r.get_vector<std::complex<double>>();
  reference.params = r.get<std::optional<model::circuit_params>>();
  reference.source = r.get_string();
  (void)sweep_on_ranks(options, reference);
  return 0;
}

}  // namespace eisgrid::compute
