#include "compute/distributed.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <mutex>
#include <new>
#include <thread>

#include "cluster/message.hpp"
#include "cluster/shared_numbers.hpp"
#include "cluster/world.hpp"
#include "model/models.hpp"

namespace eisgrid::compute {
namespace {

using clock = std::chrono::steady_clock;

// A grid travels as its model's name and its axes (the model is a pointer into
// this process's list).
void put_grid(cluster::message_writer& w, const model::grid_spec& grid) {
  w.put_string(grid.model->name);
  w.put_vector(std::span<const model::axis_range>(grid.axes));
}

model::grid_spec get_grid(cluster::message_reader& r) {
  model::grid_spec grid;
  const auto name = r.get_string();
  grid.model = model::find_model(name);
  if (!grid.model) throw error(error_kind::internal, "rank 0 sent a grid of an unknown model '" + name + "'");
  grid.axes = r.get_vector<model::axis_range>();
  return grid;
}

// Field by field: fit_options holds a grid, which is not a plain value.
void put_fit_options(cluster::message_writer& w, const fit::fit_options& o) {
  put_grid(w, o.grid);
  w.put(o.rs);
  w.put(o.fixed_rs);
  w.put(o.metric);
  w.put(o.starts);
  w.put(o.profile_starts);
  w.put(o.threads);
}

fit::fit_options get_fit_options(cluster::message_reader& r) {
  fit::fit_options o;
  o.grid = get_grid(r);
  o.rs = r.get<model::axis_range>();
  o.fixed_rs = r.get<std::optional<double>>();
  o.metric = r.get<sweep::metric>();
  o.starts = r.get<std::size_t>();
  o.profile_starts = r.get<std::size_t>();
  o.threads = r.get<unsigned>();
  return o;
}

// The numbers every rank shares during a sweep (cluster/shared_numbers.hpp).
enum counter : std::size_t { next_chunk, points_done, counter_count };
enum minimum : std::size_t { threshold, minimum_count };
// Added to the chunk counter by a rank that fails: every later take() is past
// the last chunk, so every rank stops at its next chunk.
constexpr std::uint64_t k_stop = std::uint64_t{1} << 62;
// Chunks are taken from rank 0's counter a few at a time, so that hundreds of
// threads do not each ask it for every chunk (a chunk is ~0.1 ms of work at
// g=40), while every thread still gets this many turns, which keeps the ranks'
// finishing times within a few chunks of each other.
constexpr std::uint64_t k_turns_per_thread = 16;
constexpr std::uint64_t k_max_chunks_per_take = 16;

// The numbers every rank shares during a batch fit.
enum fit_counter : std::size_t { next_sweep, sweeps_done, fit_counter_count };
constexpr auto k_fit_progress_interval = std::chrono::milliseconds(100);

enum class plan_status : std::uint8_t { ok, failed };
enum class part_status : std::uint8_t { ok, failed };

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

void put_verdict(cluster::message_writer& w, const fit::fit_verdict& v) {
  w.put(v.status);
  w.put<std::uint64_t>(v.reasons.size());
  for (const auto& reason : v.reasons) w.put_string(reason);
}

fit::fit_verdict get_verdict(cluster::message_reader& r) {
  fit::fit_verdict v;
  v.status = r.get<fit_status>();
  const auto reasons = r.get<std::uint64_t>();
  for (std::uint64_t i = 0; i < reasons; ++i) v.reasons.push_back(r.get_string());
  return v;
}

// The model travels by name: every rank has the same list.
void put_model_outcome(cluster::message_writer& w, const model_outcome& o) {
  put_verdict(w, o.verdict);
  const auto& f = o.fit;
  w.put_string(f.model->name);
  w.put(f.metric);
  w.put(f.resnorm);
  w.put_vector(std::span<const double>(f.params));
  w.put_vector(std::span<const double>(f.errors));
  w.put_vector(std::span<const fit::parameter_edge>(f.edges));
  for (double v : {f.ter, f.ter_se, f.tec, f.tec_se, f.aic, f.bic}) w.put(v);
  w.put(f.free_parameters);
  w.put_vector(std::span<const double>(f.relative_residuals));
}

model_outcome get_model_outcome(cluster::message_reader& r) {
  model_outcome o;
  o.verdict = get_verdict(r);
  auto& f = o.fit;
  f.model = model::find_model(r.get_string());
  if (!f.model) throw error(error_kind::internal, "a rank sent a fit of an unknown model");
  f.metric = r.get<sweep::metric>();
  f.resnorm = r.get<double>();
  f.params = r.get_vector<double>();
  f.errors = r.get_vector<double>();
  f.edges = r.get_vector<fit::parameter_edge>();
  for (double* v : {&f.ter, &f.ter_se, &f.tec, &f.tec_se, &f.aic, &f.bic}) *v = r.get<double>();
  f.free_parameters = r.get<std::size_t>();
  f.relative_residuals = r.get_vector<double>();
  return o;
}

void put_outcome(cluster::message_writer& w, std::uint64_t index, const batch_outcome& o) {
  w.put(index);
  put_verdict(w, o.verdict);
  w.put(o.result.has_value());
  if (!o.result) return;
  const auto& r = *o.result;
  w.put(r.metric);
  w.put(r.resnorm);
  w.put(r.grid_resnorm);
  w.put(r.refined);
  w.put(r.rs);
  w.put(r.params);
  w.put(r.identified);
  w.put(r.errors);
  w.put(r.rsh_interval);
  w.put(r.edges);
  w.put_vector(std::span<const double>(r.relative_residuals));
  w.put<std::uint64_t>(o.models.size());
  for (const auto& m : o.models) put_model_outcome(w, m);
  w.put(o.best_model);
  w.put(o.decisive_frequency);
}

batch_outcome get_outcome(cluster::message_reader& r) {
  batch_outcome o;
  o.verdict = get_verdict(r);
  if (!r.get<bool>()) return o;
  auto& f = o.result.emplace();
  f.metric = r.get<sweep::metric>();
  f.resnorm = r.get<double>();
  f.grid_resnorm = r.get<double>();
  f.refined = r.get<bool>();
  f.rs = r.get<double>();
  f.params = r.get<model::circuit_params>();
  f.identified = r.get<fit::transfer>();
  f.errors = r.get<fit::standard_errors>();
  f.rsh_interval = r.get<std::array<double, 2>>();
  f.edges = r.get<std::array<fit::parameter_edge, 6>>();
  f.relative_residuals = r.get_vector<double>();
  o.models.resize(r.get<std::uint64_t>());
  for (auto& m : o.models) m = get_model_outcome(r);
  o.best_model = r.get<std::size_t>();
  o.decisive_frequency = r.get<std::optional<double>>();
  return o;
}

// Every rank: fits the sweeps it takes from the shared counter, then sends its
// outcomes to rank 0, which returns all of them in input order.
std::vector<batch_outcome> run_batch(const fit::fit_options& options, const std::vector<batch_spectrum>& spectra, unsigned threads,
                                     const batch_fitter& fit_one, const sweep::progress_callback& progress) {
  const auto start = clock::now();
  const std::uint64_t n = spectra.size();
  threads = static_cast<unsigned>(std::clamp<std::uint64_t>(threads, 1, std::max<std::uint64_t>(1, n)));
  cluster::shared_numbers numbers(fit_counter_count, 0);
  std::vector<std::pair<std::uint64_t, batch_outcome>> mine;
  std::optional<std::pair<error_kind, std::string>> failure;
  std::mutex mutex;
  std::condition_variable finished_cv;
  unsigned finished = 0;
  const auto fail = [&](error_kind kind, const std::string& what) {
    numbers.fetch_add(next_sweep, k_stop);
    std::lock_guard lock(mutex);
    if (!failure) failure.emplace(kind, what);
  };
  {
    std::vector<std::jthread> workers;
    for (unsigned t = 0; t < threads; ++t) {
      workers.emplace_back([&] {
        try {
          for (std::uint64_t i; (i = numbers.fetch_add(next_sweep, 1)) < n;) {
            auto outcome = fit_one(spectra[i], options);
            {
              std::lock_guard lock(mutex);
              mine.emplace_back(i, std::move(outcome));
            }
            numbers.fetch_add(sweeps_done, 1);
          }
        } catch (const error& e) {
          fail(e.kind(), e.what());
        } catch (const std::bad_alloc&) {
          fail(error_kind::too_large, "ran out of memory fitting its sweeps");
        } catch (const std::exception& e) {
          fail(error_kind::internal, e.what());
        }
        std::lock_guard lock(mutex);
        ++finished;
        finished_cv.notify_all();
      });
    }
    std::unique_lock lock(mutex);
    while (!finished_cv.wait_for(lock, k_fit_progress_interval, [&] { return finished == threads; })) {
      if (!progress) continue;
      lock.unlock();
      progress({numbers.load(sweeps_done), n, std::chrono::duration<double>(clock::now() - start).count()});
      lock.lock();
    }
  }

  std::vector<std::optional<batch_outcome>> all(cluster::is_root() ? n : 0);
  std::optional<error> first_failure;
  const auto keep = [&](std::uint64_t index, batch_outcome o) {
    if (index >= all.size()) throw error(error_kind::internal, "a rank sent the fit of a sweep that does not exist");
    all[index] = std::move(o);
  };
  cluster::message_writer w;
  if (failure) {
    w.put(part_status::failed);
    w.put(failure->first);
    w.put_string(failure->second);
  } else if (!cluster::is_root()) {
    w.put(part_status::ok);
    w.put<std::uint64_t>(mine.size());
    for (const auto& [index, outcome] : mine) put_outcome(w, index, outcome);
  }
  const auto message = w.take();
  cluster::gather(message, [&](int from, std::span<const std::byte> bytes) {
    if (from == 0 && bytes.empty()) {
      for (auto& [index, outcome] : mine) keep(index, std::move(outcome));
      return;
    }
    cluster::message_reader r(bytes);
    if (r.get<part_status>() == part_status::failed) {
      const auto kind = r.get<error_kind>();
      const std::string what = r.get_string();
      if (!first_failure) {
        first_failure.emplace(kind,
                              from == 0 ? what : "rank " + std::to_string(from) + " of " + std::to_string(cluster::size()) + ": " + what);
      }
      return;
    }
    const auto count = r.get<std::uint64_t>();
    for (std::uint64_t k = 0; k < count; ++k) {
      const auto index = r.get<std::uint64_t>();
      keep(index, get_outcome(r));
    }
  });
  if (!cluster::is_root()) return {};
  if (first_failure) throw *first_failure;
  std::vector<batch_outcome> outcomes;
  outcomes.reserve(n);
  for (auto& o : all) {
    if (!o) throw error(error_kind::internal, "a sweep of the batch was fitted by no rank");
    outcomes.push_back(std::move(*o));
  }
  if (progress) progress({n, n, std::chrono::duration<double>(clock::now() - start).count()});
  return outcomes;
}

}  // namespace

void send_plan(const compute_plan& plan) {
  if (!cluster::distributed()) return;
  cluster::message_writer w;
  w.put(plan_status::ok);
  const auto& o = plan.options;
  put_grid(w, o.grid);
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

void send_failure(const error& failure) {
  if (!cluster::distributed()) return;
  cluster::message_writer w;
  w.put(plan_status::failed);
  w.put(failure.kind());
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
  options.grid = get_grid(r);
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

std::vector<batch_outcome> fit_on_ranks(const fit::fit_options& options, std::vector<batch_spectrum> spectra, unsigned threads,
                                        const batch_fitter& fit_one, const sweep::progress_callback& progress) {
  if (cluster::distributed()) {
    cluster::message_writer w;
    w.put(plan_status::ok);
    put_fit_options(w, options);
    w.put<std::uint64_t>(spectra.size());
    for (const auto& s : spectra) {
      w.put_vector(std::span<const double>(s.frequencies));
      w.put_vector(std::span<const std::complex<double>>(s.z));
    }
    auto bytes = w.take();
    cluster::broadcast(bytes);
  }
  return run_batch(options, spectra, threads, fit_one, progress);
}

int follow_fit(unsigned threads, const batch_fitter& fit_one) {
  cluster::byte_buffer bytes;
  cluster::broadcast(bytes);
  cluster::message_reader r(bytes);
  if (r.get<plan_status>() == plan_status::failed) return exit_code(r.get<error_kind>());
  const auto options = get_fit_options(r);
  std::vector<batch_spectrum> spectra(r.get<std::uint64_t>());
  for (auto& s : spectra) {
    s.frequencies = r.get_vector<double>();
    s.z = r.get_vector<std::complex<double>>();
  }
  (void)run_batch(options, spectra, threads, fit_one, {});
  return 0;
}

}  // namespace eisgrid::compute
