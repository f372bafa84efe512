// Stored fits as the per-sweep CSV of SPEC 10 (?format=csv of the fits of a
// measurement or an experiment; docs/API.md).
#include <cmath>
#include <map>
#include <sstream>

#include "compute/fit_report.hpp"
#include "model/models.hpp"
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
    const auto& f = r.fit;
    std::vector<std::string> reasons;
    const auto parsed = json::parse(f.reasons_json, nullptr, false);
    if (parsed.is_array()) {
      for (const auto& s : parsed) {
        if (s.is_string()) reasons.push_back(s.get<std::string>());
      }
    }
    compute::fit_summary_row row;
    row.file = file;
    row.sweep = static_cast<std::size_t>(f.sweep);
    row.start_time = f.start_time;
    row.status = to_string(f.status);
    row.reasons = std::move(reasons);
    row.metric = f.metric;
    row.area_cm2 = f.area_cm2;
    if (std::isfinite(f.ter)) {
      const auto& e = f.std_errors;
      const auto& p = f.parameters;
      row.values = {f.resnorm,
                    f.grid_resnorm,
                    f.rs,
                    e[0],
                    f.ter,
                    e[1],
                    f.tec,
                    e[2],
                    f.tau1,
                    e[3],
                    f.tau2,
                    e[4],
                    p[0],
                    p[1],
                    p[2],
                    p[3],
                    p[4],
                    f.rsh_interval[0],
                    f.rsh_interval[1]};
    }
    row.model = f.model;
    if (const auto* m = model::find_model(f.model); m != nullptr && m != &model::rc()) {
      for (std::size_t k = 0; k < f.model_params.size() && k < m->count(); ++k) {
        row.parameters.emplace_back(m->parameters[k].name, f.model_params[k]);
      }
    }
    const auto optional = [](double v) { return std::isnan(v) ? std::nullopt : std::optional<double>(v); };
    row.aic = optional(f.aic);
    row.bic = optional(f.bic);
    row.best_model = f.best_model;
    row.decisive_frequency = optional(f.decisive_frequency);
    for (const auto& edge : f.at_edge) row.at_edge += (row.at_edge.empty() ? "" : ", ") + edge;
    with_area = with_area || f.area_cm2.has_value();
    rows.push_back(std::move(row));
  }
  std::ostringstream out;
  compute::write_fit_summary(out, rows, with_area, "the CSV");
  return csv_response(out.str(), name);
}

}  // namespace eisgrid::server
