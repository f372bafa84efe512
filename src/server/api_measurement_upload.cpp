// POST /api/measurements: a measurement file uploaded (SPEC 9; docs/API.md).
//
// An upload is hostile until read: its name is checked before it is used, its
// bytes go through the same readers as `eisgrid spectra` and `eisgrid fit`,
// and only a file that reads is stored, under the data root, through temp/
// and a rename, at the path the catalog prescribes. Any failure leaves no
// file and no row behind.
#include <filesystem>
#include <limits>
#include <mutex>

#include "base/atomic_file.hpp"
#include "base/error.hpp"
#include "base/sha256.hpp"
#include "base/utf8.hpp"
#include "catalog/lab_fields.hpp"
#include "measured/quality.hpp"
#include "measured/read.hpp"
#include "server/api_measurements.hpp"
#include "server/multipart.hpp"

namespace eisgrid::server {
namespace {

using json = nlohmann::json;

// Uploads of one server take turns between "is this content new?" and "the
// row is recorded", so that two uploads of one file cannot remove each
// other's stored copy on failure.
std::mutex g_upload_mutex;

// The uploaded file: a multipart form's file part, or the raw body named by ?name=.
form_file upload_of(const request& req) {
  const std::string type = req.header("content-type");
  if (type.rfind("multipart/form-data", 0) == 0) return multipart_file(type, req.body);
  auto name = req.query("name");
  if (!name) throw error(error_kind::usage, "say the file's name: ?name=<file name> (or send multipart/form-data)");
  return {std::move(*name), req.body};
}

}  // namespace

response post_measurement(const context& c) {
  require_user(c);
  if (const auto wait = c.a.uploads().admit(c.user.who.user_id)) {
    auto r = json_error(429, "too many uploads: at most " + std::to_string(c.a.uploads().per_minute()) + " a minute; try again in " +
                                 std::to_string(wait->count()) + " s");
    r.set("Retry-After", std::to_string(wait->count()));
    return r;
  }
  const auto up = upload_of(c.req);
  if (const auto problem = catalog::measurement_file_name_problem(up.name); !problem.empty()) {
    throw error(error_kind::usage, "cannot store '" + printable(up.name) + "': " + problem);
  }
  std::optional<measured::format> forced;
  if (const auto f = c.req.query("format")) {
    forced = measured::parse_format(*f);
    if (!forced) throw error(error_kind::usage, "unknown format '" + printable(*f) + "'");
  }
  std::optional<catalog::row_id> experiment;
  if (const auto e = c.req.query("experiment")) experiment = parse_id(*e, "experiment");

  auto m = measured::read_measurement_text(up.name, up.bytes, forced);
  measured::add_quality_warnings(m);
  catalog::measurement_input in;
  in.file_name = up.name;
  in.file_size = up.bytes.size();
  in.file_hash = sha256_hex(up.bytes);
  in.format = std::string(measured::to_string(m.format));
  in.n_sweeps = static_cast<std::int64_t>(m.sweeps.size());
  in.experiment_id = experiment;
  in.freq_min = std::numeric_limits<double>::infinity();
  in.freq_max = 0;
  json warnings = json::array();
  for (std::size_t k = 0; k < m.sweeps.size(); ++k) {
    const auto& s = m.sweeps[k];
    in.n_points += static_cast<std::int64_t>(s.frequencies.size());
    for (double f : s.frequencies) {
      in.freq_min = std::min(in.freq_min, f);
      in.freq_max = std::max(in.freq_max, f);
    }
    for (const auto& w : s.warnings) warnings.push_back("sweep " + std::to_string(k) + ": " + w);
  }
  in.warnings_json = warnings.dump(-1, ' ', false, json::error_handler_t::replace);
  if (in.warnings_json.size() > catalog::k_max_json_list_length) in.warnings_json = "[\"too many warnings to keep; see the sweeps\"]";
  catalog::check_measurement(in);

  std::lock_guard lock(g_upload_mutex);
  if (const auto same = c.cat.find_measurement_by_hash(c.user.who, in.file_hash)) {
    throw error(error_kind::conflict,
                "this file is already measurement " + std::to_string(same->id) + " ('" + same->measurement.file_name + "')");
  }
  if (experiment) find_experiment(c, *experiment);
  // Checked under the upload lock, so two uploads cannot both fit in what is left.
  const auto used = c.cat.usage_of_measurements(c.user.who).stored_bytes;
  if (static_cast<std::uint64_t>(used) + up.bytes.size() > c.a.cfg().quota_bytes) {
    throw error(error_kind::too_large, "over your storage quota: you store " + std::to_string(used) +
                                           " bytes of measurements, this file is " + std::to_string(up.bytes.size()) +
                                           " bytes, and your quota is " + std::to_string(c.a.cfg().quota_bytes) +
                                           " bytes; delete measurements to make room");
  }
  const auto relative = catalog::measurement_file_path(c.user.who.user_id, in.file_hash, in.file_name);
  const auto final_path = c.a.data().root() / relative;
  std::filesystem::create_directories(final_path.parent_path());
  std::filesystem::create_directories(c.a.data().temp());
  atomic_file file(c.a.data().temp(), final_path);
  file.write(std::as_bytes(std::span(up.bytes.data(), up.bytes.size())));
  // Replacing is safe: the same name means the same content, and no row holds it.
  file.commit(true);
  try {
    const auto record = c.cat.add_measurement(c.user.who, in);
    return json_success({{"measurement", measurement_json(c, record)}}, 201);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(final_path, ec);
    throw;
  }
}

}  // namespace eisgrid::server
