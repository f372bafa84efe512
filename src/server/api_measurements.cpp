// Measurements, experiments and fits over the API (SPEC 9, 10; docs/API.md):
// what their endpoints share. The upload, the JSON views, the CSV and the fit
// job are api_measurement_upload.cpp, api_measurement_views.cpp,
// api_measurement_csv.cpp and api_fit_job.cpp.
// Everything here is its owner's alone: the catalog answers another user's
// row as not found, so these handlers never see one.
#include "server/api_measurements.hpp"

#include <filesystem>

#include "base/error.hpp"
#include "measured/read.hpp"

namespace eisgrid::server {

using json = nlohmann::json;

json optional_number(const std::optional<double>& v) { return v ? number(*v) : json(nullptr); }

bool file_missing(const context& c, const catalog::measurement_record& r) {
  std::error_code ec;
  return !std::filesystem::exists(c.a.data().root() / r.file_path, ec) && !ec;
}

json measurement_json(const context& c, const catalog::measurement_record& r) {
  const auto& m = r.measurement;
  auto warnings = json::parse(m.warnings_json, nullptr, false);
  return {{"id", r.id},
          {"file_name", m.file_name},
          {"file_size", m.file_size},
          {"file_hash", m.file_hash},
          {"file_missing", file_missing(c, r)},
          {"format", m.format},
          {"n_sweeps", m.n_sweeps},
          {"n_points", m.n_points},
          {"freq_min", number(m.freq_min)},
          {"freq_max", number(m.freq_max)},
          {"warnings", warnings.is_discarded() ? json::array() : warnings},
          {"experiment", m.experiment_id ? json(*m.experiment_id) : json(nullptr)},
          {"sample", m.fields.sample},
          {"condition", m.fields.condition},
          {"day", m.fields.day ? json(*m.fields.day) : json(nullptr)},
          {"area_cm2", optional_number(m.fields.area_cm2)},
          {"notes", m.fields.notes},
          {"created_at", r.created_at},
          {"updated_at", r.updated_at}};
}

catalog::measurement_record find_measurement(const context& c, catalog::row_id id) {
  auto m = c.cat.find_measurement(c.user.who, id);
  if (!m) throw error(error_kind::not_found, "measurement " + std::to_string(id) + " not found");
  return std::move(*m);
}

catalog::experiment_record find_experiment(const context& c, catalog::row_id id) {
  auto e = c.cat.find_experiment(c.user.who, id);
  if (!e) throw error(error_kind::not_found, "experiment " + std::to_string(id) + " not found");
  return std::move(*e);
}

// Throws error(conflict) when the row's file is missing.
void require_stored_file(const context& c, const catalog::measurement_record& r) {
  if (file_missing(c, r)) {
    throw error(error_kind::conflict, "the stored file of measurement " + std::to_string(r.id) +
                                          " is missing (file_missing); delete the measurement and upload the file again");
  }
}

// The stored file, read again with the reader that read it at upload.
measured::measurement read_stored(const context& c, const catalog::measurement_record& r) {
  require_stored_file(c, r);
  try {
    return measured::read_measurement(c.a.data().root() / r.file_path, measured::parse_format(r.measurement.format));
  } catch (const error& e) {
    // It read at upload: a missing or changed file is the server's problem.
    throw error(error_kind::internal, "stored measurement " + std::to_string(r.id) + ": " + e.what());
  }
}

std::optional<catalog::row_id> optional_id(const json& v, const char* what) {
  if (v.is_null()) return std::nullopt;
  if (!v.is_number_integer() || v.get<std::int64_t>() <= 0)
    throw error(error_kind::usage, std::string("'") + what + "' must be an id or null");
  return v.get<catalog::row_id>();
}

}  // namespace eisgrid::server
