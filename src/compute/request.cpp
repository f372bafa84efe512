#include "compute/request.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

#include "base/error.hpp"
#include "catalog/catalog.hpp"
#include "compute/measured_reference.hpp"
#include "dataset/naming.hpp"
#include "measured/quality.hpp"
#include "measured/read.hpp"
#include "model/models.hpp"

namespace eisgrid::compute {
namespace {

using json = nlohmann::json;

[[noreturn]] void bad(const std::string& key, const std::string& why) { throw error(error_kind::usage, "'" + key + "': " + why); }

std::int64_t integer_in(const json& v, const std::string& key, std::int64_t lo, std::int64_t hi) {
  if (!v.is_number_integer()) bad(key, "expected a whole number");
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(hi)) {
    bad(key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  }
  const auto n = v.get<std::int64_t>();
  if (n < lo || n > hi) bad(key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  return n;
}

double positive_number(const json& v, const std::string& key) {
  if (!v.is_number()) bad(key, "expected a number");
  const double d = v.get<double>();
  if (!std::isfinite(d) || d <= 0) bad(key, "must be a positive finite number");
  return d;
}

const std::string& string_of(const json& v, const std::string& key) {
  if (!v.is_string()) bad(key, "expected a string");
  return v.get_ref<const std::string&>();
}

// The grid axis of `m`'s parameter `name` (its parameters after Rs).
std::size_t param_slot(const model::circuit_model& m, const std::string& name, const std::string& key) {
  if (const auto i = m.index_of(name); i && *i > 0) return *i - 1;
  std::string names;
  for (std::size_t k = 1; k < m.count(); ++k) names += (k > 1 ? ", " : "") + std::string(m.parameters[k].name);
  bad(key, "unknown parameter '" + name + "' (" + std::string(m.name) + " has " + names + ")");
}

// K | "all" (returns empty for all); 0 allowed only when `allow_zero`.
std::optional<std::uint64_t> count_or_all(const json& v, const std::string& key, bool allow_zero, std::uint64_t max) {
  if (v.is_string() && v.get_ref<const std::string&>() == "all") return std::nullopt;
  if (!v.is_number_integer()) bad(key, "expected a whole number or \"all\"");
  return static_cast<std::uint64_t>(integer_in(v, key, allow_zero ? 0 : 1, static_cast<std::int64_t>(max)));
}

}  // namespace

compute_request from_json(const json& body) {
  if (!body.is_object()) throw error(error_kind::usage, "the body must be a JSON object");
  static const std::set<std::string> known{"grid",   "model",  "preset", "fmin",    "fmax",  "points", "spacing",    "ref",
                                           "ranges", "metric", "keep",   "spectra", "store", "output", "description"};
  for (const auto& [key, value] : body.items()) {
    if (!known.count(key)) throw error(error_kind::usage, "unknown option '" + key + "'");
  }
  compute_request r;
  std::size_t g = 5;
  if (body.contains("grid")) g = static_cast<std::size_t>(integer_in(body["grid"], "grid", 2, k_http_max_grid));
  // The model of the grid, as `eisgrid compute --model` takes it.
  const model::circuit_model* circuit = &model::rc();
  if (body.contains("model")) {
    const auto& name = string_of(body["model"], "model");
    circuit = model::find_model(name);
    if (!circuit) bad("model", "unknown model '" + name + "' (expected one of " + model::model_names() + ")");
    try {
      model::require_sweepable(*circuit);
    } catch (const error& e) {
      bad("model", e.what());
    }
  }
  r.grid = model::grid_spec::defaults(*circuit, g);
  if (body.contains("ranges")) {
    const auto& ranges = body["ranges"];
    if (!ranges.is_object()) bad("ranges", "expected an object like {\"Ca\": {\"min\": 1e-7, \"max\": 5e-5, \"count\": 8}}");
    for (const auto& [name, range] : ranges.items()) {
      const std::string key = "ranges." + name;
      const std::size_t slot = param_slot(*circuit, name, key);
      r.range_given.resize(r.grid.axes.size());
      r.range_given[slot] = true;
      auto& axis = r.grid.axes[slot];
      if (!range.is_object()) bad(key, "expected an object with min, max and optionally count");
      for (const auto& [field, value] : range.items()) {
        if (field == "min")
          axis.min = positive_number(value, key + ".min");
        else if (field == "max")
          axis.max = positive_number(value, key + ".max");
        else if (field == "count")
          axis.count = static_cast<std::size_t>(integer_in(value, key + ".count", 2, k_http_max_grid));
        else
          bad(key, "unknown field '" + field + "'");
      }
      if (!range.contains("min") || !range.contains("max")) bad(key, "needs both min and max");
    }
  }
  if (body.contains("preset")) r.preset = string_of(body["preset"], "preset");
  if (body.contains("fmin")) r.fmin = positive_number(body["fmin"], "fmin");
  if (body.contains("fmax")) r.fmax = positive_number(body["fmax"], "fmax");
  if (body.contains("points")) {
    r.points = static_cast<std::size_t>(integer_in(body["points"], "points", model::k_min_frequency_points, model::k_max_frequency_points));
  }
  if (body.contains("spacing")) {
    r.spacing = model::parse_spacing(string_of(body["spacing"], "spacing"));
    if (!r.spacing) bad("spacing", "expected \"log\" or \"linear\"");
  }
  if (body.contains("ref")) {
    const auto& ref = body["ref"];
    if (!ref.is_object()) bad("ref", "expected an object like {\"Rsh\": 5005, \"Ca\": 25.05e-6}");
    auto values = model::k_default_reference.as_array();
    for (const auto& [name, value] : ref.items()) values[param_slot(model::rc(), name, "ref")] = positive_number(value, "ref." + name);
    r.ref = model::circuit_params::from_array(values);
  }
  if (body.contains("metric")) {
    r.metric = sweep::parse_metric(string_of(body["metric"], "metric"));
    if (!r.metric) bad("metric", "expected " + sweep::metric_names("\""));
  }
  if (body.contains("keep")) r.keep = count_or_all(body["keep"], "keep", false, k_http_max_kept_rows);
  if (body.contains("spectra")) {
    r.spectra = count_or_all(body["spectra"], "spectra", true, k_http_max_spectra_rows);
    r.spectra_all = !r.spectra.has_value();
  }
  if (body.contains("store")) {
    if (!body["store"].is_boolean()) bad("store", "expected true or false");
    r.store = body["store"].get<bool>();
  }
  if (body.contains("output")) {
    r.output = string_of(body["output"], "output");
    if (const auto problem = dataset::file_name_problem(r.output); !problem.empty()) bad("output", problem);
  }
  if (body.contains("description")) {
    r.description = string_of(body["description"], "description");
  }

  // What the server is willing to run for one request.
  try {
    r.grid.validate();
  } catch (const error& e) {
    throw error(error_kind::usage, std::string("'ranges': ") + e.what());
  }
  const model::parameter_grid grid(r.grid);
  if (grid.size() > k_http_max_grid_points) {
    bad("grid",
        "the grid has " + std::to_string(grid.size()) + " points; at most " + std::to_string(k_http_max_grid_points) + " over the API");
  }
  const std::uint64_t kept = r.keep ? std::min(*r.keep, grid.size()) : grid.size();
  if (kept > k_http_max_kept_rows) {
    bad("keep", "keeping all " + std::to_string(grid.size()) + " rows is over the limit of " + std::to_string(k_http_max_kept_rows) +
                    "; give keep");
  }
  if (r.spectra_all && kept > k_http_max_spectra_rows) {
    bad("spectra", "\"all\" would store " + std::to_string(kept) + " spectra; at most " + std::to_string(k_http_max_spectra_rows));
  }
  return r;
}

model::frequency_spec frequency_spec_of(const compute_request& r) {
  model::frequency_spec spec;
  if (!r.preset.empty()) {
    const auto preset = model::find_frequency_preset(r.preset);
    if (!preset) {
      std::string names;
      for (const auto& p : model::frequency_presets()) names += (names.empty() ? "" : ", ") + std::string(p.name);
      throw error(error_kind::usage, "unknown preset '" + r.preset + "' (known: " + names + ")");
    }
    spec = *preset;
  }
  if (r.fmin) spec.fmin = *r.fmin;
  if (r.fmax) spec.fmax = *r.fmax;
  if (r.points) spec.points = *r.points;
  if (r.spacing) spec.spacing = *r.spacing;
  spec.validate();
  return spec;
}

compute_plan resolve(const compute_request& r) {
  if (!r.owner_id) {
    if (const auto problem = catalog::user_name_problem(r.user); !problem.empty()) throw error(error_kind::usage, "--user: " + problem);
  }
  if (r.description.size() > k_max_description_length) {
    bad("description", "longer than " + std::to_string(k_max_description_length) + " bytes");
  }
  if (r.description.find('\0') != std::string::npos) bad("description", "contains a NUL character");
  compute_plan plan;
  plan.options.grid = r.grid;
  const bool is_measured = !r.reference_file.empty() || r.reference_data.has_value();
  const auto& circuit = *r.grid.model;
  if (is_measured && &circuit != &model::rc()) {
    // The refinement of a measured reference's grid is rc's fit (SPEC 10).
    throw error(error_kind::usage, "a sweep against a measurement takes the rc model; fit " + std::string(circuit.name) +
                                       " to it with `eisgrid fit --model " + std::string(circuit.name) + "`");
  }
  model::require_sweepable(circuit);
  if (is_measured) {
    const auto fit_ranges = fit::fit_options::measured().grid;
    for (std::size_t k = 0; k < model::k_param_count; ++k) {
      if (k < r.range_given.size() && r.range_given[k]) continue;
      plan.options.grid.axes[k].min = fit_ranges.axes[k].min;
      plan.options.grid.axes[k].max = fit_ranges.axes[k].max;
    }
  }
  plan.options.grid.validate();
  plan.options.metric = r.metric.value_or(is_measured ? sweep::metric::modulus : sweep::metric::mae);
  plan.options.threads = r.threads;
  if (r.keep) {
    if (*r.keep == 0) throw error(error_kind::usage, "keep: expected a positive whole number or 'all'");
    plan.options.keep = r.keep;
  }

  if (r.reference_file.empty() && (r.reference_format || r.reference_sweep)) {
    throw error(error_kind::usage, "--format and FILE:SWEEP apply to a --reference file");
  }
  if (is_measured) {
    if (r.ref) throw error(error_kind::usage, "--ref and --reference exclude each other");
    if (r.fmin || r.fmax || r.points || !r.preset.empty() || r.spacing) {
      throw error(error_kind::usage, "the frequencies come from the --reference file; drop --fmin/--fmax/--points/--preset/--spacing");
    }
    if (r.reference_data) {
      plan.reference = *r.reference_data;
    } else {
      auto m = measured::read_measurement(r.reference_file, r.reference_format);
      measured::add_quality_warnings(m);
      plan.reference = measured_reference(m, r.reference_sweep.value_or(0));
      if (!r.reference_sweep && m.sweeps.size() > 1) {
        plan.notes.push_back("'" + m.file + "' holds " + std::to_string(m.sweeps.size()) +
                             " sweeps; the reference is sweep 0 (FILE:K takes sweep K)");
      }
      for (const auto& w : m.sweeps[plan.reference.sweep].warnings) {
        plan.notes.push_back("'" + m.file + "' sweep " + std::to_string(plan.reference.sweep) + ": " + w);
      }
    }
    plan.frequency_spacing = "measured";
  } else {
    const auto freq = frequency_spec_of(r);
    const auto params = r.ref.value_or(model::k_default_reference);
    model::check_params(params, "reference");
    plan.reference = sweep::model_reference(params, model::frequencies(freq));
    plan.frequency_spacing = std::string(model::to_string(freq.spacing));
  }

  // Rs: fixed, swept over a range, or swept near the high-frequency real part.
  const std::string rs = r.rs.empty() ? (is_measured ? "free" : "") : r.rs;
  fit::fit_options refine;
  if (r.rs_range) refine.rs = *r.rs_range;
  if (rs == "free") {
    plan.options.series_resistances = fit::rs_axis(refine, plan.reference.z);
  } else if (!rs.empty()) {
    char* end = nullptr;
    const double value = std::strtod(rs.c_str(), &end);
    if (end != rs.c_str() + rs.size() || !std::isfinite(value) || value < 0) {
      throw error(error_kind::usage, "--rs: expected 'free' or a number of ohm >= 0, got '" + rs + "'");
    }
    plan.options.series_resistances = {value};
    refine.fixed_rs = value;
  } else if (r.rs_range) {
    throw error(error_kind::usage, "--range Rs needs --rs free");
  }
  if (is_measured) {
    if (!refine.fixed_rs && !r.rs_range) refine.rs = model::rc_model::k_parameters[model::rc_model::rs].measured_range;
    plan.refine = refine;
  }

  const model::parameter_grid grid(plan.options.grid);
  const std::uint64_t points = sweep::sweep_points(plan.options);
  plan.kept_rows = plan.options.keep ? std::min(*plan.options.keep, points) : points;
  // A measured reference keeps its measured order: name the file by its range.
  const auto [fmin, fmax] = std::minmax_element(plan.reference.frequencies.begin(), plan.reference.frequencies.end());
  plan.file_name = r.output.empty() ? dataset::default_file_name(plan.options.grid, *fmin, *fmax) : r.output;
  dataset::check_file_name(plan.file_name);
  if (r.spectra_all) {
    plan.spectra_rows = std::nullopt;
  } else if (r.spectra) {
    plan.spectra_rows = *r.spectra;
  } else {
    plan.spectra_rows = std::min(plan.kept_rows, k_default_spectra_rows);
  }
  return plan;
}

}  // namespace eisgrid::compute
