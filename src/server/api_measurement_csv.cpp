// Stored fits as the per-sweep CSV of SPEC 10 (?format=csv of the fits of a
// measurement or an experiment; docs/API.md).
#include <map>
#include <sstream>

#include "compute/fit_report.hpp"
#include "server/api_measurements.hpp"

namespace eisgrid::server {
namespace {

using json = nlohmann::json;

response csv_response(std::string body, const std::string& name) {
  response r;
  r.body = std::move(body);
  r.set("Content-Type", "text/csv; charset=utf-8");
  r.set("Content-Disposition", "attachment; filename=\"" + name + "\"");
  return r;
}

}  // namespace

// The per-sweep CSV of SPEC 10 for stored fits, the same columns as `eisgrid fit --summary`.
response fits_csv(const context& c, const std::vector<catalog::fit_record>& fits, const std::string& name) {
  std::map<catalog::row_id, std::string> files;
  std::vector<compute::fit_summary_row> rows;
  bool with_area = false;
  for (const auto& r : fits) {
    auto& file = files[r.measurement_id];
    if (file.empty()) file = find_measurement(c, r.measurement_id).measurement.file_name;
    with_area = with_area || r.fit.area_cm2.has_value();
    rows.push_back(compute::summary_row_of(r.fit, file));
  }
  std::ostringstream out;
  compute::write_fit_summary(out, rows, with_area, "the CSV");
  return csv_response(out.str(), name);
}

}  // namespace eisgrid::server
