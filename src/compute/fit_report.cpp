#include "compute/fit_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "base/csv.hpp"
#include "base/error.hpp"
#include "base/json_number.hpp"
#include "fit/status.hpp"
#include "model/models.hpp"

namespace eisgrid::compute {
namespace {

constexpr double k_farad_to_microfarad = 1e6;

// Text cells are always quoted, so a reader tells them from numbers.
std::string csv_field(const std::string& text) { return csv_text(text, csv_quotes::always); }

std::string csv_number(double v) {
  if (!std::isfinite(v)) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::vector<std::string> edge_names(std::span<const fit::parameter_edge> edges, std::span<const model::parameter_spec> parameters) {
  std::vector<std::string> names;
  for (std::size_t k = 0; k < edges.size(); ++k) {
    if (edges[k] == fit::parameter_edge::none) continue;
    names.push_back(std::string(parameters[k].name) + (edges[k] == fit::parameter_edge::at_min ? " at min" : " at max"));
  }
  return names;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string text;
  for (const auto& p : parts) text += (text.empty() ? "" : ", ") + p;
  return text;
}

// rc's own fields of a row, from its fit: fit_rows' rc row and fit_json.
void fill_rc(fit_row& in, const fit::fit_result& r) {
  const auto& t = r.identified;
  in.metric = std::string(sweep::to_string(r.metric));
  in.resnorm = r.resnorm;
  in.grid_resnorm = r.grid_resnorm;
  in.rs = r.rs;
  in.ter = t.ter;
  in.tec = t.tec();
  in.tau1 = t.tau1;
  in.tau2 = t.tau2;
  in.std_errors = {r.errors.rs, r.errors.ter, r.errors.tec, r.errors.tau1, r.errors.tau2};
  in.parameters = {r.params.rsh, r.params.ra, r.params.ca, r.params.rb, r.params.cb};
  in.rsh_interval = r.rsh_interval;
  in.at_edge = edge_names(r.edges, model::rc().parameters);
}

// fit_json's keys, from rc's row.
void put_rc_json(nlohmann::ordered_json& j, const fit_row& f, bool with_edges) {
  using json = nlohmann::ordered_json;
  const auto number = [](double v) { return finite_or_null<json>(v); };
  const auto& p = f.parameters;
  const auto& e = f.std_errors;
  j["metric"] = f.metric;
  j["resnorm"] = number(f.resnorm);
  j["grid_resnorm"] = number(f.grid_resnorm);
  j["params"] = {{"Rs", number(f.rs)}, {"Rsh", number(p[0])}, {"Ra", number(p[1])},
                 {"Ca", number(p[2])}, {"Rb", number(p[3])},  {"Cb", number(p[4])}};
  j["ter"] = number(f.ter);
  j["tec"] = number(f.tec);
  j["tau1"] = number(f.tau1);
  j["tau2"] = number(f.tau2);
  j["stderr"] = {{"Rs", number(e[0])}, {"ter", number(e[1])}, {"tec", number(e[2])}, {"tau1", number(e[3])}, {"tau2", number(e[4])}};
  j["rsh_interval"] = {number(f.rsh_interval[0]), number(f.rsh_interval[1])};
  if (with_edges) j["at_edge"] = f.at_edge;
}

}  // namespace

std::vector<fit_row> fit_rows(const batch_outcome& outcome, std::size_t sweep, const std::string& start_time, sweep::metric metric,
                              const model_list& models, std::optional<double> area) {
  using json = nlohmann::json;
  fit_row base;
  base.sweep = static_cast<std::int64_t>(sweep);
  base.start_time = start_time;
  base.metric = std::string(sweep::to_string(metric));
  base.area_cm2 = area;
  const auto status_of = [&](fit_row& in, const fit::fit_verdict& verdict) {
    in.status = verdict.status;
    in.reasons_json = json(verdict.reasons).dump(-1, ' ', false, json::error_handler_t::replace);
  };
  std::vector<fit_row> rows;
  if (outcome.models.empty()) {
    for (const auto* m : models) {
      auto in = base;
      in.model = m->name;
      status_of(in, outcome.verdict);
      rows.push_back(std::move(in));
    }
    return rows;
  }
  for (std::size_t k = 0; k < outcome.models.size(); ++k) {
    const auto& [f, verdict] = outcome.models[k];
    const auto& m = *f.model;
    auto in = base;
    if (&m == &model::rc()) {
      fill_rc(in, *outcome.result);
    } else {
      in.resnorm = f.resnorm;
      in.ter = f.ter;
      in.tec = f.tec;
      in.at_edge = edge_names(f.edges, m.parameters);
      // rc's fields hold what this model shares with rc, by name.
      const auto rs = *m.index_of("Rs");
      in.rs = f.params[rs];
      in.std_errors = {f.errors[rs], f.ter_se, f.tec_se, fit_row::k_none, fit_row::k_none};
      const auto rc_names = model::rc().parameters;
      for (std::size_t p = 0; p < in.parameters.size(); ++p) {
        if (const auto i = m.index_of(rc_names[p + 1].name)) in.parameters[p] = f.params[*i];
      }
    }
    in.model = m.name;
    status_of(in, verdict);
    in.model_params = f.params;
    in.model_errors = f.errors;
    in.aic = f.aic;
    in.bic = f.bic;
    in.best_model = k == outcome.best_model;
    in.decisive_frequency = outcome.decisive_frequency.value_or(fit_row::k_none);
    rows.push_back(std::move(in));
  }
  return rows;
}

bool was_fitted(const fit_row& row) { return row.best_model.has_value(); }

std::vector<std::string> reasons_of(const fit_row& row) {
  std::vector<std::string> reasons;
  const auto parsed = nlohmann::json::parse(row.reasons_json, nullptr, false);
  if (parsed.is_array()) {
    for (const auto& s : parsed) {
      if (s.is_string()) reasons.push_back(s.get<std::string>());
    }
  }
  return reasons;
}

std::string edges_text(const fit_row& row) { return joined(row.at_edge); }

nlohmann::ordered_json fit_row_json(const fit_row& row, const std::string& file) {
  using json = nlohmann::ordered_json;
  const auto number = [](double v) { return finite_or_null<json>(v); };
  json j{{"file", file}, {"sweep", row.sweep}, {"model", row.model}, {"status", to_string(row.status)}, {"reasons", reasons_of(row)}};
  if (!was_fitted(row)) {
    j["metric"] = row.metric;
    for (const char* key : {"resnorm", "params", "ter", "tec", "stderr", "aic", "bic", "best_model", "decisive_frequency"})
      j[key] = nullptr;
    return j;
  }
  if (row.model == model::rc().name) {
    put_rc_json(j, row, true);
    j["aic"] = number(row.aic);
    j["bic"] = number(row.bic);
  } else {
    const auto* m = model::find_model(row.model);
    if (!m) throw error(error_kind::internal, "a fit row of an unknown model '" + row.model + "'");
    j["metric"] = row.metric;
    j["resnorm"] = number(row.resnorm);
    json params = json::object(), errors = json::object();
    for (std::size_t k = 0; k < m->count(); ++k) {
      params[std::string(m->parameters[k].name)] = number(row.model_params.at(k));
      errors[std::string(m->parameters[k].name)] = number(row.model_errors.at(k));
    }
    j["params"] = params;
    j["ter"] = number(row.ter);
    j["tec"] = number(row.tec);
    errors["ter"] = number(row.std_errors[1]);
    errors["tec"] = number(row.std_errors[2]);
    j["stderr"] = errors;
    j["aic"] = number(row.aic);
    j["bic"] = number(row.bic);
    j["at_edge"] = row.at_edge;
  }
  j["best_model"] = *row.best_model;
  j["decisive_frequency"] = number(row.decisive_frequency);
  if (row.area_cm2) {
    const auto per_area = per_area_json(row.ter, row.std_errors[1], row.tec, row.std_errors[2], *row.area_cm2);
    for (const auto& [key, value] : per_area.items()) j[key] = value;
  }
  return j;
}

fit_summary_row summary_row_of(const fit_row& f, std::string file) {
  // Each field of the row is mapped below by hand (the CSV's columns are
  // fixed, SPEC 10): a field added to base/fit_row.hpp must be mapped here too.
  static_assert(fit_row_field_count() == 24, "map the new field of fit_row to the CSV (or say here why it has no column)");
  fit_summary_row row;
  row.file = std::move(file);
  row.reasons = reasons_of(f);
  row.sweep = static_cast<std::size_t>(f.sweep);
  row.start_time = f.start_time;
  row.status = to_string(f.status);
  row.metric = f.metric;
  row.area_cm2 = f.area_cm2;
  // model_errors have no column: the CSV gives rc's standard errors (std_errors).
  if (was_fitted(f) || std::isfinite(f.ter)) {
    const auto& e = f.std_errors;
    const auto& p = f.parameters;
    row.values = {
        f.resnorm,         f.grid_resnorm,   f.rs, e[0], f.ter, e[1], f.tec, e[2], f.tau1, e[3], f.tau2, e[4], p[0], p[1], p[2], p[3], p[4],
        f.rsh_interval[0], f.rsh_interval[1]};
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
  row.at_edge = joined(f.at_edge);
  return row;
}

fit_summary_writer::fit_summary_writer(std::ostream& out, bool with_area, std::vector<std::string> extra, std::string what)
    : out_(out), with_area_(with_area), extra_(std::move(extra)), what_(std::move(what)) {
  out_ << "file,sweep,start_time,status,reasons,metric,resnorm,grid_resnorm,Rs_ohm,Rs_se,TER_ohm,TER_se,TEC_F,TEC_se,tau1_s,tau1_se,"
          "tau2_s,tau2_se,Rsh_ohm,Ra_ohm,Ca_F,Rb_ohm,Cb_F,Rsh_min_ohm,Rsh_max_ohm,at_edge";
  if (with_area_) out_ << ",area_cm2,TER_ohm_cm2,TER_ohm_cm2_se,TEC_uF_per_cm2,TEC_uF_per_cm2_se";
  out_ << ",model,aic,bic,best_model,decisive_frequency_hz";
  for (const auto& name : extra_) out_ << ',' << name;
  out_ << "\n";
}

void fit_summary_writer::write(const fit_summary_row& row) {
  std::string reasons;
  for (const auto& r : row.reasons) reasons += (reasons.empty() ? "" : "; ") + r;
  out_ << csv_field(row.file) << ',' << row.sweep << ',' << csv_field(row.start_time) << ',' << row.status << ',' << csv_field(reasons)
       << ',' << row.metric;
  if (!row.values) {
    out_ << std::string(fit_summary_row::k_values + 1, ',') << (with_area_ ? std::string(5, ',') : "");
  } else {
    const auto& v = *row.values;
    for (double x : v) out_ << ',' << csv_number(x);
    out_ << ',' << csv_field(row.at_edge);
    if (with_area_) {
      if (const auto a = row.area_cm2) {
        for (double x : {*a, v[4] * *a, v[5] * *a, v[6] / *a * k_farad_to_microfarad, v[7] / *a * k_farad_to_microfarad}) {
          out_ << ',' << csv_number(x);
        }
      } else {
        out_ << std::string(5, ',');
      }
    }
  }
  const auto optional = [](std::optional<double> v) { return v ? csv_number(*v) : std::string(); };
  out_ << ',' << row.model << ',' << optional(row.aic) << ',' << optional(row.bic) << ','
       << (row.best_model ? (*row.best_model ? "true" : "false") : "") << ',' << optional(row.decisive_frequency);
  for (const auto& name : extra_) {
    out_ << ',';
    for (const auto& [n, v] : row.parameters) {
      if (n == name) out_ << csv_number(v);
    }
  }
  out_ << "\n";
  if (!out_) throw error(error_kind::io, "cannot write " + what_);
}

void fit_summary_writer::finish() {
  if (!out_.flush()) throw error(error_kind::io, "cannot write " + what_);
}

std::vector<std::string> extra_summary_columns(const model_list& models) {
  std::vector<std::string> extra;
  for (const auto* m : models) {
    for (const auto& p : m->parameters) {
      const std::string name(p.name);
      if (!model::rc().index_of(name) && std::find(extra.begin(), extra.end(), name) == extra.end()) extra.push_back(name);
    }
  }
  return extra;
}

void write_fit_summary(std::ostream& out, const std::vector<fit_summary_row>& rows, bool with_area, const std::string& what) {
  // Parameters of the rows' models that rc's columns do not hold.
  std::vector<std::string> extra;
  for (const auto& row : rows) {
    for (const auto& [name, value] : row.parameters) {
      if (!model::rc().index_of(name) && std::find(extra.begin(), extra.end(), name) == extra.end()) extra.push_back(name);
    }
  }
  fit_summary_writer writer(out, with_area, std::move(extra), what);
  for (const auto& row : rows) writer.write(row);
  writer.finish();
}

nlohmann::ordered_json fit_json(const fit::fit_result& r, bool with_edges) {
  fit_row row;
  fill_rc(row, r);
  nlohmann::ordered_json j;
  put_rc_json(j, row, with_edges);
  return j;
}

nlohmann::ordered_json per_area_json(double ter, double ter_se, double tec, double tec_se, double area_cm2) {
  using json = nlohmann::ordered_json;
  const auto number = [](double v) { return finite_or_null<json>(v); };
  return {{"area_cm2", area_cm2},
          {"ter_ohm_cm2", number(ter * area_cm2)},
          {"ter_ohm_cm2_se", number(ter_se * area_cm2)},
          {"tec_uF_per_cm2", number(tec / area_cm2 * k_farad_to_microfarad)},
          {"tec_uF_per_cm2_se", number(tec_se / area_cm2 * k_farad_to_microfarad)}};
}

}  // namespace eisgrid::compute
