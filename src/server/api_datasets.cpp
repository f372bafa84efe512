// Datasets: listing, loading, best rows, spectra and search.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>

#include "base/ascii.hpp"
#include "base/error.hpp"
#include "base/iso_time.hpp"
#include "base/json_number.hpp"
#include "dataset/naming.hpp"
#include "model/circuit.hpp"
#include "model/models.hpp"
#include "server/handlers.hpp"

namespace eisgrid::server {
namespace {

using json = nlohmann::json;

constexpr std::int64_t k_default_best_rows = 1000;
constexpr std::int64_t k_max_best_rows = 10000;
constexpr std::size_t k_max_indices = 100;
constexpr std::int64_t k_default_search_limit = 1000;
constexpr std::int64_t k_max_search_limit = 10000;
constexpr std::array<const char*, 4> k_spectrum_columns{"real", "imag", "magnitude", "phase"};

// A whole number in [lo, hi] from a query parameter.
std::int64_t query_integer(const request& req, const char* name, std::int64_t fallback, std::int64_t lo, std::int64_t hi) {
  const auto text = req.query(name);
  if (!text) return fallback;
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (text->empty() || ec != std::errc() || end != text->data() + text->size() || v < lo || v > hi) {
    throw error(error_kind::usage,
                "'" + std::string(name) + "' must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  return v;
}

std::int64_t body_integer(const json& v, const std::string& what, std::int64_t lo, std::int64_t hi) {
  if (!v.is_number_integer() || (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(hi)) ||
      v.get<std::int64_t>() < lo || v.get<std::int64_t>() > hi) {
    throw error(error_kind::usage, "'" + what + "' must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  return v.get<std::int64_t>();
}

// A row's parameters after Rs, in the order of its model's param_names.
json params_json(const dataset::dataset& data, std::uint64_t row) {
  json out = json::array();
  for (std::size_t k = 0; k < data.parameter_count(); ++k) out.push_back(number(data.parameter(row, k)));
  return out;
}

// A row's spectrum at every frequency: the file's own where it stores one,
// else its model's impedance at the file's frequencies (Rs + Z, as stored ones are).
std::vector<std::array<double, 4>> row_spectrum(const dataset::dataset& data, std::uint64_t row) {
  std::vector<std::array<double, 4>> out(data.frequency_count());
  if (row < data.spectra_rows()) {
    for (std::uint64_t f = 0; f < out.size(); ++f) out[f] = data.spectrum(row, f);
    return out;
  }
  const auto values = data.model_values(row);
  for (std::uint64_t f = 0; f < out.size(); ++f) {
    const auto z = data.model().impedance(values, data.frequency(f));
    out[f] = {z.real(), z.imag(), std::abs(z), model::phase_degrees(z)};
  }
  return out;
}

// "Rsh", "alpha_a" -> "rsh", "alpha_a": the keys of POST /api/load's parameter_ranges.
std::string range_key(std::string_view name) {
  std::string key(name);
  std::transform(key.begin(), key.end(), key.begin(), ascii_lower);
  return key;
}

json names_json(const model::circuit_model& m, bool units) {
  json out = json::array();
  for (std::size_t k = 1; k < m.count(); ++k) out.push_back(units ? m.parameters[k].unit : m.parameters[k].name);
  return out;
}

// A catalog row's model: metadata "model", rc without it (SPEC 12). Parsed
// only where the text has such a key (the catalog stores it compact): every
// rc file's reference has the value "model", and listings parse no rc row.
std::string model_of(const catalog::dataset_record& r) {
  if (r.metadata_json.find("\"model\":") == std::string::npos) return std::string(model::rc().name);
  const auto m = json::parse(r.metadata_json, nullptr, false);
  if (!m.is_object() || !m.contains("model") || !m["model"].is_string()) return std::string(model::rc().name);
  return m["model"].get<std::string>();
}

json spectrum_row(const std::array<double, 4>& s) { return json::array({number(s[0]), number(s[1]), number(s[2]), number(s[3])}); }

}  // namespace

std::shared_ptr<const loaded_dataset> load_dataset(const context& c, const resolved_dataset& d) {
  std::shared_ptr<const loaded_dataset> loaded;
  try {
    loaded = c.a.cache().get(d.path);
  } catch (const error& e) {
    // The catalog says it is there but the file is gone or broken: the
    // client learns that much, the operator's log the rest.
    if (e.kind() == error_kind::not_found) {
      c.a.log("cannot load '" + d.path.string() + "': " + e.what());
      throw error(error_kind::not_found, "dataset '" + d.record.file_name + "' is not available");
    }
    // Refused before inflating (dataset::load_limits): the client may learn that much.
    if (e.kind() == error_kind::too_large) {
      c.a.log("cannot load '" + d.path.string() + "': " + e.what());
      throw error(error_kind::too_large, "dataset '" + d.record.file_name + "' is too large to load here: " + e.what());
    }
    throw error(error_kind::internal, "cannot load '" + d.path.string() + "': " + e.what());
  }
  return loaded;
}

resolved_dataset resolve_dataset(const context& c, std::string_view filename) {
  if (const auto problem = dataset::file_name_problem(filename); !problem.empty()) {
    throw error(error_kind::usage, "invalid file name: " + problem);
  }
  const auto records = c.cat.list_datasets(c.user.who);
  const catalog::dataset_record* best = nullptr;
  for (const auto& r : records) {
    if (r.file_name != filename || !r.is_available) continue;
    const bool own = c.user.signed_in() && r.owner_id == c.user.who.user_id;
    if (own) {
      best = &r;
      break;
    }
    if (r.is_public && !best) best = &r;
  }
  if (!best) throw error(error_kind::not_found, "dataset '" + std::string(filename) + "' not found");
  return {*best, c.a.data().directory(best->location) / best->file_name};
}

response get_datasets(const context& c) {
  const auto records = c.cat.list_datasets(c.user.who);
  std::map<catalog::row_id, catalog::configuration_record> configs;
  for (auto& config : c.cat.list_configurations(c.user.who)) configs.emplace(config.id, std::move(config));
  json list = json::array();
  for (const auto& r : records) {
    const auto path = c.a.data().directory(r.location) / r.file_name;
    std::error_code ec;
    const auto modified = std::filesystem::last_write_time(path, ec);
    json reference = nullptr, spacing = nullptr;
    if (r.configuration_id) {
      const auto it = configs.find(*r.configuration_id);
      if (it != configs.end()) {
        if (it->second.config.reference) reference = params_object(*it->second.config.reference);
        if (!it->second.config.frequency_spacing.empty()) spacing = it->second.config.frequency_spacing;
      }
    }
    const std::string type(dataset::to_string(r.location));
    list.push_back(
        {{"filename", r.file_name},
         {"full_path", r.file_path},
         {"directory", type},
         {"type", type},
         {"size_mb", std::round(static_cast<double>(r.file_size) / k_bytes_per_mb * 100.0) / 100.0},
         {"size_bytes", r.file_size},
         {"modified", ec ? r.updated_at : iso8601_utc(std::chrono::floor<std::chrono::seconds>(std::chrono::file_clock::to_sys(modified)))},
         {"loaded", c.a.cache().contains(path)},
         {"name", r.file_name},
         {"model", model_of(r)},
         {"owner", r.owner_name.empty() ? json(nullptr) : json(r.owner_name)},
         {"is_public", r.is_public},
         {"is_available", r.is_available},
         {"grid_size", r.grid_size ? json(*r.grid_size) : json(nullptr)},
         {"n_parameters", r.n_parameter_sets},
         {"n_frequencies", r.n_frequencies},
         {"n_spectra", r.n_spectra},
         {"freq_min", number(r.freq_min)},
         {"freq_max", number(r.freq_max)},
         {"frequency_spacing", spacing},
         {"best_resnorm", number(r.best_resnorm)},
         {"metric", r.resnorm_metric},
         {"file_hash", r.file_hash},
         {"short_hash", r.short_hash},
         {"reference", reference},
         {"description", r.description},
         {"created_at", r.created_at}});
  }
  return json_success({{"datasets", std::move(list)}, {"directories", directories_json()}});
}

response post_load(const context& c, std::string_view filename) {
  const auto d = resolve_dataset(c, filename);
  const auto loaded = load_dataset(c, d);
  const auto& m = loaded->data.model();
  json ranges = json::object();
  for (std::size_t k = 0; k < loaded->data.parameter_count(); ++k) {
    const auto& p = m.parameters[k + 1];
    ranges[range_key(p.name)] = {{"min", number(loaded->param_min[k])}, {"max", number(loaded->param_max[k])}, {"unit", p.unit}};
  }
  return json_success({{"metadata", loaded->data.metadata()},
                       {"dataset_info",
                        {{"model", m.name},
                         {"param_names", names_json(m, false)},
                         {"param_units", names_json(m, true)},
                         {"n_parameters", loaded->data.rows()},
                         {"n_frequencies", loaded->data.frequency_count()},
                         {"n_spectra", loaded->data.spectra_rows()},
                         {"parameter_ranges", ranges}}}});
}

response get_best_results(const context& c, std::string_view filename) {
  const auto n = query_integer(c.req, "n", k_default_best_rows, 1, k_max_best_rows);
  const auto offset = query_integer(c.req, "offset", 0, 0, std::numeric_limits<std::int64_t>::max());
  const auto d = resolve_dataset(c, filename);
  const auto loaded = load_dataset(c, d);
  const auto& data = loaded->data;
  const auto total = static_cast<std::int64_t>(data.rows());
  if (offset > total) throw error(error_kind::usage, "'offset' is past the last row (" + std::to_string(total) + " rows)");
  const auto end = std::min(total, offset + n);
  if (const auto format = c.req.query("format"); format && *format != "json") {
    if (*format != "npy") throw error(error_kind::usage, "'format' must be json or npy");
    // One row per result: the model's parameters after Rs (rc: Rsh, Ra, Ca, Rb, Cb), resnorm.
    std::vector<double> values;
    for (auto row = offset; row < end; ++row) {
      for (std::size_t k = 0; k < data.parameter_count(); ++k) values.push_back(data.parameter(static_cast<std::uint64_t>(row), k));
      values.push_back(data.resnorm(static_cast<std::uint64_t>(row)));
    }
    return npy_response(values, {static_cast<std::uint64_t>(end - offset), data.parameter_count() + 1}, "best_results.npy");
  }
  const std::string key = "best-results " + std::to_string(offset) + " " + std::to_string(end);
  if (const auto cached = loaded->body(key)) {
    response r;
    r.body = *cached;
    r.set("Content-Type", "application/json");
    return r;
  }
  // Written directly rather than through a JSON tree: this is the hot
  // endpoint of the page (about 8 numbers per row, up to 10000 rows).
  std::string out;
  out.reserve(static_cast<std::size_t>(end - offset) * 160 + 256);
  out += R"({"status":"success","data":{"parameters":[)";
  // Every value of each row's model, Rs first, for its TER and TEC.
  std::vector<std::vector<double>> rows;
  rows.reserve(static_cast<std::size_t>(end - offset));
  for (auto row = offset; row < end; ++row) {
    rows.push_back(data.model_values(static_cast<std::uint64_t>(row)));
    out += row == offset ? "[" : ",[";
    for (std::size_t k = 1; k < rows.back().size(); ++k) {
      if (k > 1) out += ',';
      append_json_number(out, rows.back()[k], true);
    }
    out += ']';
  }
  out += R"(],"resnorms":[)";
  for (auto row = offset; row < end; ++row) {
    if (row != offset) out += ',';
    append_json_number(out, data.resnorm(static_cast<std::uint64_t>(row)), true);
  }
  out += R"(],"ter":[)";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i) out += ',';
    append_json_number(out, data.model().ter(rows[i]), false);
  }
  out += R"(],"tec":[)";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i) out += ',';
    append_json_number(out, data.model().tec(rows[i]), false);
  }
  // Rs of each row when the run swept it (a measured reference), else null.
  out += R"(],"series_resistance":)";
  if (!data.has_series_resistance()) {
    out += "null";
  } else {
    for (auto row = offset; row < end; ++row) {
      out += row == offset ? "[" : ",";
      append_json_number(out, data.series_resistance(static_cast<std::uint64_t>(row)), true);
    }
    out += end == offset ? "[]" : "]";
  }
  out += R"(,"model":)";
  out += json(data.model().name).dump();
  out += R"(,"param_names":)";
  out += names_json(data.model(), false).dump();
  out += R"(,"param_units":)";
  out += names_json(data.model(), true).dump();
  out += R"(,"n_total":)";
  out += std::to_string(total);
  out += R"(,"offset":)";
  out += std::to_string(offset);
  out += R"(,"best_resnorm":)";
  if (total) {
    append_json_number(out, data.resnorm(0), true);
  } else {
    out += "null";
  }
  out += "}}";
  loaded->keep_body(key, std::make_shared<const std::string>(out));
  response r;
  r.body = std::move(out);
  r.set("Content-Type", "application/json");
  return r;
}

response post_spectrum(const context& c, std::string_view filename) {
  const auto body = parse_body(c.req);
  check_keys(body, {"indices"});
  const auto it = body.find("indices");
  if (it == body.end() || !it->is_array()) throw error(error_kind::usage, "'indices' must be an array of row numbers");
  if (it->empty() || it->size() > k_max_indices) {
    throw error(error_kind::usage, "'indices' must hold 1 to " + std::to_string(k_max_indices) + " row numbers");
  }
  const auto d = resolve_dataset(c, filename);
  const auto loaded = load_dataset(c, d);
  const auto& data = loaded->data;
  const auto n_rows = static_cast<std::int64_t>(data.rows());
  if (n_rows == 0) throw error(error_kind::usage, "dataset '" + d.record.file_name + "' has no rows");
  std::vector<std::uint64_t> rows;
  for (const auto& v : *it) rows.push_back(static_cast<std::uint64_t>(body_integer(v, "indices[]", 0, n_rows - 1)));
  const auto f_count = data.frequency_count();
  if (const auto format = c.req.query("format"); format && *format != "json") {
    if (*format != "npy") throw error(error_kind::usage, "'format' must be json or npy");
    // [row][frequency][real, imag, magnitude, phase], as "spectra" in JSON.
    std::vector<double> values;
    for (const auto row : rows) {
      for (const auto& v : row_spectrum(data, row)) values.insert(values.end(), v.begin(), v.end());
    }
    return npy_response(values, {rows.size(), f_count, k_spectrum_columns.size()}, "spectra.npy");
  }
  json frequencies = json::array();
  for (std::uint64_t f = 0; f < f_count; ++f) frequencies.push_back(number(data.frequency(f)));
  json spectra = json::array(), stored = json::array();
  for (const auto row : rows) {
    json one = json::array();
    for (const auto& v : row_spectrum(data, row)) one.push_back(spectrum_row(v));
    spectra.push_back(std::move(one));
    stored.push_back(row < data.spectra_rows());
  }
  json reference = nullptr;
  if (data.has_reference_spectrum()) {
    reference = json::array();
    for (std::uint64_t f = 0; f < f_count; ++f) reference.push_back(spectrum_row(data.reference_spectrum(f)));
  }
  const json freq_range = f_count ? json::array({number(data.frequency(0)), number(data.frequency(f_count - 1))}) : json::array();
  return json_success({{"data",
                        {{"indices", rows},
                         {"frequencies", std::move(frequencies)},
                         {"spectra", std::move(spectra)},
                         {"stored", std::move(stored)},
                         {"model", data.model().name},
                         {"spectrum_columns", k_spectrum_columns},
                         {"freq_range", freq_range},
                         {"reference", std::move(reference)}}}});
}

response post_search(const context& c, std::string_view filename) {
  const auto body = parse_body(c.req);
  check_keys(body, {"max_resnorm", "limit"});
  const auto max_it = body.find("max_resnorm");
  if (max_it == body.end() || !max_it->is_number() || !std::isfinite(max_it->get<double>())) {
    throw error(error_kind::usage, "'max_resnorm' must be a finite number");
  }
  const double max_resnorm = max_it->get<double>();
  const auto limit = body.contains("limit") ? body_integer(body["limit"], "limit", 1, k_max_search_limit) : k_default_search_limit;
  const auto d = resolve_dataset(c, filename);
  const auto loaded = load_dataset(c, d);
  const auto& data = loaded->data;
  json indices = json::array(), parameters = json::array(), resnorms = json::array(), ters = json::array(), tecs = json::array();
  std::int64_t count = 0;
  // Rows are ranked by ascending resnorm (NaN last), so the matches are a prefix.
  for (std::uint64_t row = 0; row < data.rows() && count < limit; ++row) {
    const double r = data.resnorm(row);
    if (!(r <= max_resnorm)) break;
    indices.push_back(row);
    parameters.push_back(params_json(data, row));
    resnorms.push_back(number(r));
    const auto values = data.model_values(row);
    ters.push_back(number(data.model().ter(values)));
    tecs.push_back(number(data.model().tec(values)));
    ++count;
  }
  return json_success({{"data",
                        {{"indices", std::move(indices)},
                         {"parameters", std::move(parameters)},
                         {"resnorms", std::move(resnorms)},
                         {"ter", std::move(ters)},
                         {"tec", std::move(tecs)},
                         {"param_names", names_json(data.model(), false)},
                         {"count", count},
                         {"total_searched", data.rows()}}}});
}

}  // namespace eisgrid::server
