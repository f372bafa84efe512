// eisgrid fit: fit every sweep of every measurement file (SPEC 10), as labs
// measure: plates of inserts, day after day. One row per sweep on stdout, as a
// CSV summary, or as JSON for scripts.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <optional>

#include "base/error.hpp"
#include "catalog/catalog.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/progress_bar.hpp"
#include "cluster/world.hpp"
#include "compute/distributed_fit.hpp"
#include "compute/fit_report.hpp"
#include "compute/run.hpp"
#include "dataset/export.hpp"
#include "dataset/naming.hpp"
#include "fit/fit.hpp"
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
  const measured::sweep* data = nullptr;  // for --save; null for a file no reader accepts
  compute::fitted_sweep fitted;
};

using compute::model_list;

// "593.12 +- 2.1": a value and its standard error, the error to two digits.
std::string with_error(double value, double se, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f +- %.2g", decimals, value, se);
  return text;
}

void print_table_header(const model_list& models, std::optional<double> area) {
  std::printf("%-40s %5s %-12s %-12s %20s %20s %16s %10s %10s %9s%s\n", "file", "sweep", compute::compares(models) ? "model" : "", "status",
              "TER[ohm]", "TEC[uF]", "Rs[ohm]", "tau1[ms]", "tau2[ms]", "resnorm", area ? "  TER[ohm.cm2]          TEC[uF/cm2]" : "");
}

void print_table_rows(const sweep_job& job, const model_list& models, std::optional<double> area) {
  const bool compared = compute::compares(models);
  const std::string name = job.file.size() > 40 ? job.file.substr(0, 37) + "..." : job.file;
  const auto& rows = job.fitted.rows;
  if (rows.empty()) return;
  // A sweep no model could be fitted to has one verdict, said once for all models.
  if (!compute::was_fitted(rows.front())) {
    std::printf("%-40s %5zu %-12s %-12s\n", name.c_str(), job.sweep, "", std::string(to_string(rows.front().status)).c_str());
    for (const auto& reason : compute::reasons_of(rows.front())) std::printf("    %s\n", reason.c_str());
    return;
  }
  for (const auto& row : rows) {
    const bool rc = row.model == model::rc().name;
    const std::string label = compared ? row.model + (row.best_model.value_or(false) ? " *" : "") : "";
    const double ter_se = row.std_errors[1], tec_se = row.std_errors[2];
    std::printf("%-40s %5zu %-12s %-12s %20s %20s %16s", name.c_str(), job.sweep, label.c_str(), std::string(to_string(row.status)).c_str(),
                with_error(row.ter, ter_se, 2).c_str(),
                with_error(row.tec * k_farad_to_microfarad, tec_se * k_farad_to_microfarad, 4).c_str(),
                with_error(row.model_params.at(0), row.model_errors.at(0), 2).c_str());
    if (rc) {
      std::printf(" %10.4f %10.4f", row.tau1 * 1e3, row.tau2 * 1e3);
    } else {
      std::printf(" %10s %10s", "", "");
    }
    std::printf(" %9.5f", row.resnorm);
    if (area) {
      std::printf("  %20s %20s", with_error(row.ter * *area, ter_se * *area, 1).c_str(),
                  with_error(row.tec / *area * k_farad_to_microfarad, tec_se / *area * k_farad_to_microfarad, 4).c_str());
    }
    std::printf("\n");
    for (const auto& reason : compute::reasons_of(row)) std::printf("    %s\n", reason.c_str());
    if (const auto edges = compute::edges_text(row); !edges.empty()) std::printf("    at the edge of its range: %s\n", edges.c_str());
  }
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

// Writes a fitted sweep's ranked grid as a dataset, the refined result in its
// metadata ("refined", with the status), and registers it as compute does.
// A dataset needs ascending distinct frequencies: the spectrum is stored
// sorted, and a sweep that repeats a frequency is not saved (said on stderr).
void save_one(const sweep_job& job, const fit_args& a, std::optional<catalog::catalog>& cat) {
  if (!job.fitted.kept || !job.fitted.kept->result || !job.data) return;
  const auto& outcome = *job.fitted.kept;
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
    return;
  }
  const dataset::data_dir dir(a.data);
  reference.source = job.file;
  dataset::run_record run;
  run.options = outcome.result->grid_options;
  run.reference = &reference;
  run.result = &outcome.result->grid;
  run.frequency_spacing = "measured";
  run.file_name = name;
  run.description = "eisgrid fit of sweep " + std::to_string(job.sweep) + " of " + job.file;
  run.refined = compute::fit_json(*outcome.result, true);
  run.refined["status"] = to_string(outcome.verdict.status);
  run.refined["reasons"] = outcome.verdict.reasons;
  dataset::export_options opts;
  opts.replace = a.overwrite;
  const auto written = dataset::export_dataset(dir, run, opts);
  const auto& path = written.path;
  if (!cat) cat.emplace(catalog::catalog::open(dir.root(), a.db));
  try {
    const auto hash = compute::register_written(written, dataset::storage::user_generated, *cat, a.user);
    if (!a.quiet && !a.json) std::printf("saved %s (sha256 %s)\n", path.string().c_str(), catalog::short_hash(hash).c_str());
  } catch (const error& e) {
    throw error(e.kind(), "wrote '" + path.string() + "' but could not register it (eisgrid sync will): " + e.what());
  }
}

// What a batch fit writes, a sweep at a time in input order, so that nothing
// of a sweep is kept once its rows are out: memory does not grow with the
// number of sweeps (a plate read hourly for a month is tens of thousands).
class fit_outputs {
 public:
  fit_outputs(const fit_args& a, model_list models) : a_(a), models_(std::move(models)) {
    if (!a_.summary.empty()) {
      summary_file_.open(a_.summary);
      if (!summary_file_) throw error(error_kind::io, "cannot write '" + a_.summary + "'");
      summary_.emplace(summary_file_, a_.area.has_value(), compute::extra_summary_columns(models_), "'" + a_.summary + "'");
    }
    if (a_.json) {
      std::printf("{\n \"results\": [");
    } else if (!a_.quiet) {
      print_table_header(models_, a_.area);
    }
  }

  void write(const sweep_job& job) {
    if (summary_) {
      for (const auto& row : job.fitted.rows) summary_->write(compute::summary_row_of(row, job.file));
    }
    if (a_.save) save_one(job, a_, catalog_);
    if (a_.json) {
      for (const auto& row : job.fitted.rows) write_json(compute::fit_row_json(row, job.file));
    } else if (!a_.quiet) {
      print_table_rows(job, models_, a_.area);
    }
  }

  void finish() {
    if (summary_) summary_->finish();
    if (a_.json) {
      std::printf("%s]\n}\n", any_json_ ? "\n " : "");
    } else if (!a_.quiet && compute::compares(models_)) {
      std::printf("* the model the data prefer (lowest AIC)\n");
    }
  }

 private:
  // A row as it stands in {"results": [...]} printed with an indent of 1.
  void write_json(const nlohmann::ordered_json& row) {
    std::string text = "  " + row.dump(1);
    for (std::size_t at = 0; (at = text.find('\n', at)) != std::string::npos; at += 3) text.insert(at + 1, "  ");
    std::printf("%s\n%s", any_json_ ? "," : "", text.c_str());
    any_json_ = true;
  }

  const fit_args& a_;
  model_list models_;
  std::ofstream summary_file_;
  std::optional<compute::fit_summary_writer> summary_;
  std::optional<catalog::catalog> catalog_;
  bool any_json_ = false;
};

// Sweeps fitted in one batch: enough for every thread of every rank to stay
// busy, few enough that their ranked grids (tens of kB each) stay small.
constexpr std::size_t k_sweeps_per_batch = 512;

void run_fit(const fit_args& a) {
  // Sweeps fitted at once on each rank, each fit single-threaded: sweeps are many and small.
  const unsigned threads = a.threads ? a.threads : cluster::default_threads();
  // Ranks other than 0 get the sweeps from rank 0, which alone reads files (compute/distributed_fit.hpp).
  const model_list models = model::parse_models(a.models);
  const auto fit_each = [&](const compute::batch_spectrum& s, const fit::fit_options& o) {
    auto outcome = compute::fit_sweep(s, o, models, a.area);
    compute::fitted_sweep fitted{compute::fit_rows(outcome, s.sweep, s.start_time, o.metric, models, a.area), std::nullopt};
    // The fit with its ranked grid (tens of kB) is kept only for --save, which runs on one process.
    if (a.save) fitted.kept = std::move(outcome);
    return fitted;
  };
  if (!cluster::is_root()) {
    if (const int code = compute::follow_fit(threads, fit_each)) throw cluster::quiet_exit{code};
    return;
  }
  fit::fit_options options;
  std::optional<measured::format> forced;
  try {
    options = fit_options_of(a.grid, a.metric, a.rs, a.ranges, models);
    if (a.area && !(*a.area > 0 && std::isfinite(*a.area))) throw error(error_kind::usage, "--area must be a positive number of cm2");
    if (!a.format.empty()) {
      forced = measured::parse_format(a.format);
      if (!forced) throw error(error_kind::usage, "unknown format '" + a.format + "'");
    }
    // The ranked grid behind each fit stays on the rank that fitted it.
    if (a.save && cluster::distributed()) throw error(error_kind::usage, "--save runs on one process, not on MPI ranks");
  } catch (const error& e) {
    compute::send_failure(e);
    throw;
  }
  // Every rank waits for rank 0's next batch: whatever ends the series early must tell them.
  bool series_open = true;
  const auto end_series = [&](const error& e) {
    if (series_open) compute::send_failure(e);
    series_open = false;
  };
  try {
    fit_outputs outputs(a, models);
    // A file no reader accepts is one invalid_data row with the reader's
    // reason, after the others' rows, so that one bad file does not stop a plate's batch.
    std::vector<sweep_job> unreadable;
    std::vector<measured::measurement> files;
    std::size_t files_done = 0, sweeps_in_batch = 0;
    progress_bar bar(stderr, !a.quiet && !a.json, "files");
    const auto start = std::chrono::steady_clock::now();
    const auto fit_batch = [&] {
      std::vector<sweep_job> jobs;
      std::vector<compute::batch_spectrum> spectra;
      for (const auto& m : files) {
        for (std::size_t k = 0; k < m.sweeps.size(); ++k) {
          jobs.push_back({m.file, k, &m.sweeps[k], {}});
          spectra.push_back({m.sweeps[k].frequencies, m.sweeps[k].z, k, m.sweeps[k].start_time.value_or("")});
        }
      }
      // Progress in files, of which the total is known from the start.
      const auto report = [&](const sweep::sweep_progress& p) {
        const auto part = p.total ? files.size() * p.done / p.total : 0;
        bar.update({files_done + part, a.files.size(), std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()});
      };
      auto fits = compute::fit_on_ranks(options, std::move(spectra), threads, fit_each, report);
      for (std::size_t i = 0; i < jobs.size(); ++i) {
        jobs[i].fitted = std::move(fits[i]);
        outputs.write(jobs[i]);
      }
      files_done += files.size();
      files.clear();
      sweeps_in_batch = 0;
    };
    for (const auto& path : a.files) {
      try {
        files.push_back(measured::read_measurement(path, forced));
        sweeps_in_batch += files.back().sweeps.size();
      } catch (const error& e) {
        if (e.kind() == error_kind::usage) throw;
        sweep_job job{std::filesystem::path(path).filename().string(), 0, nullptr, {}};
        compute::batch_outcome none;
        none.verdict = {fit_status::invalid_data, {std::string("cannot read: ") + e.what()}};
        job.fitted.rows = compute::fit_rows(none, 0, "", options.metric, models, a.area);
        unreadable.push_back(std::move(job));
        ++files_done;
      }
      if (sweeps_in_batch >= k_sweeps_per_batch) fit_batch();
    }
    if (!files.empty()) fit_batch();
    compute::end_fit_on_ranks();
    series_open = false;
    bar.finish();
    for (const auto& job : unreadable) outputs.write(job);
    outputs.finish();
    // As spectra does: a batch script must see that a file was not fitted.
    if (!unreadable.empty()) {
      throw error(error_kind::invalid_input, std::to_string(unreadable.size()) + " of " + std::to_string(a.files.size()) +
                                                 " files could not be read (their rows say why)");
    }
  } catch (const error& e) {
    end_series(e);
    throw;
  } catch (const std::exception& e) {
    end_series(error(error_kind::internal, e.what()));
    throw;
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
                  "Range NAME=MIN:MAX[:COUNT] of any parameter of the models fitted (repeatable): Rs, Rsh, Ra, Ca, Rb, Cb "
                  "(the grid; defaults Rs 0.01-1e4, Rsh 10-1e7, Ra/Rb 1-1e6 ohm, Ca/Cb 1e-9-1e-3 F), or e.g. Qa, alpha_a "
                  "(bounds of the model's refinement; COUNT unused; alpha within 0.5-1)")
      ->allow_extra_args(false);  // one range per --range: the files may follow it
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
