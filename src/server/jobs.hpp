#pragma once
// Compute jobs started over the API (POST /api/compute): queued, then run one
// at a time per worker (--max-jobs workers) through compute::run, with
// progress, rate and ETA, and cancellation. A job is visible to its owner
// only. Live jobs are held here; every change of state is also recorded in
// the catalog, so a restart forgets none: a job that was queued or running
// when its server stopped reads as failed, "interrupted". One server per
// catalog runs jobs. Thread-safe.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/catalog.hpp"
#include "compute/run.hpp"

namespace eisgrid::server {

// Queued or running jobs one user may have at once; more is a 429.
inline constexpr std::size_t k_max_active_jobs_per_user = 4;
// Finished jobs kept per user for GET /api/jobs.
inline constexpr std::size_t k_max_finished_jobs_per_user = 50;

enum class job_state { queued, running, done, failed, cancelled };
[[nodiscard]] const char* to_string(job_state s) noexcept;

class job_manager {
 public:
  // Runs a job: compute::run with the worker's catalog. Called on a worker.
  using runner =
      std::function<compute::compute_result(const compute::compute_request&, const sweep::progress_callback&, const std::atomic<bool>*)>;
  // Records a job's new state in the catalog, as its owner. Throws on failure.
  using journal = std::function<void(const catalog::job_record&, std::size_t keep_finished)>;
  // Logs a failure that must not reach the client.
  using logger = std::function<void(const std::string&)>;
  // Work other than a compute (a fit over the API): reports progress, and
  // throws error(cancelled) once it sees the flag set.
  using task = std::function<void(const sweep::progress_callback&, const std::atomic<bool>&)>;

  job_manager(unsigned workers, runner run, journal save, logger log);
  ~job_manager();  // cancels every job and joins the workers
  job_manager(const job_manager&) = delete;
  job_manager& operator=(const job_manager&) = delete;

  // Records and queues the request (its owner_id set), which will write
  // `output`; `body` is the request as the client sent it, echoed back with
  // the job. Returns the job as JSON. Throws error(too_large) when the owner
  // has too many active jobs, and what the journal throws.
  nlohmann::json submit(compute::compute_request request, nlohmann::json body, std::string output);
  // The same for a task of `total` steps run for `owner` (same limits, same
  // states, listed with the owner's other jobs); `output` says where its
  // results go (for a fit, the API path that serves them).
  nlohmann::json submit_task(catalog::row_id owner, std::uint64_t total, task work, nlohmann::json body, std::string output);
  // The owner's job, live or recorded in `cat` (read as the owner), or
  // nullopt: another user's job is not found either.
  [[nodiscard]] std::optional<nlohmann::json> find(catalog::row_id owner, const std::string& id, catalog::catalog& cat) const;
  // The owner's jobs, newest first.
  [[nodiscard]] nlohmann::json list(catalog::row_id owner, catalog::catalog& cat) const;
  // Cancels a queued or running job; returns it (a finished one unchanged),
  // or nullopt if not found.
  std::optional<nlohmann::json> cancel(catalog::row_id owner, const std::string& id, catalog::catalog& cat);
  // Blocks until no job is queued or running (tests).
  void wait_idle();

 private:
  struct job {
    std::string id;
    catalog::row_id owner = 0;
    compute::compute_request request;
    std::optional<task> work;  // run instead of the compute when set
    nlohmann::json body;       // as sent
    std::string output;        // the file it writes
    job_state state = job_state::queued;
    std::uint64_t done = 0, total = 0;
    double elapsed = 0;
    std::string filename;  // when done
    std::string error;     // when failed
    std::string created_at;
    std::chrono::steady_clock::time_point created;
    std::atomic<bool> cancel{false};
  };

  runner run_;
  journal save_;
  logger log_;
  mutable std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::map<std::string, std::shared_ptr<job>> jobs_;
  std::deque<std::shared_ptr<job>> queue_;
  std::size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;

  void work();
  void execute(job& j);
  nlohmann::json enqueue(std::shared_ptr<job> j);
  [[nodiscard]] catalog::job_record record_locked(const job& j) const;
  // Journals a job's state; a failure is logged, since the job goes on.
  void record(const catalog::job_record& r) noexcept;
  // The owner's recorded jobs that this server does not hold, each settled.
  [[nodiscard]] std::vector<catalog::job_record> recorded_elsewhere(catalog::row_id owner, catalog::catalog& cat) const;
  // A recorded job this server does not hold: one still queued or running
  // outlived the server that ran it, and is failed as interrupted.
  [[nodiscard]] catalog::job_record settle(catalog::job_record r, catalog::catalog& cat) const;
  void prune_locked(catalog::row_id owner);
};

}  // namespace eisgrid::server
