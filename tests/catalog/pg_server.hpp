#pragma once
// A real PostgreSQL 15 server for tests, in a temporary directory, on a unix
// socket in that directory and a free loopback port. initdb refuses to run as
// root, so as root the server runs as the `postgres` user (runuser). Missing
// binaries are a failure, never a skip: CI has them (scripts/setup).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>

#include "../support/ports.hpp"
#include "../support/process.hpp"

namespace test_support {

inline constexpr const char* k_pg_bin = "/usr/lib/postgresql/15/bin";
inline constexpr int k_start_attempts = 3;

class pg_server {
 public:
  pg_server() {
    if (!std::filesystem::exists(std::string(k_pg_bin) + "/initdb") || !std::filesystem::exists(std::string(k_pg_bin) + "/pg_ctl")) {
      throw std::runtime_error(std::string("PostgreSQL 15 server binaries are missing from ") + k_pg_bin +
                               " (install postgresql-15: scripts/setup)");
    }
    static int counter = 0;
    dir_ = std::filesystem::temp_directory_path() / ("eisgrid_pg_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    as_root_ = ::geteuid() == 0;
    if (as_root_) must("chown postgres:postgres " + shell_quote(dir_.string()));
    must("cp -a " + shell_quote(template_cluster().string()) + " " + shell_quote((dir_ / "data").string()));
    // Another test program may take the free port first: try a few.
    std::string failures;
    for (int attempt = 0; attempt < k_start_attempts && !started_; ++attempt) {
      port_ = free_loopback_port();
      const std::string options = "-k " + dir_.string() + " -p " + std::to_string(port_) +
                                  " -h 127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
      const auto r = run(as_user(std::string(k_pg_bin) + "/pg_ctl -D " + shell_quote((dir_ / "data").string()) + " -o " +
                                 shell_quote(options) + " -l " + shell_quote((dir_ / "log").string()) + " -w -t 60 start"));
      started_ = r.exit_code == 0;
      if (!started_) failures += r.output;
    }
    if (!started_) throw std::runtime_error("cannot start PostgreSQL:\n" + failures);
  }
  ~pg_server() {
    if (started_) run(as_user(std::string(k_pg_bin) + "/pg_ctl -D " + shell_quote((dir_ / "data").string()) + " -m immediate -w stop"));
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  pg_server(const pg_server&) = delete;
  pg_server& operator=(const pg_server&) = delete;

  // A libpq URL for `user` on `database`, over the unix socket.
  [[nodiscard]] std::string url(const std::string& database = "postgres", const std::string& user = "postgres") const {
    return "postgresql:///" + database + "?host=" + dir_.string() + "&port=" + std::to_string(port_) + "&user=" + user;
  }
  // psql as the superuser; returns what it printed.
  [[nodiscard]] run_result psql(const std::string& database, const std::string& sql_file) const {
    return run(std::string(k_pg_bin) + "/psql -X -q -v ON_ERROR_STOP=1 -d " + shell_quote(url(database)) + " -f " + shell_quote(sql_file));
  }
  [[nodiscard]] const std::filesystem::path& dir() const noexcept { return dir_; }

 private:
  std::filesystem::path dir_;
  int port_ = 0;
  bool as_root_ = false;
  bool started_ = false;

  [[nodiscard]] std::string as_user(const std::string& command) const { return as_root_ ? "runuser -u postgres -- " + command : command; }
  // initdb takes seconds (5 s on a loaded machine, against 0.6 s for a copy of
  // its result) and a dozen test programs start a server: one cluster, made
  // once per user and initdb command in the temp dir, is copied for each.
  // It is made beside and renamed into place, so a program never copies a
  // half-made one, and when two make it at once the first rename wins.
  [[nodiscard]] std::filesystem::path template_cluster() const {
    const std::string initdb = std::string(k_pg_bin) + "/initdb -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 -D ";
    const auto path = std::filesystem::temp_directory_path() /
                      ("eisgrid_pg_template_" + std::to_string(::geteuid()) + "_" + std::to_string(std::hash<std::string>{}(initdb)));
    if (std::filesystem::exists(path / "PG_VERSION")) return path;
    const auto made = dir_ / "template";
    must(as_user(initdb + shell_quote(made.string())));
    std::error_code lost;
    std::filesystem::rename(made, path, lost);
    if (lost) std::filesystem::remove_all(made);
    if (!std::filesystem::exists(path / "PG_VERSION")) throw std::runtime_error("no PostgreSQL template cluster at " + path.string());
    return path;
  }
  static void must(const std::string& command) {
    const auto r = run(command);
    if (r.exit_code != 0) throw std::runtime_error("'" + command + "' failed:\n" + r.output);
  }
};

}  // namespace test_support
