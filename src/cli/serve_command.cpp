// eisgrid serve: the HTTP API (docs/API.md) and the web page.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "base/atomic_file.hpp"
#include "base/error.hpp"
#include "cli/commands.hpp"
#include "cli/data_root.hpp"
#include "dataset/data_dir.hpp"
#include "server/app.hpp"
#include "server/measurement_files.hpp"
#include "server/server.hpp"

namespace eisgrid::cli {
namespace {

// Where the built page is looked for when --web is not given.
std::optional<std::filesystem::path> default_web_dir() {
  for (const std::filesystem::path& candidate :
       {std::filesystem::path("web/dist"), std::filesystem::path(EISGRID_SOURCE_DIR) / "web" / "dist"}) {
    std::error_code ec;
    if (std::filesystem::is_directory(candidate, ec)) return candidate;
  }
  return std::nullopt;
}

struct serve_args {
  server::config cfg;
  std::string web;
  std::string jwt_secret_env = "EISGRID_JWT_SECRET";
  std::uint64_t cache_mb = server::k_default_cache_mb;
  double quota_mb = server::k_default_quota_mb;
  std::uint64_t body_memory_mb = server::k_default_body_memory_mb;
  unsigned request_timeout_s = static_cast<unsigned>(server::k_default_request_read_timeout.count());
  unsigned idle_timeout_s = static_cast<unsigned>(server::k_default_idle_timeout.count());
  std::string data;  // see data_root.hpp
};

void run_serve(serve_args& a) {
  a.cfg.data = data_root(a.data, root_use::read_write);
  if (const auto removed = remove_stale_temp_files(dataset::data_dir(a.cfg.data).temp()); removed > 0) {
    std::fprintf(stderr, "eisgrid: removed %zu partial files of interrupted runs from npz/temp/\n", removed);
  }
  if (!a.web.empty()) {
    if (!std::filesystem::is_directory(a.web)) throw error(error_kind::usage, "--web: '" + a.web + "' is not a directory");
    a.cfg.web = a.web;
  } else {
    a.cfg.web = default_web_dir();
  }
  if (const char* secret = std::getenv(a.jwt_secret_env.c_str()); secret && *secret) a.cfg.jwt_secret = secret;
  a.cfg.cache_bytes = a.cache_mb << 20;
  a.cfg.body_memory_bytes = a.body_memory_mb << 20;
  a.cfg.request_read_timeout = std::chrono::seconds(a.request_timeout_s);
  a.cfg.idle_timeout = std::chrono::seconds(a.idle_timeout_s);
  a.cfg.quota_bytes = static_cast<std::uint64_t>(std::llround(a.quota_mb * (1 << 20)));
  a.cfg.version = EISGRID_VERSION;
  for (const auto& origin : a.cfg.cors_origins) {
    if (origin == "*" || origin.find("://") == std::string::npos) {
      throw error(error_kind::usage, "--cors-origin: '" + origin + "' is not an origin like http://host:port ('*' is not allowed)");
    }
  }
  server::app app(a.cfg);
  if (const auto r = server::reconcile_measurement_files(app); r.removed > 0 || r.missing > 0) {
    std::fprintf(stderr, "eisgrid: removed %zu stored measurement files that no measurement named; %zu measurements miss their file\n",
                 r.removed, r.missing);
  }
  server::serve(app);
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto args = std::make_shared<serve_args>();
  auto* cmd = app.add_subcommand("serve", "Serve the HTTP API (docs/API.md) and the web page");
  cmd->add_option("--port", args->cfg.port, "TCP port")->capture_default_str()->check(CLI::Range(1, 65535));
  cmd->add_option("--host", args->cfg.host, "Address to listen on")->capture_default_str();
  add_data_option(*cmd, args->data);
  cmd->add_option("--db", args->cfg.db, "Catalog: a postgresql:// URL, or a SQLite file (default: DATA/catalog.sqlite3)");
  cmd->add_option("--web", args->web, "Directory of the built web page (default: web/dist if present)");
  cmd->add_option("--cors-origin", args->cfg.cors_origins,
                  "Origin allowed to call the API from a browser (repeatable; default: this server and Vite's ports on localhost)");
  cmd->add_option("--jwt-secret-env", args->jwt_secret_env, "Environment variable holding the HS256 JWT secret (JWTs refused when unset)")
      ->capture_default_str();
  cmd->add_option("--cache-mb", args->cache_mb, "Memory budget of loaded datasets [MiB]")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--max-jobs", args->cfg.max_jobs, "Compute jobs run at once")->capture_default_str()->check(CLI::Range(1, 64));
  cmd->add_option("--quota-mb", args->quota_mb, "Storage quota of each user's uploaded measurement files [MiB]")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 1e9));
  cmd->add_option("--uploads-per-minute", args->cfg.uploads_per_minute, "Uploads each user may make in a minute")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--max-connections", args->cfg.max_connections, "Connections open at once (more are answered 503 and closed)")
      ->capture_default_str()
      ->check(CLI::Range(4, 100000));
  cmd->add_option("--body-memory-mb", args->body_memory_mb, "Memory request bodies being received may take together [MiB]")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{16}, std::uint64_t{1} << 20));
  cmd->add_option("--request-timeout", args->request_timeout_s, "Seconds a connection has to send a whole request")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  cmd->add_option("--idle-timeout", args->idle_timeout_s, "Seconds a kept-alive connection may idle between requests")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  cmd->add_option("--threads", args->cfg.compute_threads, "Threads per compute job (default: all cores)");
  cmd->callback([args] { run_serve(*args); });
}

}  // namespace eisgrid::cli
