#include "server/app.hpp"

#include <algorithm>
#include <cstdio>

#include "base/error.hpp"

namespace eisgrid::server {

std::vector<std::string> default_cors_origins(int port) {
  std::vector<std::string> out;
  for (int p : {port, k_vite_dev_port, k_vite_preview_port}) {
    out.push_back("http://127.0.0.1:" + std::to_string(p));
    out.push_back("http://localhost:" + std::to_string(p));
  }
  return out;
}

catalog_pool::lease catalog_pool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return lease(*this, std::move(c));
    }
  }
  return lease(*this, std::make_unique<catalog::catalog>(catalog::catalog::open(root_, url_)));
}

void catalog_pool::drop_idle() {
  std::vector<std::unique_ptr<catalog::catalog>> dropped;
  std::lock_guard lock(mutex_);
  dropped.swap(idle_);
}

void catalog_pool::release(std::unique_ptr<catalog::catalog> c) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(c));
}

std::deque<upload_window::clock::time_point>& upload_window::window_of(catalog::row_id user, clock::time_point now) {
  auto& times = times_[user];
  while (!times.empty() && now - times.front() >= std::chrono::minutes(1)) times.pop_front();
  return times;
}

std::optional<std::chrono::seconds> upload_window::admit(catalog::row_id user, clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto& times = window_of(user, now);
  if (times.size() < per_minute_) {
    times.push_back(now);
    return std::nullopt;
  }
  const auto wait = std::chrono::ceil<std::chrono::seconds>(times.front() + std::chrono::minutes(1) - now);
  return std::max(wait, std::chrono::seconds(1));
}

unsigned upload_window::recent(catalog::row_id user, clock::time_point now) {
  std::lock_guard lock(mutex_);
  return static_cast<unsigned>(window_of(user, now).size());
}

app::app(config cfg)
    : cfg_(std::move(cfg)), data_(cfg_.data), catalogs_(cfg_.data, cfg_.db), cache_(cfg_.cache_bytes), uploads_(cfg_.uploads_per_minute) {
  data_.ensure();
  {
    auto c = catalogs_.acquire();
    engine_ = c->kind();
  }
  cors_ = cfg_.cors_origins.empty() ? default_cors_origins(cfg_.port) : cfg_.cors_origins;
  jobs_ = std::make_unique<job_manager>(
      cfg_.max_jobs,
      [this](const compute::compute_request& request, const sweep::progress_callback& progress, const std::atomic<bool>* cancel) {
        std::optional<catalog_pool::lease> lease;
        auto req = request;
        req.threads = cfg_.compute_threads;
        return compute::run(
            req, data_,
            [&]() -> catalog::catalog& {
              if (!lease) lease.emplace(catalogs_.acquire());
              return **lease;
            },
            progress, cancel);
      },
      [this](const catalog::job_record& job, std::size_t keep_finished) {
        try {
          auto lease = catalogs_.acquire();
          lease->save_job(catalog::principal::user(job.owner_id), job, keep_finished);
        } catch (const error& e) {
          if (e.kind() == error_kind::internal || e.kind() == error_kind::io) catalogs_.drop_idle();  // as the router does
          throw;
        }
      },
      [this](const std::string& line) { log(line); });
}

app::~app() = default;

void app::log(const std::string& line) const {
  std::lock_guard lock(log_mutex_);
  std::fprintf(stderr, "%s\n", line.c_str());
}

}  // namespace eisgrid::server
