#include "server/jobs.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <set>

#include "base/error.hpp"
#include "base/hex.hpp"
#include "base/iso_time.hpp"
#include "model/parameter_grid.hpp"

namespace eisgrid::server {
namespace {

constexpr const char* k_interrupted = "interrupted: the server stopped before the job finished; start it again";

// 128 random bits: job ids are not guessable, though a guess would only be
// checked against its owner anyway.
std::string new_job_id() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) throw error(error_kind::internal, "no random bytes for a job id");
  return "job_" + to_hex(bytes);
}

bool live(std::string_view state) { return state == "queued" || state == "running"; }

nlohmann::json job_json(const catalog::job_record& j) {
  const bool done = j.state == "done";
  const double progress = j.total ? static_cast<double>(j.done) / static_cast<double>(j.total) : (done ? 1.0 : 0.0);
  const double rate = j.elapsed_seconds > 0 ? static_cast<double>(j.done) / j.elapsed_seconds : 0.0;
  nlohmann::json eta = nullptr;
  if (j.state == "running" && rate > 0) eta = static_cast<double>(j.total - j.done) / rate;
  if (done) eta = 0.0;
  auto request = nlohmann::json::parse(j.request, nullptr, false);
  return {{"id", j.id},
          {"state", j.state},
          {"progress", progress},
          {"done", j.done},
          {"total", j.total},
          {"rate", rate},
          {"eta_seconds", eta},
          {"dataset", j.dataset_file.empty() ? nlohmann::json(nullptr) : nlohmann::json{{"filename", j.dataset_file}}},
          {"error", j.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(j.error)},
          {"created_at", j.created_at},
          {"output", j.output},
          {"request", request.is_discarded() ? nlohmann::json(nullptr) : std::move(request)}};
}

}  // namespace

const char* to_string(job_state s) noexcept {
  switch (s) {
    case job_state::queued: return "queued";
    case job_state::running: return "running";
    case job_state::done: return "done";
    case job_state::failed: return "failed";
    case job_state::cancelled: return "cancelled";
  }
  return "failed";
}

job_manager::job_manager(unsigned workers, runner run, journal save, logger log)
    : run_(std::move(run)), save_(std::move(save)), log_(std::move(log)) {
  for (unsigned i = 0; i < std::max(workers, 1u); ++i) workers_.emplace_back([this] { work(); });
}

job_manager::~job_manager() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& [id, j] : jobs_) j->cancel = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
  // Queued jobs never started; their records say "queued", which the next
  // server reads as interrupted.
}

nlohmann::json job_manager::submit(compute::compute_request request, nlohmann::json body, std::string output) {
  auto j = std::make_shared<job>();
  j->owner = *request.owner_id;
  j->request = std::move(request);
  j->body = std::move(body);
  j->output = std::move(output);
  j->total = model::parameter_grid(j->request.grid).size();
  return enqueue(std::move(j));
}

nlohmann::json job_manager::submit_task(catalog::row_id owner, std::uint64_t total, task work, nlohmann::json body, std::string output) {
  auto j = std::make_shared<job>();
  j->owner = owner;
  j->work = std::move(work);
  j->body = std::move(body);
  j->output = std::move(output);
  j->total = total;
  return enqueue(std::move(j));
}

nlohmann::json job_manager::enqueue(std::shared_ptr<job> j) {
  j->id = new_job_id();
  // With milliseconds: jobs are listed newest first, and one second holds many.
  j->created_at = iso8601_utc_ms(std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now()));
  j->created = std::chrono::steady_clock::now();
  catalog::job_record first;
  {
    std::lock_guard lock(mutex_);
    std::size_t active = 0;
    for (const auto& [id, other] : jobs_) {
      if (other->owner == j->owner && (other->state == job_state::queued || other->state == job_state::running)) ++active;
    }
    if (active >= k_max_active_jobs_per_user) {
      throw error(error_kind::too_large, "you have " + std::to_string(active) + " jobs queued or running; wait for one to finish");
    }
    prune_locked(j->owner);
    jobs_[j->id] = j;  // counted as active from now on, queued once recorded
    first = record_locked(*j);
  }
  try {
    save_(first, k_max_finished_jobs_per_user);
  } catch (...) {
    std::lock_guard lock(mutex_);
    jobs_.erase(j->id);
    throw;
  }
  std::lock_guard lock(mutex_);
  if (j->state == job_state::queued) {  // not cancelled meanwhile
    queue_.push_back(j);
    wake_.notify_one();
  }
  return job_json(record_locked(*j));
}

std::optional<nlohmann::json> job_manager::find(catalog::row_id owner, const std::string& id, catalog::catalog& cat) const {
  {
    std::lock_guard lock(mutex_);
    const auto it = jobs_.find(id);
    if (it != jobs_.end()) {
      if (it->second->owner != owner) return std::nullopt;
      return job_json(record_locked(*it->second));
    }
  }
  const auto stored = cat.find_job(catalog::principal::user(owner), id);
  if (!stored) return std::nullopt;
  {
    // Submitted meanwhile: jobs are held before they are recorded.
    std::lock_guard lock(mutex_);
    const auto it = jobs_.find(id);
    if (it != jobs_.end()) return job_json(record_locked(*it->second));
  }
  return job_json(settle(*stored, cat));
}

nlohmann::json job_manager::list(catalog::row_id owner, catalog::catalog& cat) const {
  std::vector<catalog::job_record> all = recorded_elsewhere(owner, cat);
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, j] : jobs_) {
      if (j->owner == owner) all.push_back(record_locked(*j));
    }
  }
  std::sort(all.begin(), all.end(),
            [](const auto& a, const auto& b) { return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id; });
  auto out = nlohmann::json::array();
  for (const auto& r : all) out.push_back(job_json(r));
  return out;
}

std::vector<catalog::job_record> job_manager::recorded_elsewhere(catalog::row_id owner, catalog::catalog& cat) const {
  auto stored = cat.list_jobs(catalog::principal::user(owner));
  std::set<std::string> held;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, j] : jobs_) held.insert(id);
  }
  std::erase_if(stored, [&](const auto& r) { return held.count(r.id) > 0; });
  for (auto& r : stored) r = settle(std::move(r), cat);
  return stored;
}

catalog::job_record job_manager::settle(catalog::job_record r, catalog::catalog& cat) const {
  if (!live(r.state)) return r;
  r.state = to_string(job_state::failed);
  r.error = k_interrupted;
  // Said once in the catalog too, so that it is pruned like any finished job.
  try {
    cat.save_job(catalog::principal::user(r.owner_id), r, k_max_finished_jobs_per_user);
  } catch (const error& e) {
    log_("cannot record that job " + r.id + " was interrupted: " + e.what());
  }
  return r;
}

std::optional<nlohmann::json> job_manager::cancel(catalog::row_id owner, const std::string& id, catalog::catalog& cat) {
  catalog::job_record cancelled;
  {
    std::unique_lock lock(mutex_);
    const auto it = jobs_.find(id);
    if (it == jobs_.end()) {
      lock.unlock();
      return find(owner, id, cat);  // recorded only: finished, nothing to cancel
    }
    if (it->second->owner != owner) return std::nullopt;
    auto& j = *it->second;
    if (j.state == job_state::running) j.cancel = true;
    if (j.state != job_state::queued) return job_json(record_locked(j));
    j.state = job_state::cancelled;
    std::erase_if(queue_, [&](const auto& q) { return q.get() == &j; });
    idle_.notify_all();
    cancelled = record_locked(j);
  }
  record(cancelled);
  return job_json(cancelled);
}

void job_manager::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return queue_.empty() && running_ == 0; });
}

std::deque<std::shared_ptr<job_manager::job>>::iterator job_manager::next_locked() {
  std::map<catalog::row_id, std::size_t> running;
  for (const auto& [id, j] : jobs_) {
    if (j->state == job_state::running) ++running[j->owner];
  }
  // (running jobs, last start): the smallest goes first; the first of equals is the oldest job.
  auto best = queue_.end();
  std::pair<std::size_t, std::uint64_t> best_turn;
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    const auto owner = (*it)->owner;
    const auto last = last_started_.find(owner);
    const std::pair<std::size_t, std::uint64_t> turn{running[owner], last == last_started_.end() ? 0 : last->second};
    if (best == queue_.end() || turn < best_turn) {
      best = it;
      best_turn = turn;
    }
  }
  return best;
}

void job_manager::work() {
  for (;;) {
    std::shared_ptr<job> j;
    catalog::job_record started;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      const auto next = next_locked();
      j = *next;
      queue_.erase(next);
      last_started_[j->owner] = ++starts_;
      j->state = job_state::running;
      ++running_;
      started = record_locked(*j);
    }
    record(started);
    execute(*j);
    {
      std::lock_guard lock(mutex_);
      --running_;
    }
    idle_.notify_all();
  }
}

void job_manager::execute(job& j) {
  job_state final_state = job_state::done;
  std::string message, filename;
  try {
    const sweep::progress_callback progress = [&](const sweep::sweep_progress& p) {
      std::lock_guard lock(mutex_);
      j.done = p.done;
      j.total = p.total;
      j.elapsed = p.elapsed_seconds;
    };
    if (j.work) {
      (*j.work)(progress, j.cancel);
    } else {
      filename = run_(j.request, progress, &j.cancel).filename;
    }
  } catch (const error& e) {
    if (e.kind() == error_kind::cancelled || j.cancel) {
      final_state = job_state::cancelled;
    } else {
      final_state = job_state::failed;
      const bool ours = e.kind() == error_kind::internal || e.kind() == error_kind::io;
      if (ours) log_("job " + j.id + " failed: " + e.what());
      message = ours ? "internal error" : e.what();
    }
  } catch (const std::exception& e) {
    final_state = job_state::failed;
    log_("job " + j.id + " failed: " + e.what());
    message = "internal error";
  }
  catalog::job_record finished;
  {
    std::lock_guard lock(mutex_);
    if (final_state == job_state::cancelled && stopping_) {
      final_state = job_state::failed;  // nobody asked: the server is stopping
      message = k_interrupted;
    }
    j.state = final_state;
    j.error = message;
    j.filename = filename;
    if (final_state == job_state::done) j.done = j.total;
    finished = record_locked(j);
  }
  record(finished);
}

catalog::job_record job_manager::record_locked(const job& j) const {
  catalog::job_record r;
  r.id = j.id;
  r.owner_id = j.owner;
  r.state = to_string(j.state);
  r.request = j.body.dump();
  r.output = j.output;
  r.done = j.done;
  r.total = j.total;
  r.elapsed_seconds = j.elapsed;
  r.dataset_file = j.filename;
  r.error = j.error;
  r.created_at = j.created_at;
  return r;
}

void job_manager::record(const catalog::job_record& r) noexcept {
  try {
    save_(r, k_max_finished_jobs_per_user);
  } catch (const std::exception& e) {
    log_("cannot record job " + r.id + " as " + r.state + ": " + e.what());
  }
}

void job_manager::prune_locked(catalog::row_id owner) {
  std::vector<std::shared_ptr<job>> finished;
  for (const auto& [id, j] : jobs_) {
    if (j->owner == owner && j->state != job_state::queued && j->state != job_state::running) finished.push_back(j);
  }
  if (finished.size() < k_max_finished_jobs_per_user) return;
  std::sort(finished.begin(), finished.end(), [](const auto& a, const auto& b) { return a->created < b->created; });
  for (std::size_t i = 0; i + k_max_finished_jobs_per_user <= finished.size(); ++i) jobs_.erase(finished[i]->id);
}

}  // namespace eisgrid::server
