#include "server/jobs.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <ctime>

#include "base/error.hpp"
#include "model/parameter_grid.hpp"

namespace eisgrid::server {
namespace {

// 128 random bits: job ids are not guessable, though a guess would only be
// checked against its owner anyway.
std::string new_job_id() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) throw error(error_kind::internal, "no random bytes for a job id");
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string id = "job_";
  for (unsigned char b : bytes) {
    id.push_back(k_hex[b >> 4]);
    id.push_back(k_hex[b & 15]);
  }
  return id;
}

std::string now_iso8601() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
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

job_manager::job_manager(unsigned workers, runner run, logger log) : run_(std::move(run)), log_(std::move(log)) {
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
}

nlohmann::json job_manager::submit(compute::compute_request request, nlohmann::json body, std::string output) {
  auto j = std::make_shared<job>();
  j->id = new_job_id();
  j->owner = *request.owner_id;
  j->request = std::move(request);
  j->body = std::move(body);
  j->output = std::move(output);
  j->created_at = now_iso8601();
  j->created = std::chrono::steady_clock::now();
  j->total = model::parameter_grid(j->request.grid).size();
  std::lock_guard lock(mutex_);
  std::size_t active = 0;
  for (const auto& [id, other] : jobs_) {
    if (other->owner == j->owner && (other->state == job_state::queued || other->state == job_state::running)) ++active;
  }
  if (active >= k_max_active_jobs_per_user) {
    throw error(error_kind::too_large, "you have " + std::to_string(active) + " jobs queued or running; wait for one to finish");
  }
  prune_locked(j->owner);
  jobs_[j->id] = j;
  queue_.push_back(j);
  wake_.notify_one();
  return to_json_locked(*j);
}

std::optional<nlohmann::json> job_manager::find(catalog::row_id owner, const std::string& id) const {
  std::lock_guard lock(mutex_);
  const auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second->owner != owner) return std::nullopt;
  return to_json_locked(*it->second);
}

nlohmann::json job_manager::list(catalog::row_id owner) const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<job>> mine;
  for (const auto& [id, j] : jobs_) {
    if (j->owner == owner) mine.push_back(j);
  }
  std::sort(mine.begin(), mine.end(), [](const auto& a, const auto& b) { return a->created > b->created; });
  auto out = nlohmann::json::array();
  for (const auto& j : mine) out.push_back(to_json_locked(*j));
  return out;
}

std::optional<nlohmann::json> job_manager::cancel(catalog::row_id owner, const std::string& id) {
  std::lock_guard lock(mutex_);
  const auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second->owner != owner) return std::nullopt;
  auto& j = *it->second;
  if (j.state == job_state::queued) {
    j.state = job_state::cancelled;
    std::erase_if(queue_, [&](const auto& q) { return q.get() == &j; });
    idle_.notify_all();
  } else if (j.state == job_state::running) {
    j.cancel = true;
  }
  return to_json_locked(j);
}

void job_manager::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return queue_.empty() && running_ == 0; });
}

void job_manager::work() {
  for (;;) {
    std::shared_ptr<job> j;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      j = queue_.front();
      queue_.pop_front();
      j->state = job_state::running;
      ++running_;
    }
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
    const auto result = run_(
        j.request,
        [&](const sweep::sweep_progress& p) {
          std::lock_guard lock(mutex_);
          j.done = p.done;
          j.total = p.total;
          j.elapsed = p.elapsed_seconds;
        },
        &j.cancel);
    filename = result.filename;
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
  std::lock_guard lock(mutex_);
  j.state = final_state;
  j.error = message;
  j.filename = filename;
  if (final_state == job_state::done) j.done = j.total;
}

nlohmann::json job_manager::to_json_locked(const job& j) const {
  const double progress = j.total ? static_cast<double>(j.done) / static_cast<double>(j.total) : (j.state == job_state::done ? 1.0 : 0.0);
  const double rate = j.elapsed > 0 ? static_cast<double>(j.done) / j.elapsed : 0.0;
  nlohmann::json eta = nullptr;
  if (j.state == job_state::running && rate > 0) eta = static_cast<double>(j.total - j.done) / rate;
  if (j.state == job_state::done) eta = 0.0;
  return {{"id", j.id},
          {"state", to_string(j.state)},
          {"progress", progress},
          {"done", j.done},
          {"total", j.total},
          {"rate", rate},
          {"eta_seconds", eta},
          {"dataset", j.filename.empty() ? nlohmann::json(nullptr) : nlohmann::json{{"filename", j.filename}}},
          {"error", j.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(j.error)},
          {"created_at", j.created_at},
          {"output", j.output},
          {"request", j.body}};
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
