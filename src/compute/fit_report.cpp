#include "compute/fit_report.hpp"

#include <cmath>
#include <cstdio>

#include "base/error.hpp"
#include "dataset/json_number.hpp"

namespace eisgrid::compute {
namespace {

constexpr double k_farad_to_microfarad = 1e6;

std::string csv_field(const std::string& text) {
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csv_number(double v) {
  if (!std::isfinite(v)) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

std::array<double, fit_summary_row::k_values> summary_values(const fit::fit_result& r) {
  const auto& t = r.identified;
  return {r.resnorm,        r.grid_resnorm, r.rs,        r.errors.rs,   t.ter,       r.errors.ter,
          t.tec(),          r.errors.tec,   t.tau1,      r.errors.tau1, t.tau2,      r.errors.tau2,
          r.params.rsh,     r.params.ra,    r.params.ca, r.params.rb,   r.params.cb, r.rsh_interval[0],
          r.rsh_interval[1]};
}

std::string edges_text(const fit::fit_result& r) {
  std::string text;
  for (std::size_t k = 0; k < r.edges.size(); ++k) {
    if (r.edges[k] == fit::parameter_edge::none) continue;
    text += (text.empty() ? "" : " ") + std::string(fit::k_fit_param_names[k]) +
            (r.edges[k] == fit::parameter_edge::at_min ? " at min" : " at max");
  }
  return text;
}

void write_fit_summary(std::ostream& out, const std::vector<fit_summary_row>& rows, bool with_area, const std::string& what) {
  out << "file,sweep,start_time,status,reasons,metric,resnorm,grid_resnorm,Rs_ohm,Rs_se,TER_ohm,TER_se,TEC_F,TEC_se,tau1_s,tau1_se,"
         "tau2_s,tau2_se,Rsh_ohm,Ra_ohm,Ca_F,Rb_ohm,Cb_F,Rsh_min_ohm,Rsh_max_ohm,at_edge";
  if (with_area) out << ",area_cm2,TER_ohm_cm2,TER_ohm_cm2_se,TEC_uF_per_cm2,TEC_uF_per_cm2_se";
  out << "\n";
  for (const auto& row : rows) {
    std::string reasons;
    for (const auto& r : row.reasons) reasons += (reasons.empty() ? "" : "; ") + r;
    out << csv_field(row.file) << ',' << row.sweep << ',' << csv_field(row.start_time) << ',' << row.status << ',' << csv_field(reasons)
        << ',' << row.metric;
    if (!row.values) {
      out << std::string(fit_summary_row::k_values + 1, ',') << (with_area ? std::string(5, ',') : "") << "\n";
      continue;
    }
    const auto& v = *row.values;
    for (double x : v) out << ',' << csv_number(x);
    out << ',' << csv_field(row.at_edge);
    if (with_area) {
      if (const auto a = row.area_cm2) {
        for (double x : {*a, v[4] * *a, v[5] * *a, v[6] / *a * k_farad_to_microfarad, v[7] / *a * k_farad_to_microfarad}) {
          out << ',' << csv_number(x);
        }
      } else {
        out << std::string(5, ',');
      }
    }
    out << "\n";
  }
  if (!out.flush()) throw error(error_kind::io, "cannot write " + what);
}

nlohmann::ordered_json fit_json(const fit::fit_result& r, bool with_edges) {
  using json = nlohmann::ordered_json;
  const auto number = [](double v) { return dataset::finite_or_null<json>(v); };
  json j;
  j["metric"] = sweep::to_string(r.metric);
  j["resnorm"] = number(r.resnorm);
  j["grid_resnorm"] = number(r.grid_resnorm);
  j["params"] = {{"Rs", number(r.rs)},        {"Rsh", number(r.params.rsh)}, {"Ra", number(r.params.ra)},
                 {"Ca", number(r.params.ca)}, {"Rb", number(r.params.rb)},   {"Cb", number(r.params.cb)}};
  j["ter"] = number(r.identified.ter);
  j["tec"] = number(r.identified.tec());
  j["tau1"] = number(r.identified.tau1);
  j["tau2"] = number(r.identified.tau2);
  j["stderr"] = {{"Rs", number(r.errors.rs)},
                 {"ter", number(r.errors.ter)},
                 {"tec", number(r.errors.tec)},
                 {"tau1", number(r.errors.tau1)},
                 {"tau2", number(r.errors.tau2)}};
  j["rsh_interval"] = {number(r.rsh_interval[0]), number(r.rsh_interval[1])};
  if (with_edges) {
    json edges = json::array();
    for (std::size_t k = 0; k < r.edges.size(); ++k) {
      if (r.edges[k] != fit::parameter_edge::none) {
        edges.push_back(std::string(fit::k_fit_param_names[k]) + (r.edges[k] == fit::parameter_edge::at_min ? " at min" : " at max"));
      }
    }
    j["at_edge"] = edges;
  }
  return j;
}

}  // namespace eisgrid::compute
