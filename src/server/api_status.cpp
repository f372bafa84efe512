// GET /api/status: what the server holds and how much memory it uses; polled
// by every open page, so its file count and resident size are cached.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>

#include "server/handlers.hpp"

namespace eisgrid::server {
namespace {

using json = nlohmann::json;

std::string memory_text(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", bytes / k_bytes_per_mb);
  return buf;
}

// Resident set size from /proc/self/statm ("size resident ..." in pages).
std::uint64_t read_resident_bytes() {
  const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[128];
  const auto n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return 0;
  buf[n] = '\0';
  unsigned long long size = 0, resident = 0;
  if (std::sscanf(buf, "%llu %llu", &size, &resident) != 2) return 0;
  return resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

// The resident set size, read again at most every 100 ms: opening a /proc
// file was a third of the cost of a status request.
std::uint64_t resident_bytes() {
  constexpr auto k_reread = std::chrono::milliseconds(100);
  static std::mutex mutex;
  static std::chrono::steady_clock::time_point read_at;
  static std::uint64_t bytes = 0;
  std::lock_guard lock(mutex);
  const auto now = std::chrono::steady_clock::now();
  if (bytes == 0 || now - read_at >= k_reread) {
    bytes = read_resident_bytes();
    read_at = now;
  }
  return bytes;
}

// The number of dataset files in npz/precomputed/ (public to everyone),
// rescanned at most once a second: the status endpoint is polled by every
// open page.
std::size_t public_files(const dataset::data_dir& dir) {
  constexpr auto k_rescan = std::chrono::seconds(1);
  static std::mutex mutex;
  static std::chrono::steady_clock::time_point scanned;
  static std::size_t count = 0;
  static std::filesystem::path root;
  std::lock_guard lock(mutex);
  const auto now = std::chrono::steady_clock::now();
  if (root != dir.root() || now - scanned >= k_rescan) {
    const auto files = dir.list();
    count = static_cast<std::size_t>(
        std::count_if(files.begin(), files.end(), [](const auto& f) { return f.location == dataset::storage::precomputed; }));
    scanned = now;
    root = dir.root();
  }
  return count;
}

// The caller's own available datasets in npz/user_generated/ (read as the caller).
std::int64_t own_files(const context& c) {
  catalog::transaction tx(c.cat.db(), c.user.who, false);
  const auto r = c.cat.db().query(
      "SELECT count(*) FROM circuit_npz_datasets WHERE owner_id = ? AND storage_location = 'user_generated' AND is_available",
      {c.user.who.user_id});
  tx.commit();
  return r.rows.at(0).get_int(0);
}

response status(app& a, std::size_t files) {
  const auto rss = resident_bytes();
  return json_response({{"status", "online"},
                        {"loaded_datasets", a.cache().count()},
                        {"available_files", files},
                        {"directories", directories_json()},
                        {"memory_usage", memory_text(static_cast<double>(rss))},
                        {"memory_bytes", rss},
                        {"cache_bytes", a.cache().bytes()},
                        {"cache_mapped_bytes", a.cache().mapped_bytes()},
                        {"cache_budget_bytes", a.cache().budget()}},
                       200);
}

}  // namespace

json directories_json() { return {{"precomputed", "npz/precomputed"}, {"user_generated", "npz/user_generated"}}; }

response get_status(app& a) { return status(a, public_files(a.data())); }

response get_status(const context& c) {
  std::size_t files = public_files(c.a.data());
  if (c.user.signed_in()) files += static_cast<std::size_t>(own_files(c));
  return status(c.a, files);
}

}  // namespace eisgrid::server
