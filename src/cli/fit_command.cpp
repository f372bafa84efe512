// eisgrid fit: fit every sweep of every measurement file (SPEC 10), as labs
// measure: plates of inserts, day after day. One row per sweep on stdout, as a
// CSV summary, or as JSON for scripts.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <optional>

#include "base/error.hpp"
#include "catalog/catalog.hpp"
#include "catalog/sha256.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/progress_bar.hpp"
#include "cluster/world.hpp"
#include "compute/distributed.hpp"
#include "compute/fit_report.hpp"
#include "compute/run.hpp"
#include "dataset/export.hpp"
#include "dataset/naming.hpp"
#include "fit/fit.hpp"
#include "fit/model_fit.hpp"
#include "fit/status.hpp"
#include "measured/read.hpp"
#include "model/models.hpp"

namespace eisgrid::cli {
namespace {

constexpr double k_farad_to_microfarad = 1e6;

struct fit_args {
  std::vector<std::string> files;
  std::size_t grid = fit::k_default_fit_grid;
  std::string metric = "modulus";
  std::string rs = "free";
  std::string models = "rc";
  std::vector<std::string> ranges;
  std::optional<double> area;
  std::string summary;
  bool json = false;
  unsigned threads = 0;
  std::string format;
  bool quiet = false;
  bool save = false;
  std::string data = "data";
  std::string user = catalog::k_local_user;
  std::string db;
  bool overwrite = false;
};

// One sweep to fit, and what came of it.
struct sweep_job {
  std::string file;
  std::size_t sweep = 0;
  std::optional<std::string> start_time;
  const measured::sweep* data = nullptr;  // for --save; null for a file no reader accepts
  compute::batch_outcome outcome;
};

using compute::model_list;

void write_summary(const std::string& path, const std::vector<sweep_job>& jobs, sweep::metric m, const model_list& models,
                   std::optional<double> area) {
  std::vector<compute::fit_summary_row> rows;
  for (const auto& job : jobs) {
    const auto row_of = [&](const fit::fit_verdict& verdict) {
      compute::fit_summary_row row;
      row.file = job.file;
      row.sweep = job.sweep;
      row.start_time = job.start_time.value_or("");
      row.status = to_string(verdict.status);
      row.reasons = verdict.reasons;
      row.metric = sweep::to_string(m);
      row.area_cm2 = area;
      return row;
    };
    if (job.outcome.models.empty()) {
      for (const auto* model : models) {
        auto row = row_of(job.outcome.verdict);
        row.model = model->name;
        rows.push_back(std::move(row));
      }
      continue;
    }
    for (std::size_t k = 0; k < job.outcome.models.size(); ++k) {
      const auto& o = job.outcome.models[k];
      auto row = row_of(o.verdict);
      compute::fill_summary(row, o.fit);
      if (o.fit.model == &model::rc()) {
        row.values = compute::summary_values(*job.outcome.result);
        row.at_edge = compute::edges_text(*job.outcome.result);
      }
      row.best_model = k == job.outcome.best_model;
      row.decisive_frequency = job.outcome.decisive_frequency;
      rows.push_back(std::move(row));
    }
  }
  std::ofstream out(path);
  if (!out) throw error(error_kind::io, "cannot write '" + path + "'");
  compute::write_fit_summary(out, rows, area.has_value(), "'" + path + "'");
}

// "593.12 +- 2.1": a value and its standard error, the error to two digits.
std::string with_error(double value, double se, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f +- %.2g", decimals, value, se);
  return text;
}

void print_table(const std::vector<sweep_job>& jobs, const model_list& models, std::optional<double> area) {
  const bool compared = compute::compares(models);
  std::printf("%-40s %5s %-12s %-12s %20s %20s %16s %10s %10s %9s%s\n", "file", "sweep", compared ? "model" : "", "status", "TER[ohm]",
              "TEC[uF]", "Rs[ohm]", "tau1[ms]", "tau2[ms]", "resnorm", area ? "  TER[ohm.cm2]          TEC[uF/cm2]" : "");
  for (const auto& job : jobs) {
    const std::string name = job.file.size() > 40 ? job.file.substr(0, 37) + "..." : job.file;
    if (job.outcome.models.empty()) {
      std::printf("%-40s %5zu %-12s %-12s\n", name.c_str(), job.sweep, "", std::string(to_string(job.outcome.verdict.status)).c_str());
      for (const auto& reason : job.outcome.verdict.reasons) std::printf("    %s\n", reason.c_str());
      continue;
    }
    for (std::size_t k = 0; k < job.outcome.models.size(); ++k) {
      const auto& o = job.outcome.models[k];
      const auto& f = o.fit;
      const bool rc = f.model == &model::rc();
      const std::string label = compared ? std::string(f.model->name) + (k == job.outcome.best_model ? " *" : "") : "";
      std::printf("%-40s %5zu %-12s %-12s %20s %20s %16s", name.c_str(), job.sweep, label.c_str(),
                  std::string(to_string(o.verdict.status)).c_str(), with_error(f.ter, f.ter_se, 2).c_str(),
                  with_error(f.tec * k_farad_to_microfarad, f.tec_se * k_farad_to_microfarad, 4).c_str(),
                  with_error(f.params[0], f.errors[0], 2).c_str());
      if (rc) {
        std::printf(" %10.4f %10.4f", job.outcome.result->identified.tau1 * 1e3, job.outcome.result->identified.tau2 * 1e3);
      } else {
        std::printf(" %10s %10s", "", "");
      }
      std::printf(" %9.5f", f.resnorm);
      if (area) {
        std::printf("  %20s %20s", with_error(f.ter * *area, f.ter_se * *area, 1).c_str(),
                    with_error(f.tec / *area * k_farad_to_microfarad, f.tec_se / *area * k_farad_to_microfarad, 4).c_str());
      }
      std::printf("\n");
      for (const auto& reason : o.verdict.reasons) std::printf("    %s\n", reason.c_str());
      if (const auto edges = compute::edges_text(f); !edges.empty()) std::printf("    at the edge of its range: %s\n", edges.c_str());
    }
  }
  if (compared) std::printf("* the model the data prefer (lowest AIC)\n");
}

// fit_<file>_sweep<k>.npz, with every character a dataset name does not allow as '_'.
std::string saved_name(const sweep_job& job) {
  std::string stem = "fit_" + job.file;
  for (char& c : stem) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
  }
  const std::string suffix = "_sweep" + std::to_string(job.sweep) + ".npz";
  stem.resize(std::min(stem.size(), dataset::k_max_file_name_length - suffix.size()));
  return stem + suffix;
}

// Writes each fitted sweep's ranked grid as a dataset, the refined result in
// its metadata ("refined", with the status), and registers it as compute does.
// A dataset needs ascending distinct frequencies: the spectrum is stored
// sorted, and a sweep that repeats a frequency is not saved (said on stderr).
void save_all(const std::vector<sweep_job>& jobs, const fit_args& a) {
  const dataset::data_dir dir(a.data);
  std::optional<catalog::catalog> cat;
  for (const auto& job : jobs) {
    if (!job.outcome.result || !job.data) continue;
    const auto& s = *job.data;
    std::vector<std::size_t> order(s.frequencies.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return s.frequencies[x] < s.frequencies[y]; });
    sweep::reference_spectrum reference;
    for (std::size_t i : order) {
      if (!reference.frequencies.empty() && static_cast<float>(s.frequencies[i]) <= static_cast<float>(reference.frequencies.back())) {
        reference.frequencies.clear();
        break;
      }
      reference.frequencies.push_back(s.frequencies[i]);
      reference.z.push_back(s.z[i]);
    }
    const std::string name = saved_name(job);
    if (reference.frequencies.empty()) {
      std::fprintf(stderr, "eisgrid: not saving '%s': sweep %zu of '%s' repeats a frequency, which a dataset cannot hold\n", name.c_str(),
                   job.sweep, job.file.c_str());
      continue;
    }
    reference.source = job.file;
    dataset::run_record run;
    run.options = job.outcome.result->grid_options;
    run.reference = &reference;
    run.result = &job.outcome.result->grid;
    run.frequency_spacing = "measured";
    run.file_name = name;
    run.description = "eisgrid fit of sweep " + std::to_string(job.sweep) + " of " + job.file;
    run.refined = compute::fit_json(*job.outcome.result, true);
    run.refined["status"] = to_string(job.outcome.verdict.status);
    run.refined["reasons"] = job.outcome.verdict.reasons;
    dataset::export_options opts;
    opts.replace = a.overwrite;
    const auto path = dataset::export_dataset(dir, run, opts);
    if (!cat) cat.emplace(catalog::catalog::open(dir.root(), a.db));
    try {
      const auto hash = compute::register_written(path, dataset::storage::user_generated, *cat, a.user);
      if (!a.quiet && !a.json) std::printf("saved %s (sha256 %s)\n", path.string().c_str(), catalog::short_hash(hash).c_str());
    } catch (const error& e) {
      throw error(e.kind(), "wrote '" + path.string() + "' but could not register it (eisgrid sync will): " + e.what());
    }
  }
}

void run_fit(const fit_args& a) {
  // Sweeps fitted at once on each rank, each fit single-threaded: sweeps are many and small.
  const unsigned threads = a.threads ? a.threads : cluster::default_threads();
  // Ranks other than 0 get the sweeps from rank 0, which alone reads files (compute/distributed.hpp).
  const model_list models = model::parse_models(a.models);
  const auto fit_each = [&](const compute::batch_spectrum& s, const fit::fit_options& o) {
    return compute::fit_sweep(s, o, models, a.area);
  };
  if (!cluster::is_root()) {
    if (const int code = compute::follow_fit(threads, fit_each)) throw cluster::quiet_exit{code};
    return;
  }
  fit::fit_options options;
  std::vector<measured::measurement> files;
  // A file no reader accepts is one invalid_data row with the reader's
  // reason, so that one bad file does not stop a plate's batch.
  std::vector<sweep_job> unreadable;
  std::vector<sweep_job> jobs;
  std::vector<compute::batch_spectrum> spectra;
  try {
    options = fit_options_of(a.grid, a.metric, a.rs, a.ranges);
    if (a.area && !(*a.area > 0 && std::isfinite(*a.area))) throw error(error_kind::usage, "--area must be a positive number of cm2");
    std::optional<measured::format> forced;
    if (!a.format.empty()) {
      forced = measured::parse_format(a.format);
      if (!forced) throw error(error_kind::usage, "unknown format '" + a.format + "'");
    }
    // The ranked grid behind each fit stays on the rank that fitted it.
    if (a.save && cluster::distributed()) throw error(error_kind::usage, "--save runs on one process, not on MPI ranks");
    for (const auto& path : a.files) {
      try {
        files.push_back(measured::read_measurement(path, forced));
      } catch (const error& e) {
        if (e.kind() == error_kind::usage) throw;
        sweep_job job{std::filesystem::path(path).filename().string(), 0, std::nullopt, nullptr, {}};
        job.outcome.verdict = {fit_status::invalid_data, {std::string("cannot read: ") + e.what()}};
        unreadable.push_back(std::move(job));
      }
    }
  } catch (const error& e) {
    compute::send_failure(e);
    throw;
  }
  for (const auto& m : files) {
    for (std::size_t k = 0; k < m.sweeps.size(); ++k) {
      jobs.push_back({m.file, k, m.sweeps[k].start_time, &m.sweeps[k], {}});
      spectra.push_back({m.sweeps[k].frequencies, m.sweeps[k].z});
    }
  }
  progress_bar bar(stderr, !a.quiet && !a.json, "sweeps");
  auto outcomes =
      compute::fit_on_ranks(options, std::move(spectra), threads, fit_each, [&](const sweep::sweep_progress& p) { bar.update(p); });
  bar.finish();
  for (std::size_t i = 0; i < jobs.size(); ++i) jobs[i].outcome = std::move(outcomes[i]);
  const std::size_t unread = unreadable.size();
  jobs.insert(jobs.end(), std::make_move_iterator(unreadable.begin()), std::make_move_iterator(unreadable.end()));

  if (!a.summary.empty()) write_summary(a.summary, jobs, options.metric, models, a.area);
  if (a.save) save_all(jobs, a);
  if (a.json) {
    nlohmann::ordered_json results = nlohmann::ordered_json::array();
    for (const auto& job : jobs) {
      for (auto& row : compute::fit_rows_json(job.outcome, job.file, job.sweep, options.metric, models, a.area))
        results.push_back(std::move(row));
    }
    std::printf("%s\n", nlohmann::ordered_json{{"results", results}}.dump(1).c_str());
  } else if (!a.quiet) {
    print_table(jobs, models, a.area);
  }
  // As spectra does: a batch script must see that a file was not fitted.
  if (unread > 0) {
    throw error(error_kind::invalid_input,
                std::to_string(unread) + " of " + std::to_string(a.files.size()) + " files could not be read (their rows say why)");
  }
}

// --metric's choices: the metrics' own names.
std::vector<std::string> metric_choices() {
  std::vector<std::string> names;
  for (const auto m : sweep::k_metrics) names.emplace_back(sweep::to_string(m));
  return names;
}

}  // namespace

void add_fit_command(CLI::App& app) {
  auto args = std::make_shared<fit_args>();
  auto* cmd = app.add_subcommand(
      "fit", "Fit every sweep of measurement files: Rs, TER, TEC, tau1, tau2 with standard errors, by one or several circuit models");
  cmd->add_option("files", args->files, "Measurement files (NOVA, Gamry, BioLogic, CSV, ...)")
      ->required()
      ->check(on_root_only(CLI::ExistingFile));
  cmd->add_option("--grid", args->grid, "Grid points per parameter axis before refinement")
      ->capture_default_str()
      ->check(CLI::Range(2, 60));
  cmd->add_option("--metric", args->metric, "Residual norm: modulus, mae, rmse or relative (see README)")
      ->capture_default_str()
      ->check(CLI::IsMember(metric_choices()));
  cmd->add_option("--rs", args->rs, "Series resistance: 'free' (fitted) or a fixed value in ohm")->capture_default_str();
  cmd->add_option("--model", args->models,
                  "Circuit model(s), comma-separated, or 'all': " + model::model_names() +
                      " (see README: which model to report); several are compared by AIC")
      ->capture_default_str();
  cmd->add_option("--range", args->ranges,
                  "Range NAME=MIN:MAX[:COUNT] of Rs, Rsh, Ra, Ca, Rb or Cb (repeatable); defaults Rs 0.01-1e4, Rsh 10-1e7, "
                  "Ra/Rb 1-1e6 ohm, Ca/Cb 1e-9-1e-3 F");
  cmd->add_option("--area", args->area, "Insert area in cm2: also report TER in ohm.cm2 and TEC in uF/cm2");
  cmd->add_option("--summary", args->summary, "Write one CSV row per sweep to this file");
  cmd->add_flag("--json", args->json, "Print the results as JSON instead of a table");
  cmd->add_option("--threads", args->threads, "Sweeps fitted at once (default: all cores)");
  cmd->add_option("--format", args->format, "Force the file format instead of detecting it");
  cmd->add_flag("--save", args->save,
                "Also write each sweep's ranked grid as a dataset (the refined result in its metadata) and register it");
  cmd->add_option("--data", args->data, "Data root directory (for --save)")->capture_default_str();
  cmd->add_option("--user", args->user, "Owner of saved datasets in the catalog (created on first use)")->capture_default_str();
  cmd->add_option("--db", args->db, "Catalog: a postgresql:// URL, or a SQLite file (default: DATA/catalog.sqlite3)");
  cmd->add_flag("--overwrite", args->overwrite, "Replace saved datasets of the same name");
  cmd->add_flag("-q,--quiet", args->quiet, "Print nothing but errors (with --summary)");
  cmd->callback([args] { run_fit(*args); });
}

}  // namespace eisgrid::cli
