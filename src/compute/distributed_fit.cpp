#include "compute/distributed_fit.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <new>
#include <thread>

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

// The numbers every rank shares during a batch fit.
enum fit_counter : std::size_t { next_sweep, sweeps_done, fit_counter_count };
constexpr auto k_fit_progress_interval = std::chrono::milliseconds(100);

void put_fitted(cluster::message_writer& w, std::uint64_t index, const fitted_sweep& f) {
  w.put(index);
  w.put<std::uint64_t>(f.rows.size());
  for (const auto& row : f.rows) detail::put_fit_row(w, row);
}

fitted_sweep get_fitted(cluster::message_reader& r) {
  fitted_sweep f;
  const auto rows = r.get<std::uint64_t>();
  for (std::uint64_t k = 0; k < rows; ++k) f.rows.push_back(detail::get_fit_row(r));
  return f;
}

// Every rank: fits the sweeps it takes from the shared counter, then sends its
// rows to rank 0, which returns all of them in input order.
std::vector<fitted_sweep> run_batch(const fit::fit_options& options, const std::vector<batch_spectrum>& spectra, unsigned threads,
                                    const batch_fitter& fit_one, const sweep::progress_callback& progress) {
  const auto start = clock::now();
  const std::uint64_t n = spectra.size();
  threads = static_cast<unsigned>(std::clamp<std::uint64_t>(threads, 1, std::max<std::uint64_t>(1, n)));
  cluster::shared_numbers numbers(fit_counter_count, 0);
  std::vector<std::pair<std::uint64_t, fitted_sweep>> mine;
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
            auto fitted = fit_one(spectra[i], options);
            {
              std::lock_guard lock(mutex);
              mine.emplace_back(i, std::move(fitted));
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

  std::vector<std::optional<fitted_sweep>> all(cluster::is_root() ? n : 0);
  std::optional<error> first_failure;
  const auto keep = [&](std::uint64_t index, fitted_sweep o) {
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
    for (const auto& [index, fitted] : mine) put_fitted(w, index, fitted);
  }
  const auto message = w.take();
  cluster::gather(message, [&](int from, std::span<const std::byte> bytes) {
    if (from == 0 && bytes.empty()) {
      for (auto& [index, fitted] : mine) keep(index, std::move(fitted));
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
      keep(index, get_fitted(r));
    }
  });
  if (!cluster::is_root()) return {};
  if (first_failure) throw *first_failure;
  std::vector<fitted_sweep> fits;
  fits.reserve(n);
  for (auto& o : all) {
    if (!o) throw error(error_kind::internal, "a sweep of the batch was fitted by no rank");
    fits.push_back(std::move(*o));
  }
  if (progress) progress({n, n, std::chrono::duration<double>(clock::now() - start).count()});
  return fits;
}

}  // namespace

std::vector<fitted_sweep> fit_on_ranks(const fit::fit_options& options, std::vector<batch_spectrum> spectra, unsigned threads,
                                       const batch_fitter& fit_one, const sweep::progress_callback& progress) {
  if (cluster::distributed()) {
    cluster::message_writer w;
    w.put(plan_status::ok);
    detail::put_fit_options(w, options);
    w.put<std::uint64_t>(spectra.size());
    for (const auto& s : spectra) {
      w.put_vector(std::span<const double>(s.frequencies));
      w.put_vector(std::span<const std::complex<double>>(s.z));
      w.put<std::uint64_t>(s.sweep);
      w.put_string(s.start_time);
    }
    auto bytes = w.take();
    cluster::broadcast(bytes);
  }
  return run_batch(options, spectra, threads, fit_one, progress);
}

void end_fit_on_ranks() {
  if (!cluster::distributed()) return;
  cluster::message_writer w;
  w.put(plan_status::finished);
  auto bytes = w.take();
  cluster::broadcast(bytes);
}

int follow_fit(unsigned threads, const batch_fitter& fit_one) {
  for (;;) {
    cluster::byte_buffer bytes;
    cluster::broadcast(bytes);
    cluster::message_reader r(bytes);
    const auto status = r.get<plan_status>();
    if (status == plan_status::failed) return exit_code(r.get<error_kind>());
    if (status == plan_status::finished) return 0;
    const auto options = detail::get_fit_options(r);
    std::vector<batch_spectrum> spectra(r.get<std::uint64_t>());
    for (auto& s : spectra) {
      s.frequencies = r.get_vector<double>();
      s.z = r.get_vector<std::complex<double>>();
      s.sweep = r.get<std::uint64_t>();
      s.start_time = r.get_string();
    }
    (void)run_batch(options, spectra, threads, fit_one, {});
  }
}

}  // namespace eisgrid::compute
