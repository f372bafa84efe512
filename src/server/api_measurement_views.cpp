// Measurements, experiments and their fits as JSON (and a measurement as
// .npy), their edits and deletions, and the model list (docs/API.md).
// Everything here is its owner's alone: the catalog answers another user's
// row as not found, so these handlers never see one.
#include <cstring>
#include <filesystem>

#include "base/error.hpp"
#include "base/utf8.hpp"
#include "catalog/lab_fields.hpp"
#include "model/models.hpp"
#include "npz/array.hpp"
#include "server/api_measurements.hpp"

namespace eisgrid::server {
namespace {

using json = nlohmann::json;

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

// A field of a fit row as JSON: numbers through number() (NaN as null), the
// rest as they are.
json field_json(double v) { return number(v); }
json field_json(fit_status s) { return to_string(s); }
template <class T>
json field_json(const T& v) {
  return v;
}
template <class T>
json field_json(const std::optional<T>& v) {
  return v ? field_json(*v) : json(nullptr);
}
template <class T, std::size_t n>
json field_json(const std::array<T, n>& values) {
  json out = json::array();
  for (const auto& v : values) out.push_back(field_json(v));
  return out;
}

// Every field of the row under its name in the list (base/fit_row.hpp), so a
// new field is in the API's JSON with no change here. Some fields read better
// in another form: the reasons as the list they hold, no start time as null,
// and the model's parameters and standard errors by the parameters' names
// (`params`, `stderr`) in place of the arrays behind them.
json fit_record_json(const catalog::fit_record& r) {
  const auto& f = r.fit;
  json out{{"id", r.id},
           {"measurement", r.measurement_id},
           {"experiment", r.experiment_id ? json(*r.experiment_id) : json(nullptr)},
           {"ter_ohm_cm2", optional_number(r.ter_ohm_cm2())},
           {"tec_uf_per_cm2", optional_number(r.tec_uf_per_cm2())},
           {"created_at", r.created_at}};
  for_each_field(f, [&](const char* name, const auto& value) { out[name] = field_json(value); });
  auto reasons = json::parse(f.reasons_json, nullptr, false);
  out["reasons"] = reasons.is_discarded() ? json::array() : reasons;
  if (f.start_time.empty()) out["start_time"] = nullptr;
  for (const char* arrays : {"std_errors", "parameters", "model_params", "model_errors"}) out.erase(arrays);
  auto [params, errors] = model_fields(f);
  out["params"] = std::move(params);
  out["stderr"] = std::move(errors);
  return out;
}

std::string text_field(const json& v, const char* what) {
  if (v.is_null()) return {};
  if (!v.is_string()) throw error(error_kind::usage, std::string("'") + what + "' must be a string or null");
  return v.get<std::string>();
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

// GET .../fits of a measurement or an experiment: `owner` is its key and JSON;
// the fits of the requested models as JSON beside it, or as CSV.
response fits_response(const context& c, std::vector<catalog::fit_record> all, std::pair<std::string, json> owner, catalog::row_id id) {
  const auto fits = of_model(c.req, std::move(all));
  if (wants(c.req, "csv")) return fits_csv(c, fits, owner.first + "_" + std::to_string(id) + "_fits.csv");
  json list = json::array();
  for (const auto& f : fits) list.push_back(fit_record_json(f));
  return json_success({{owner.first, std::move(owner.second)}, {"fits", std::move(list)}});
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
    return fits_response(c, c.cat.list_fit_results(c.user.who, id), {"measurement", measurement_json(c, r)}, id);
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
    return fits_response(c, c.cat.list_experiment_fit_results(c.user.who, id), {"experiment", experiment_json(e)}, id);
  }
  return json_error(404, "no such endpoint: /api/experiments/" + std::to_string(id) + "/" + printable(sub));
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
