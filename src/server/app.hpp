#pragma once
// Everything a request may need, shared by the handler threads: the
// configuration, a pool of catalog connections (one per concurrent request),
// the dataset cache and the compute jobs. route() reads and uses it; it owns
// no sockets.

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"
#include "dataset/data_dir.hpp"
#include "server/dataset_cache.hpp"
#include "server/jobs.hpp"

namespace eisgrid::server {

inline constexpr int k_default_port = 5001;
inline constexpr std::uint64_t k_default_cache_mb = 512;
// Each user's stored measurement files, at most: 64 uploads of the largest size.
inline constexpr std::uint64_t k_default_quota_mb = 1024;
// Uploads one user may make in a minute: a lab's batch of files from the
// page, not a flood (docs/API.md).
inline constexpr unsigned k_default_uploads_per_minute = 120;
// Connections open at once: idle ones cost no thread, but each holds a
// descriptor and a buffer. Below the usual descriptor limit of 1024, with room
// for the catalog and the files a request opens.
inline constexpr unsigned k_default_max_connections = 900;
// Memory that request bodies being received may take together: 16 uploads of
// the largest size. A body is counted at its announced length from its header.
inline constexpr std::uint64_t k_default_body_memory_mb = 256;
// A connection's time to send a whole request, and to idle between requests
// when kept alive (server.hpp).
inline constexpr std::chrono::seconds k_default_request_read_timeout{30};
inline constexpr std::chrono::seconds k_default_idle_timeout{15};
// Vite's development and preview servers, allowed by default on localhost.
inline constexpr int k_vite_dev_port = 5173;
inline constexpr int k_vite_preview_port = 4173;

struct config {
  std::string host = "127.0.0.1";
  int port = k_default_port;
  std::filesystem::path data = "data";
  std::string db;                            // catalog URL; "" = <data>/catalog.sqlite3
  std::optional<std::filesystem::path> web;  // the built page; none = placeholder
  std::vector<std::string> cors_origins;     // empty = the defaults
  std::string jwt_secret;                    // empty = JWTs refused
  std::uint64_t cache_bytes = k_default_cache_mb << 20;
  unsigned max_jobs = 1;
  unsigned handler_threads = 2;
  unsigned compute_threads = 0;  // per job; 0 = all cores
  std::uint64_t quota_bytes = k_default_quota_mb << 20;
  unsigned uploads_per_minute = k_default_uploads_per_minute;
  unsigned max_connections = k_default_max_connections;
  std::uint64_t body_memory_bytes = k_default_body_memory_mb << 20;
  std::chrono::seconds request_read_timeout = k_default_request_read_timeout;
  std::chrono::seconds idle_timeout = k_default_idle_timeout;
  std::string version = "0";
};

// The default CORS allowlist for a server on `port`.
[[nodiscard]] std::vector<std::string> default_cors_origins(int port);

// Catalog connections handed out one per request and returned after it.
class catalog_pool {
 public:
  catalog_pool(std::filesystem::path data_root, std::string url) : root_(std::move(data_root)), url_(std::move(url)) {}

  class lease {
   public:
    lease(catalog_pool& pool, std::unique_ptr<catalog::catalog> c) : pool_(&pool), c_(std::move(c)) {}
    lease(lease&& o) noexcept : pool_(o.pool_), c_(std::move(o.c_)) {}
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    lease& operator=(lease&&) = delete;
    ~lease() {
      if (c_) pool_->release(std::move(c_));
    }
    catalog::catalog& operator*() const noexcept { return *c_; }
    catalog::catalog* operator->() const noexcept { return c_.get(); }

   private:
    catalog_pool* pool_;
    std::unique_ptr<catalog::catalog> c_;
  };

  // An idle connection, or a new one. Throws error(io) if it cannot connect.
  [[nodiscard]] lease acquire();
  // Closes the idle connections (after an internal error, one of them may be
  // broken: a restarted database); new ones are opened on demand.
  void drop_idle();

 private:
  std::filesystem::path root_;
  std::string url_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<catalog::catalog>> idle_;
  void release(std::unique_ptr<catalog::catalog> c);
};

// Each user's uploads in the last minute, against a rate.
class upload_window {
 public:
  using clock = std::chrono::steady_clock;
  explicit upload_window(unsigned per_minute) : per_minute_(per_minute) {}

  // Counts an upload by `user` now and returns nothing, or, when they have
  // made `per_minute` in the last minute, counts nothing and returns how long
  // until the oldest of them leaves the window (at least a second).
  [[nodiscard]] std::optional<std::chrono::seconds> admit(catalog::row_id user, clock::time_point now = clock::now());
  // Their uploads in the last minute.
  [[nodiscard]] unsigned recent(catalog::row_id user, clock::time_point now = clock::now());
  [[nodiscard]] unsigned per_minute() const noexcept { return per_minute_; }

 private:
  unsigned per_minute_;
  std::mutex mutex_;
  std::map<catalog::row_id, std::deque<clock::time_point>> times_;
  // Their times in the last minute, older ones dropped. Needs mutex_.
  std::deque<clock::time_point>& window_of(catalog::row_id user, clock::time_point now);
};

class app {
 public:
  // Opens the catalog (migrating it) and starts the job workers.
  explicit app(config cfg);
  ~app();
  app(const app&) = delete;
  app& operator=(const app&) = delete;

  [[nodiscard]] const config& cfg() const noexcept { return cfg_; }
  [[nodiscard]] const dataset::data_dir& data() const noexcept { return data_; }
  [[nodiscard]] catalog::engine engine() const noexcept { return engine_; }
  [[nodiscard]] catalog_pool& catalogs() noexcept { return catalogs_; }
  [[nodiscard]] dataset_cache& cache() noexcept { return cache_; }
  [[nodiscard]] job_manager& jobs() noexcept { return *jobs_; }
  [[nodiscard]] upload_window& uploads() noexcept { return uploads_; }
  [[nodiscard]] const std::vector<std::string>& cors_origins() const noexcept { return cors_; }
  // One line to stderr (thread-safe).
  void log(const std::string& line) const;

 private:
  config cfg_;
  dataset::data_dir data_;
  catalog_pool catalogs_;
  catalog::engine engine_ = catalog::engine::sqlite;
  dataset_cache cache_;
  std::vector<std::string> cors_;
  std::unique_ptr<job_manager> jobs_;
  upload_window uploads_;
  mutable std::mutex log_mutex_;
};

}  // namespace eisgrid::server
