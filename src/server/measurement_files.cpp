#include "server/measurement_files.hpp"

#include <charconv>
#include <set>
#include <string>

#include "catalog/lab_fields.hpp"

namespace eisgrid::server {
namespace {

// The user id a directory under measured/ is named by, if it is one.
std::optional<catalog::row_id> user_of(const std::filesystem::path& dir) {
  const std::string name = dir.filename().string();
  catalog::row_id id = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), id);
  if (ec != std::errc() || end != name.data() + name.size() || id <= 0) return std::nullopt;
  return id;
}

}  // namespace

measurement_files_report reconcile_measurement_files(app& a) {
  measurement_files_report report;
  const auto root = a.data().root();
  std::error_code ec;
  if (!std::filesystem::is_directory(root / catalog::k_measured_dir, ec)) return report;
  auto lease = a.catalogs().acquire();
  for (const auto& dir : std::filesystem::directory_iterator(root / catalog::k_measured_dir)) {
    const auto user = user_of(dir.path());
    if (!user || !dir.is_directory()) continue;
    // The user's own view, as their requests have it (row-level security on PostgreSQL).
    std::set<std::string> named;
    for (const auto& r : lease->list_measurements(catalog::principal::user(*user))) {
      named.insert(r.file_path);
      if (!std::filesystem::exists(root / r.file_path, ec)) {
        ++report.missing;
        a.log("measurement " + std::to_string(r.id) + " of user " + std::to_string(*user) + ": its stored file '" + r.file_path +
              "' is missing");
      }
    }
    for (const auto& file : std::filesystem::directory_iterator(dir.path())) {
      const auto relative = std::filesystem::path(catalog::k_measured_dir) / dir.path().filename() / file.path().filename();
      if (named.count(relative.generic_string()) > 0) continue;
      if (std::filesystem::remove(file.path(), ec)) {
        ++report.removed;
      } else if (ec) {
        a.log("cannot remove '" + relative.generic_string() + "', which no measurement names: " + ec.message());
      }
    }
  }
  return report;
}

}  // namespace eisgrid::server
