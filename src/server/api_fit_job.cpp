// POST /api/fit: a fit job over the caller's measurements (SPEC 10, 12;
// docs/API.md), bounded before it is queued, stored in one transaction.
#include <cmath>

#include "base/error.hpp"
#include "base/utf8.hpp"
#include "catalog/lab_fields.hpp"
#include "compute/fit_report.hpp"
#include "compute/fit_sweep.hpp"
#include "fit/fit.hpp"
#include "fit/status.hpp"
#include "measured/read.hpp"
#include "model/models.hpp"
#include "model/parameter_grid.hpp"
#include "server/api_measurements.hpp"

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

}  // namespace

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
        const auto& s = m.sweeps[k];
        const compute::batch_spectrum spectrum{s.frequencies, s.z, k, s.start_time.value_or("")};
        const auto outcome = compute::fit_sweep(spectrum, job.options, job.models, area);
        for (auto& row : compute::fit_rows(outcome, spectrum.sweep, spectrum.start_time, job.options.metric, job.models, area)) {
          fits.push_back(std::move(row));
        }
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

}  // namespace eisgrid::server
