// Measurements, experiments and fits over the API (SPEC 9, 10; docs/API.md).
// Everything here is its owner's alone: the catalog answers another user's
// row as not found, so these handlers never see one.
//
// An upload is hostile until read: its name is checked before it is used, its
// bytes go through the same readers as `eisgrid spectra` and `eisgrid fit`,
// and only a file that reads is stored, under the data root, through temp/
// and a rename, at the path the catalog prescribes. Any failure leaves no
// file and no row behind.
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <mutex>
#include <sstream>

#include "base/atomic_file.hpp"
#include "base/error.hpp"
#include "base/utf8.hpp"
#include "catalog/lab_fields.hpp"
#include "catalog/sha256.hpp"
#include "compute/fit_report.hpp"
#include "compute/fit_sweep.hpp"
#include "fit/fit.hpp"
#include "fit/status.hpp"
#include "measured/quality.hpp"
#include "measured/read.hpp"
#include "model/models.hpp"
#include "model/parameter_grid.hpp"
#include "npz/array.hpp"
#include "server/handlers.hpp"
#include "server/multipart.hpp"

namespace eisgrid::server {
namespace {

using json = nlohmann::json;

// Grid points per axis of a fit over the API: the CLI allows 60, but a job
// shares the server, and the refinement after the grid finds the optimum
// from a coarse grid (SPEC 10).
constexpr std::size_t k_max_fit_grid = 12;
// A fit job's work and memory are bounded before it is queued (docs/API.md).
// Points of one sweep: instruments write tens to hundreds. The refinement's
// time grows with them (about 3 s of one thread for 2000 points, 16 s for
// 10,000), and so does the grid's memory (its tables of membrane spectra).
constexpr std::size_t k_max_fit_sweep_points = 2000;
// Model evaluations of one sweep's grid (grid^5 cells x Rs values x points):
// about a second of one thread (grid 12 allows 1600 points, grid 11 the full
// 2000).
constexpr double k_max_fit_evaluations = 2e9;

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

json optional_number(const std::optional<double>& v) { return v ? number(*v) : json(nullptr); }

// Whether the row's stored file is gone (removed by hand, a restored backup
// without it): the row stays, marked, for its owner to delete or upload again.
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

json experiment_json(const catalog::experiment_record& r) {
  return {{"id", r.id},
          {"name", r.experiment.name},
          {"description", r.experiment.description},
          {"n_measurements", r.n_measurements},
          {"created_at", r.created_at},
          {"updated_at", r.updated_at}};
}

// {"Rs": ..., ...}: `values` by the names of `m`'s parameters; null for none.
json by_name(const model::circuit_model& m, const std::vector<double>& values) {
  json out = json::object();
  for (std::size_t k = 0; k < m.count(); ++k) out[std::string(m.parameters[k].name)] = k < values.size() ? number(values[k]) : nullptr;
  return out;
}

// The model's parameters and their standard errors as the CLI's rows give
// them (SPEC 12): rc's errors are those of what it identifies (Rs, TER, TEC,
// time constants), another model's those of its parameters, TER and TEC.
std::pair<json, json> model_fields(const catalog::fit_input& f) {
  const auto* m = model::find_model(f.model);
  if (m == nullptr) return {json::object(), json::object()};  // a model of a newer eisgrid
  json errors = json::object();
  if (m == &model::rc()) {
    errors = {{"Rs", number(f.std_errors[0])},
              {"ter", number(f.std_errors[1])},
              {"tec", number(f.std_errors[2])},
              {"tau1", number(f.std_errors[3])},
              {"tau2", number(f.std_errors[4])}};
  } else {
    errors = by_name(*m, f.model_errors);
    errors["ter"] = number(f.std_errors[1]);
    errors["tec"] = number(f.std_errors[2]);
  }
  return {by_name(*m, f.model_params), std::move(errors)};
}

json fit_record_json(const catalog::fit_record& r) {
  const auto& f = r.fit;
  auto reasons = json::parse(f.reasons_json, nullptr, false);
  auto [params, errors] = model_fields(f);
  return {{"id", r.id},
          {"measurement", r.measurement_id},
          {"experiment", r.experiment_id ? json(*r.experiment_id) : json(nullptr)},
          {"sweep", f.sweep},
          {"start_time", f.start_time.empty() ? json(nullptr) : json(f.start_time)},
          {"status", to_string(f.status)},
          {"reasons", reasons.is_discarded() ? json::array() : reasons},
          {"metric", f.metric},
          {"resnorm", number(f.resnorm)},
          {"grid_resnorm", number(f.grid_resnorm)},
          {"rs", number(f.rs)},
          {"ter", number(f.ter)},
          {"tec", number(f.tec)},
          {"tau1", number(f.tau1)},
          {"tau2", number(f.tau2)},
          {"stderr", std::move(errors)},
          {"params", std::move(params)},
          {"rsh_interval", {number(f.rsh_interval[0]), number(f.rsh_interval[1])}},
          {"area_cm2", optional_number(f.area_cm2)},
          {"ter_ohm_cm2", optional_number(r.ter_ohm_cm2())},
          {"tec_uf_per_cm2", optional_number(r.tec_uf_per_cm2())},
          {"model", f.model},
          {"aic", number(f.aic)},
          {"bic", number(f.bic)},
          {"best_model", f.best_model ? json(*f.best_model) : json(nullptr)},
          {"decisive_frequency", number(f.decisive_frequency)},
          {"at_edge", f.at_edge},
          {"created_at", r.created_at}};
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

std::string text_field(const json& v, const char* what) {
  if (v.is_null()) return {};
  if (!v.is_string()) throw error(error_kind::usage, std::string("'") + what + "' must be a string or null");
  return v.get<std::string>();
}

response csv_response(std::string body, const std::string& name) {
  response r;
  r.body = std::move(body);
  r.set("Content-Type", "text/csv; charset=utf-8");
  r.set("Content-Disposition", "attachment; filename=\"" + name + "\"");
  return r;
}

bool wants(const request& req, std::string_view format) { return req.query("format").value_or("json") == format; }

void check_format(const request& req, std::initializer_list<std::string_view> allowed) {
  const auto f = req.query("format");
  if (!f || *f == "json") return;
  for (const auto a : allowed) {
    if (*f == a) return;
  }
  throw error(error_kind::usage, "unknown format '" + printable(*f) + "'");
}

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

// The fits of one model when the request asks for one (?model=cpe), else all.
std::vector<catalog::fit_record> of_model(const request& req, std::vector<catalog::fit_record> fits) {
  const auto name = req.query("model");
  if (!name) return fits;
  if (model::find_model(*name) == nullptr) {
    throw error(error_kind::usage, "unknown model '" + printable(*name) + "' (expected " + model::model_names() + ")");
  }
  std::erase_if(fits, [&](const catalog::fit_record& r) { return r.fit.model != *name; });
  return fits;
}

// The user fields of a PATCH over `fields`; returns the experiment to move
// to when "experiment" is given.
std::optional<std::optional<catalog::row_id>> apply_patch(const json& body, catalog::measurement_fields& fields) {
  check_keys(body, {"sample", "condition", "day", "area_cm2", "notes", "experiment"});
  if (body.contains("sample")) fields.sample = text_field(body["sample"], "sample");
  if (body.contains("condition")) fields.condition = text_field(body["condition"], "condition");
  if (body.contains("notes")) fields.notes = text_field(body["notes"], "notes");
  if (body.contains("day")) {
    const auto& v = body["day"];
    if (!v.is_null() && !v.is_number_integer()) throw error(error_kind::usage, "'day' must be an integer or null");
    fields.day = v.is_null() ? std::nullopt : std::optional<std::int64_t>(v.get<std::int64_t>());
  }
  if (body.contains("area_cm2")) {
    const auto& v = body["area_cm2"];
    if (!v.is_null() && !v.is_number()) throw error(error_kind::usage, "'area_cm2' must be a number (cm²) or null");
    fields.area_cm2 = v.is_null() ? std::nullopt : std::optional<double>(v.get<double>());
  }
  if (!body.contains("experiment")) return std::nullopt;
  return optional_id(body["experiment"], "experiment");
}

response measurement_get(const context& c, catalog::row_id id) {
  check_format(c.req, {"npy"});
  const auto r = find_measurement(c, id);
  if (!wants(c.req, "npy") && file_missing(c, r)) {
    auto out = measurement_json(c, r);
    out["sweeps"] = json::array();
    return json_success({{"measurement", std::move(out)}});
  }
  const auto m = read_stored(c, r);
  if (wants(c.req, "npy")) {
    // One row per point: sweep, frequency (Hz), Z' and Z'' (ohm).
    std::vector<double> values;
    for (std::size_t k = 0; k < m.sweeps.size(); ++k) {
      const auto& s = m.sweeps[k];
      for (std::size_t i = 0; i < s.frequencies.size(); ++i) {
        values.insert(values.end(), {static_cast<double>(k), s.frequencies[i], s.z[i].real(), s.z[i].imag()});
      }
    }
    return npy_response(values, {values.size() / 4, 4}, "measurement_" + std::to_string(id) + ".npy");
  }
  json sweeps = json::array();
  for (std::size_t k = 0; k < m.sweeps.size(); ++k) {
    const auto& s = m.sweeps[k];
    json real = json::array(), imag = json::array(), freq = json::array();
    for (std::size_t i = 0; i < s.frequencies.size(); ++i) {
      freq.push_back(number(s.frequencies[i]));
      real.push_back(number(s.z[i].real()));
      imag.push_back(number(s.z[i].imag()));
    }
    sweeps.push_back({{"index", k},
                      {"start_time", s.start_time ? json(*s.start_time) : json(nullptr)},
                      {"frequencies", std::move(freq)},
                      {"real", std::move(real)},
                      {"imag", std::move(imag)},
                      {"warnings", s.warnings}});
  }
  auto out = measurement_json(c, r);
  out["sweeps"] = std::move(sweeps);
  return json_success({{"measurement", std::move(out)}});
}

response measurement_patch(const context& c, catalog::row_id id) {
  const auto body = parse_body(c.req);
  auto r = find_measurement(c, id);
  auto fields = r.measurement.fields;
  const auto move_to = apply_patch(body, fields);
  catalog::check_measurement_fields(fields);  // before any change: a refused edit changes nothing
  c.cat.update_measurement_fields(c.user.who, id, fields, move_to);
  return json_success({{"measurement", measurement_json(c, find_measurement(c, id))}});
}

response measurement_delete(const context& c, catalog::row_id id) {
  const auto path = c.cat.delete_measurement(c.user.who, id);
  // Another measurement of the caller with this content would hold the same
  // path; the catalog refuses duplicates, so the file is this row's alone.
  std::error_code ec;
  std::filesystem::remove(c.a.data().root() / path, ec);
  if (ec) c.a.log("cannot remove '" + path + "' of deleted measurement " + std::to_string(id) + ": " + ec.message());
  return json_success({{"deleted", id}});
}

// Another user's measurement or experiment is a 404, and so is every one to
// an anonymous caller reading it (docs/API.md): no 401 that would differ
// from the answer for an id that does not exist. Writes need a user (401).
void hide_from_anonymous_reads(const context& c, const char* what, catalog::row_id id) {
  if (!c.user.signed_in() && (c.req.method == "GET" || c.req.method == "HEAD"))
    throw error(error_kind::not_found, std::string(what) + " " + std::to_string(id) + " not found");
  require_user(c);
}

// "<id>" or "<id>/<what>": the id and the rest.
std::pair<catalog::row_id, std::string_view> split_id(std::string_view rest, const char* what) {
  const auto slash = rest.find('/');
  const auto id = parse_id(rest.substr(0, slash), what);
  return {id, slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1)};
}

response method_not_allowed(const char* allowed) {
  auto r = json_error(405, std::string("method not allowed; use ") + allowed);
  r.set("Allow", allowed);
  return r;
}

// What a fit request asks for (POST /api/fit), checked before the job starts.
struct fit_request {
  fit::fit_options options;
  std::optional<double> area;
  compute::model_list models{&model::rc()};
};

// "models": ["rc", "cpe"] or ["all"], as `eisgrid fit --model` takes them.
compute::model_list models_of(const json& v) {
  if (!v.is_array() || v.empty())
    throw error(error_kind::usage, "'models' must be a list of model names: " + model::model_names() + " or all");
  std::string list;
  for (const auto& name : v) {
    if (!name.is_string()) throw error(error_kind::usage, "'models' must be a list of model names: " + model::model_names() + " or all");
    const auto text = name.get<std::string>();
    // A comma would smuggle a second name past this list's own check.
    if (text.empty() || text.find(',') != std::string::npos) {
      throw error(error_kind::usage, "unknown model '" + printable(text) + "' (expected " + model::model_names() + " or all)");
    }
    list += (list.empty() ? "" : ",") + text;
  }
  return model::parse_models(list);
}

fit_request fit_request_of(const json& body) {
  fit_request out;
  if (body.contains("models")) out.models = models_of(body["models"]);
  std::size_t grid = fit::k_default_fit_grid;
  if (body.contains("grid")) {
    const auto& g = body["grid"];
    if (!g.is_number_integer() || g.get<std::int64_t>() < 2 || g.get<std::int64_t>() > static_cast<std::int64_t>(k_max_fit_grid)) {
      throw error(error_kind::usage, "'grid' must be an integer from 2 to " + std::to_string(k_max_fit_grid));
    }
    grid = g.get<std::size_t>();
  }
  out.options = fit::fit_options::measured(grid);
  out.options.threads = 1;
  if (body.contains("metric")) {
    const auto m = body["metric"].is_string() ? sweep::parse_metric(body["metric"].get<std::string>()) : std::nullopt;
    if (!m) throw error(error_kind::usage, "'metric' must be one of mae, rmse, relative, modulus");
    out.options.metric = *m;
  }
  if (body.contains("rs")) {
    const auto& rs = body["rs"];
    const bool free = rs.is_string() && rs.get<std::string>() == "free";
    const bool fixed = rs.is_number() && std::isfinite(rs.get<double>()) && rs.get<double>() >= 0;
    if (!free && !fixed) throw error(error_kind::usage, "'rs' must be \"free\" or a resistance in ohm (0 or more)");
    if (fixed) out.options.fixed_rs = rs.get<double>();
  }
  if (body.contains("area")) {
    const auto& a = body["area"];
    if (!a.is_number() || !(a.get<double>() > 0) || a.get<double>() > catalog::k_max_area_cm2) {
      throw error(error_kind::usage, "'area' must be a positive insert area in cm²");
    }
    out.area = a.get<double>();
  }
  return out;
}

// The fit of one sweep as the catalog stores it: one row per model asked
// for, fitted as every front end fits (compute/fit_sweep.hpp).
std::vector<catalog::fit_input> fit_rows(const measured::sweep& s, std::size_t index, const fit_request& request,
                                         std::optional<double> area) {
  catalog::fit_input base;
  base.sweep = static_cast<std::int64_t>(index);
  base.start_time = s.start_time.value_or("");
  base.metric = std::string(sweep::to_string(request.options.metric));
  base.area_cm2 = area;
  const auto status_of = [&](catalog::fit_input& in, const fit::fit_verdict& verdict) {
    in.status = verdict.status;
    in.reasons_json = json(verdict.reasons).dump(-1, ' ', false, json::error_handler_t::replace);
  };
  const auto out = compute::fit_sweep({s.frequencies, s.z}, request.options, request.models, area);
  std::vector<catalog::fit_input> rows;
  if (out.models.empty()) {
    for (const auto* m : request.models) {
      auto in = base;
      in.model = m->name;
      status_of(in, out.verdict);
      rows.push_back(std::move(in));
    }
    return rows;
  }
  for (std::size_t k = 0; k < out.models.size(); ++k) {
    const auto& [f, verdict] = out.models[k];
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
    in.best_model = k == out.best_model;
    in.decisive_frequency = out.decisive_frequency.value_or(catalog::fit_input::k_none);
    // Named: items of a temporary would dangle.
    const auto fitted = compute::model_fit_json(f);
    for (const auto& edge : fitted["at_edge"]) in.at_edge.push_back(edge.get<std::string>());
    if (&m == &model::rc()) {
      const auto& r = *out.result;
      const auto& t = r.identified;
      in.grid_resnorm = r.grid_resnorm;
      in.rs = r.rs;
      in.tau1 = t.tau1;
      in.tau2 = t.tau2;
      in.std_errors = {r.errors.rs, r.errors.ter, r.errors.tec, r.errors.tau1, r.errors.tau2};
      in.parameters = {r.params.rsh, r.params.ra, r.params.ca, r.params.rb, r.params.cb};
      in.rsh_interval = r.rsh_interval;
    } else {
      // rc's columns hold what this model shares with rc, by name.
      const auto rs = *m.index_of("Rs");
      in.rs = f.params[rs];
      in.std_errors = {f.errors[rs], f.ter_se, f.tec_se, catalog::fit_input::k_none, catalog::fit_input::k_none};
      const auto rc_names = model::rc().parameters;
      for (std::size_t p = 0; p < in.parameters.size(); ++p) {
        if (const auto i = m.index_of(rc_names[p + 1].name)) in.parameters[p] = f.params[*i];
      }
    }
    rows.push_back(std::move(in));
  }
  return rows;
}

}  // namespace

response npy_response(const std::vector<double>& values, std::vector<std::uint64_t> shape, const std::string& name) {
  const npz::array_header header{npz::dtype_of<double>(), std::move(shape), false};
  const auto preamble = npz::encode_npy_header(header);
  response r;
  r.body.resize(preamble.size() + values.size() * sizeof(double));
  std::memcpy(r.body.data(), preamble.data(), preamble.size());
  // .npy float64 is little-endian, as is every host eisgrid builds for (npz/byte_order.hpp).
  if (!values.empty()) std::memcpy(r.body.data() + preamble.size(), values.data(), values.size() * sizeof(double));
  r.set("Content-Type", "application/octet-stream");
  r.set("Content-Disposition", "attachment; filename=\"" + name + "\"");
  return r;
}

response get_models() {
  json list = json::array();
  for (const auto& m : model::all_models()) {
    json parameters = json::array();
    for (const auto& p : m.parameters) {
      parameters.push_back({{"name", p.name},
                            {"unit", p.unit},
                            {"axis", p.axis == model::spacing::log ? "log" : "linear"},
                            {"range", {number(p.measured_range.min), number(p.measured_range.max)}}});
    }
    list.push_back({{"name", m.name}, {"formula", m.formula}, {"parameters", std::move(parameters)}});
  }
  return json_success({{"models", std::move(list)}});
}

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
  in.file_hash = catalog::sha256_hex(up.bytes);
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

response get_measurements(const context& c) {
  require_user(c);
  std::optional<catalog::row_id> experiment;
  if (const auto e = c.req.query("experiment")) experiment = parse_id(*e, "experiment");
  if (experiment) find_experiment(c, *experiment);
  json list = json::array();
  for (const auto& r : c.cat.list_measurements(c.user.who, experiment)) list.push_back(measurement_json(c, r));
  return json_success({{"measurements", std::move(list)}});
}

response measurement_route(const context& c, std::string_view rest) {
  const auto [id, sub] = split_id(rest, "measurement");
  const auto& m = c.req.method;
  hide_from_anonymous_reads(c, "measurement", id);
  if (sub.empty()) {
    if (m == "GET") return measurement_get(c, id);
    if (m == "PATCH") return measurement_patch(c, id);
    if (m == "DELETE") return measurement_delete(c, id);
    return method_not_allowed("GET, PATCH, DELETE");
  }
  if (sub == "fits") {
    if (m != "GET") return method_not_allowed("GET");
    check_format(c.req, {"csv"});
    const auto r = find_measurement(c, id);
    const auto fits = of_model(c.req, c.cat.list_fit_results(c.user.who, id));
    if (wants(c.req, "csv")) return fits_csv(c, fits, "measurement_" + std::to_string(id) + "_fits.csv");
    json list = json::array();
    for (const auto& f : fits) list.push_back(fit_record_json(f));
    return json_success({{"measurement", measurement_json(c, r)}, {"fits", std::move(list)}});
  }
  return json_error(404, "no such endpoint: /api/measurements/" + std::to_string(id) + "/" + printable(sub));
}

response get_experiments(const context& c) {
  require_user(c);
  json list = json::array();
  for (const auto& r : c.cat.list_experiments(c.user.who)) list.push_back(experiment_json(r));
  return json_success({{"experiments", std::move(list)}});
}

catalog::experiment_input experiment_of(const json& body, catalog::experiment_input in) {
  check_keys(body, {"name", "description"});
  if (body.contains("name")) in.name = text_field(body["name"], "name");
  if (body.contains("description")) in.description = text_field(body["description"], "description");
  return in;
}

response post_experiment(const context& c) {
  require_user(c);
  const auto body = parse_body(c.req);
  if (!body.contains("name")) throw error(error_kind::usage, "an experiment needs a 'name'");
  const auto id = c.cat.create_experiment(c.user.who, experiment_of(body, {}));
  return json_success({{"experiment", experiment_json(find_experiment(c, id))}}, 201);
}

response experiment_route(const context& c, std::string_view rest) {
  const auto [id, sub] = split_id(rest, "experiment");
  const auto& m = c.req.method;
  hide_from_anonymous_reads(c, "experiment", id);
  if (sub.empty()) {
    if (m == "GET") {
      json list = json::array();
      const auto e = find_experiment(c, id);
      for (const auto& r : c.cat.list_measurements(c.user.who, id)) list.push_back(measurement_json(c, r));
      return json_success({{"experiment", experiment_json(e)}, {"measurements", std::move(list)}});
    }
    if (m == "PATCH") {
      const auto body = parse_body(c.req);
      c.cat.update_experiment(c.user.who, id, experiment_of(body, find_experiment(c, id).experiment));
      return json_success({{"experiment", experiment_json(find_experiment(c, id))}});
    }
    if (m == "DELETE") {
      find_experiment(c, id);
      c.cat.delete_experiment(c.user.who, id);
      return json_success({{"deleted", id}});
    }
    return method_not_allowed("GET, PATCH, DELETE");
  }
  if (sub == "fits") {
    if (m != "GET") return method_not_allowed("GET");
    check_format(c.req, {"csv"});
    const auto e = find_experiment(c, id);
    const auto fits = of_model(c.req, c.cat.list_experiment_fit_results(c.user.who, id));
    if (wants(c.req, "csv")) return fits_csv(c, fits, "experiment_" + std::to_string(id) + "_fits.csv");
    json list = json::array();
    for (const auto& f : fits) list.push_back(fit_record_json(f));
    return json_success({{"experiment", experiment_json(e)}, {"fits", std::move(list)}});
  }
  return json_error(404, "no such endpoint: /api/experiments/" + std::to_string(id) + "/" + printable(sub));
}

// Refuses (error(too_large)) a fit whose sweeps exceed the limits above, naming
// the sweep and the largest grid that would fit it, and (error(conflict)) one
// of a measurement whose file is missing. A measurement's total
// points bound its sweeps', so only a file that could exceed is read.
void check_fit_work(const context& c, const std::vector<catalog::measurement_record>& targets, const fit::fit_options& options) {
  const double rs_values = options.fixed_rs ? 1.0 : static_cast<double>(options.rs.count > 0 ? options.rs.count : fit::k_default_rs_count);
  const double cells = static_cast<double>(model::parameter_grid(options.grid).size()) * rs_values;
  const auto max_points = static_cast<std::size_t>(std::min(static_cast<double>(k_max_fit_sweep_points), k_max_fit_evaluations / cells));
  for (const auto& t : targets) {
    require_stored_file(c, t);
    if (static_cast<std::size_t>(t.measurement.n_points) <= max_points) continue;
    const auto m = read_stored(c, t);
    for (std::size_t k = 0; k < m.sweeps.size(); ++k) {
      const std::size_t n = m.sweeps[k].frequencies.size();
      if (n <= max_points) continue;
      const std::string which =
          "measurement " + std::to_string(t.id) + " sweep " + std::to_string(k) + " has " + std::to_string(n) + " points";
      if (n > k_max_fit_sweep_points) {
        throw error(error_kind::too_large, which + "; a fit over the API takes at most " + std::to_string(k_max_fit_sweep_points) +
                                               " points per sweep (eisgrid fit has no such limit)");
      }
      std::size_t grid = k_max_fit_grid;
      while (grid > 2 &&
             std::pow(static_cast<double>(grid), static_cast<double>(model::k_param_count)) * rs_values * static_cast<double>(n) >
                 k_max_fit_evaluations) {
        --grid;
      }
      throw error(error_kind::too_large, which + ": fit it with a grid of at most " + std::to_string(grid) +
                                             " (a sweep's grid may take 2e9 model evaluations: grid^5 x Rs values x points)");
    }
  }
}

response post_fit(const context& c) {
  require_user(c);
  auto body = parse_body(c.req);
  check_keys(body, {"measurement", "experiment", "grid", "metric", "rs", "area", "models"});
  if (body.contains("measurement") == body.contains("experiment")) {
    throw error(error_kind::usage, "say what to fit: {\"measurement\": id} or {\"experiment\": id}");
  }
  const auto request = fit_request_of(body);
  std::vector<catalog::measurement_record> targets;
  std::string output;
  if (body.contains("measurement")) {
    const auto id = optional_id(body["measurement"], "measurement");
    if (!id) throw error(error_kind::usage, "'measurement' must be an id");
    targets.push_back(find_measurement(c, *id));
    output = "/api/measurements/" + std::to_string(*id) + "/fits";
  } else {
    const auto id = optional_id(body["experiment"], "experiment");
    if (!id) throw error(error_kind::usage, "'experiment' must be an id");
    find_experiment(c, *id);
    targets = c.cat.list_measurements(c.user.who, *id);
    if (targets.empty()) throw error(error_kind::usage, "experiment " + std::to_string(*id) + " has no measurements to fit");
    output = "/api/experiments/" + std::to_string(*id) + "/fits";
  }
  check_fit_work(c, targets, request.options);
  std::uint64_t total = 0;
  for (const auto& t : targets) total += static_cast<std::uint64_t>(t.measurement.n_sweeps);
  const auto who = c.user.who;
  const auto root = c.a.data().root();
  auto& a = c.a;
  auto task = [&a, who, root, targets, request, total](const sweep::progress_callback& progress, const std::atomic<bool>& cancel) {
    const auto start = std::chrono::steady_clock::now();
    std::uint64_t done = 0;
    std::vector<catalog::measurement_fits> results;
    auto job = request;
    job.options.cancel = &cancel;
    for (const auto& t : targets) {
      const auto m = measured::read_measurement(root / t.file_path, measured::parse_format(t.measurement.format));
      const auto area = request.area ? request.area : t.measurement.fields.area_cm2;
      std::vector<catalog::fit_input> fits;
      for (std::size_t k = 0; k < m.sweeps.size(); ++k) {
        if (cancel) throw error(error_kind::cancelled, "cancelled");
        for (auto& row : fit_rows(m.sweeps[k], k, job, area)) fits.push_back(std::move(row));
        progress({++done, total, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()});
      }
      results.push_back({t.id, std::move(fits)});
    }
    // Saved in one transaction once every sweep is fitted: a cancelled or failed fit of an
    // experiment leaves the fits its measurements had before, not some refitted and others not.
    if (cancel) throw error(error_kind::cancelled, "cancelled");
    a.catalogs().acquire()->save_fit_results(who, results);
  };
  return json_success({{"job", c.a.jobs().submit_task(who.user_id, total, std::move(task), std::move(body), output)}}, 202);
}

measured_reference measurement_sweep(const context& c, catalog::row_id id, std::size_t sweep) {
  const auto r = find_measurement(c, id);
  const auto m = read_stored(c, r);
  if (sweep >= m.sweeps.size()) {
    throw error(error_kind::usage, "measurement " + std::to_string(id) + " has " + std::to_string(m.sweeps.size()) + " sweeps (0 to " +
                                       std::to_string(m.sweeps.size() - 1) + ")");
  }
  return {m.sweeps[sweep].frequencies, m.sweeps[sweep].z};
}

}  // namespace eisgrid::server
