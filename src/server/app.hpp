#pragma once
// Everything a request may need, shared by the handler threads: the
// configuration, a pool of catalog connections (one per concurrent request),
// the dataset cache and the compute jobs. route() reads and uses it; it owns
// no sockets.

#include <cstdint>
#include <filesystem>
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
  mutable std::mutex log_mutex_;
};

}  // namespace eisgrid::server
