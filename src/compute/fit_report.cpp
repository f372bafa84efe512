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
    in.model = m.name;
    status_of(in, verdict);
    in.resnorm = f.resnorm;
    in.ter = f.ter;
    in.tec = f.tec;
    in.model_params = f.params;
    in.model_errors = f.errors;
    in.aic = f.aic;
    in.bic = f.bic;
    in.best_model = k == outcome.best_model;
    in.decisive_frequency = outcome.decisive_frequency.value_or(fit_row::k_none);
    in.at_edge = edge_names(f.edges, m.parameters);
    if (&m == &model::rc()) {
      const auto& r = *outcome.result;
      const auto& t = r.identified;
      in.grid_resnorm = r.grid_resnorm;
      in.rs = r.rs;
      in.tau1 = t.tau1;
      in.tau2 = t.tau2;
      in.std_errors = {r.errors.rs, r.errors.ter, r.errors.tec, r.errors.tau1, r.errors.tau2};
      in.parameters = {r.params.rsh, r.params.ra, r.params.ca, r.params.rb, r.params.cb};
      in.rsh_interval = r.rsh_interval;
    } else {
      // rc's fields hold what this model shares with rc, by name.
      const auto rs = *m.index_of("Rs");
      in.rs = f.params[rs];
      in.std_errors = {f.errors[rs], f.ter_se, f.tec_se, fit_row::k_none, fit_row::k_none};
      const auto rc_names = model::rc().parameters;
      for (std::size_t p = 0; p < in.parameters.size(); ++p) {
        if (const auto i = m.index_of(rc_names[p + 1].name)) in.parameters[p] = f.params[*i];
      }
    }
    rows.push_back(std::move(in));
  }
  return rows;
}

fit_summary_row summary_row_of(const fit_row& f, std::string file) {
  // Each field of the row is mapped below by hand (the CSV's columns are
  // fixed, SPEC 10): a field added to base/fit_row.hpp must be mapped here too.
  static_assert(fit_row_field_count() == 24, "map the new field of fit_row to the CSV (or say here why it has no column)");
  fit_summary_row row;
  row.file = std::move(file);
  const auto parsed = nlohmann::json::parse(f.reasons_json, nullptr, false);
  if (parsed.is_array()) {
    for (const auto& s : parsed) {
      if (s.is_string()) row.reasons.push_back(s.get<std::string>());
    }
  }
  row.sweep = static_cast<std::size_t>(f.sweep);
  row.start_time = f.start_time;
  row.status = to_string(f.status);
  row.metric = f.metric;
  row.area_cm2 = f.area_cm2;
  // model_errors have no column: the CSV gives rc's standard errors (std_errors).
  if (std::isfinite(f.ter)) {
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

std::array<double, fit_summary_row::k_values> summary_values(const fit::fit_result& r) {
  const auto& t = r.identified;
  return {r.resnorm,        r.grid_resnorm, r.rs,        r.errors.rs,   t.ter,       r.errors.ter,
          t.tec(),          r.errors.tec,   t.tau1,      r.errors.tau1, t.tau2,      r.errors.tau2,
          r.params.rsh,     r.params.ra,    r.params.ca, r.params.rb,   r.params.cb, r.rsh_interval[0],
          r.rsh_interval[1]};
}

std::string edges_text(const fit::fit_result& r) { return joined(edge_names(r.edges, model::rc().parameters)); }

std::string edges_text(const fit::model_fit_result& r) { return joined(edge_names(r.edges, r.model->parameters)); }

void fill_summary(fit_summary_row& row, const fit::model_fit_result& r) {
  const auto& m = *r.model;
  const auto param = [&](std::string_view name, bool error) {
    const auto k = m.index_of(name);
    return k ? (error ? r.errors[*k] : r.params[*k]) : std::nan("");
  };
  const double none = std::nan("");
  row.values = std::array<double, fit_summary_row::k_values>{r.resnorm,
                                                             none,
                                                             param("Rs", false),
                                                             param("Rs", true),
                                                             r.ter,
                                                             r.ter_se,
                                                             r.tec,
                                                             r.tec_se,
                                                             none,
                                                             none,
                                                             none,
                                                             none,
                                                             param("Rsh", false),
                                                             param("Ra", false),
                                                             param("Ca", false),
                                                             param("Rb", false),
                                                             param("Cb", false),
                                                             none,
                                                             none};
  row.model = m.name;
  row.parameters.clear();
  for (std::size_t k = 0; k < m.count(); ++k) row.parameters.emplace_back(m.parameters[k].name, r.params[k]);
  row.aic = r.aic;
  row.bic = r.bic;
  row.at_edge = edges_text(r);
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
  using json = nlohmann::ordered_json;
  const auto number = [](double v) { return finite_or_null<json>(v); };
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
  if (with_edges) j["at_edge"] = edge_names(r.edges, model::rc().parameters);
  return j;
}

nlohmann::ordered_json model_fit_json(const fit::model_fit_result& r) {
  using json = nlohmann::ordered_json;
  const auto number = [](double v) { return finite_or_null<json>(v); };
  const auto& m = *r.model;
  json j;
  j["model"] = m.name;
  j["metric"] = sweep::to_string(r.metric);
  j["resnorm"] = number(r.resnorm);
  json params = json::object(), errors = json::object();
  for (std::size_t k = 0; k < m.count(); ++k) {
    params[std::string(m.parameters[k].name)] = number(r.params[k]);
    errors[std::string(m.parameters[k].name)] = number(r.errors[k]);
  }
  j["params"] = params;
  j["ter"] = number(r.ter);
  j["tec"] = number(r.tec);
  errors["ter"] = number(r.ter_se);
  errors["tec"] = number(r.tec_se);
  j["stderr"] = errors;
  j["aic"] = number(r.aic);
  j["bic"] = number(r.bic);
  j["at_edge"] = edge_names(r.edges, m.parameters);
  return j;
}

std::vector<nlohmann::ordered_json> fit_rows_json(const batch_outcome& outcome, const std::string& file, std::size_t sweep,
                                                  sweep::metric metric, const model_list& models, std::optional<double> area) {
  using json = nlohmann::ordered_json;
  std::vector<json> rows;
  if (outcome.models.empty()) {
    for (const auto* model : models) {
      json j{{"file", file},
             {"sweep", sweep},
             {"model", model->name},
             {"status", to_string(outcome.verdict.status)},
             {"reasons", outcome.verdict.reasons},
             {"metric", sweep::to_string(metric)}};
      for (const char* key : {"resnorm", "params", "ter", "tec", "stderr", "aic", "bic", "best_model", "decisive_frequency"})
        j[key] = nullptr;
      rows.push_back(std::move(j));
    }
    return rows;
  }
  const auto number = [](std::optional<double> v) { return v && std::isfinite(*v) ? json(*v) : nullptr; };
  for (std::size_t k = 0; k < outcome.models.size(); ++k) {
    const auto& o = outcome.models[k];
    json j{{"file", file},
           {"sweep", sweep},
           {"model", o.fit.model->name},
           {"status", to_string(o.verdict.status)},
           {"reasons", o.verdict.reasons}};
    // Named: items() of a temporary would dangle.
    const auto fitted = o.fit.model == &model::rc() ? fit_json(*outcome.result, true) : model_fit_json(o.fit);
    for (const auto& [key, value] : fitted.items()) j[key] = value;
    j["aic"] = number(o.fit.aic);
    j["bic"] = number(o.fit.bic);
    j["best_model"] = k == outcome.best_model;
    j["decisive_frequency"] = number(outcome.decisive_frequency);
    if (area) {
      const auto per_area = per_area_json(o.fit.ter, o.fit.ter_se, o.fit.tec, o.fit.tec_se, *area);
      for (const auto& [key, value] : per_area.items()) j[key] = value;
    }
    rows.push_back(std::move(j));
  }
  return rows;
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
