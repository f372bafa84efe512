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
#include "fit/status.hpp"
#include "measured/quality.hpp"
#include "measured/read.hpp"

namespace eisgrid::cli {
namespace {

constexpr double k_farad_to_microfarad = 1e6;

struct fit_args {
  std::vector<std::string> files;
  std::size_t grid = fit::k_default_fit_grid;
  std::string metric = "modulus";
  std::string rs = "free";
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
  fit::fit_verdict verdict;
  std::optional<fit::fit_result> result;
};

fit::fit_options options_of(const fit_args& a) {
  auto o = fit::fit_options::measured(a.grid);
  const auto metric = sweep::parse_metric(a.metric);
  if (!metric) throw error(error_kind::usage, "unknown metric '" + a.metric + "' (expected mae, rmse, relative or modulus)");
  o.metric = *metric;
  for (const auto& text : a.ranges) {
    if (auto rs = parse_rs_range(text, o.grid)) o.rs = *rs;
  }
  if (a.rs != "free") {
    const auto v = parse_circuit("Rsh=" + a.rs, model::k_default_reference).rsh;
    o.fixed_rs = v;
  }
  return o;
}

compute::batch_outcome fit_one(const compute::batch_spectrum& s, const fit::fit_options& options) {
  const auto quality = measured::assess(s.frequencies, s.z);
  fit::data_quality q{quality.plausible, quality.kk_passed, quality.warnings};
  compute::batch_outcome out;
  try {
    out.result = fit::fit_spectrum(s.frequencies, s.z, options);
    out.verdict = fit::judge(q, s.frequencies, out.result->relative_residuals);
  } catch (const error& e) {
    out.verdict.status = fit::fit_status::invalid_data;
    out.verdict.reasons = q.reasons;
    out.verdict.reasons.emplace_back(std::string("cannot fit: ") + e.what());
  }
  return out;
}

nlohmann::ordered_json json_of(const sweep_job& job, sweep::metric m) {
  nlohmann::ordered_json j{
      {"file", job.file}, {"sweep", job.sweep}, {"status", fit::to_string(job.verdict.status)}, {"reasons", job.verdict.reasons}};
  if (job.result) {
    const auto fitted = compute::fit_json(*job.result, false);  // named: items() of a temporary would dangle
    for (const auto& [key, value] : fitted.items()) j[key] = value;
    return j;
  }
  j["metric"] = sweep::to_string(m);
  for (const char* key : {"resnorm", "grid_resnorm", "params", "ter", "tec", "tau1", "tau2", "stderr", "rsh_interval"}) j[key] = nullptr;
  return j;
}

void write_summary(const std::string& path, const std::vector<sweep_job>& jobs, sweep::metric m, std::optional<double> area) {
  std::vector<compute::fit_summary_row> rows;
  for (const auto& job : jobs) {
    compute::fit_summary_row row{job.file,
                                 job.sweep,
                                 job.start_time.value_or(""),
                                 std::string(fit::to_string(job.verdict.status)),
                                 job.verdict.reasons,
                                 std::string(sweep::to_string(m)),
                                 std::nullopt,
                                 "",
                                 area};
    if (job.result) {
      row.values = compute::summary_values(*job.result);
      row.at_edge = compute::edges_text(*job.result);
    }
    rows.push_back(std::move(row));
  }
  std::ofstream out(path);
  if (!out) throw error(error_kind::io, "cannot write '" + path + "'");
  compute::write_fit_summary(out, rows, area.has_value(), "'" + path + "'");
}

void print_table(const std::vector<sweep_job>& jobs, std::optional<double> area) {
  std::printf("%-40s %5s %-12s %10s %10s %8s %10s %10s %9s%s\n", "file", "sweep", "status", "TER[ohm]", "TEC[uF]", "Rs[ohm]", "tau1[ms]",
              "tau2[ms]", "resnorm", area ? "  TER[ohm.cm2]  TEC[uF/cm2]" : "");
  for (const auto& job : jobs) {
    std::string name = job.file.size() > 40 ? job.file.substr(0, 37) + "..." : job.file;
    std::printf("%-40s %5zu %-12s", name.c_str(), job.sweep, std::string(fit::to_string(job.verdict.status)).c_str());
    if (job.result) {
      const auto& t = job.result->identified;
      std::printf(" %10.2f %10.4f %8.2f %10.4f %10.4f %9.5f", t.ter, t.tec() * k_farad_to_microfarad, t.rs, t.tau1 * 1e3, t.tau2 * 1e3,
                  job.result->resnorm);
      if (area) std::printf("  %12.1f  %11.4f", t.ter * *area, t.tec() / *area * k_farad_to_microfarad);
    }
    std::printf("\n");
    for (const auto& reason : job.verdict.reasons) std::printf("    %s\n", reason.c_str());
    if (job.result) {
      if (const auto edges = compute::edges_text(*job.result); !edges.empty())
        std::printf("    at the edge of its range: %s\n", edges.c_str());
    }
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

// Writes each fitted sweep's ranked grid as a dataset, the refined result in
// its metadata ("refined", with the status), and registers it as compute does.
// A dataset needs ascending distinct frequencies: the spectrum is stored
// sorted, and a sweep that repeats a frequency is not saved (said on stderr).
void save_all(const std::vector<sweep_job>& jobs, const fit_args& a) {
  const dataset::data_dir dir(a.data);
  std::optional<catalog::catalog> cat;
  for (const auto& job : jobs) {
    if (!job.result || !job.data) continue;
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
    run.options = job.result->grid_options;
    run.reference = &reference;
    run.result = &job.result->grid;
    run.frequency_spacing = "measured";
    run.file_name = name;
    run.description = "eisgrid fit of sweep " + std::to_string(job.sweep) + " of " + job.file;
    run.refined = compute::fit_json(*job.result, true);
    run.refined["status"] = fit::to_string(job.verdict.status);
    run.refined["reasons"] = job.verdict.reasons;
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
  if (!cluster::is_root()) {
    if (const int code = compute::follow_fit(threads, fit_one)) throw cluster::quiet_exit{code};
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
    options = options_of(a);
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
        sweep_job job{std::filesystem::path(path).filename().string(), 0, std::nullopt, nullptr, {}, {}};
        job.verdict = {fit::fit_status::invalid_data, {std::string("cannot read: ") + e.what()}};
        unreadable.push_back(std::move(job));
      }
    }
  } catch (const error& e) {
    compute::send_failure(e);
    throw;
  }
  for (const auto& m : files) {
    for (std::size_t k = 0; k < m.sweeps.size(); ++k) {
      jobs.push_back({m.file, k, m.sweeps[k].start_time, &m.sweeps[k], {}, {}});
      spectra.push_back({m.sweeps[k].frequencies, m.sweeps[k].z});
    }
  }
  progress_bar bar(stderr, !a.quiet && !a.json, "sweeps");
  auto outcomes =
      compute::fit_on_ranks(options, std::move(spectra), threads, fit_one, [&](const sweep::sweep_progress& p) { bar.update(p); });
  bar.finish();
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    jobs[i].verdict = std::move(outcomes[i].verdict);
    jobs[i].result = std::move(outcomes[i].result);
  }
  jobs.insert(jobs.end(), std::make_move_iterator(unreadable.begin()), std::make_move_iterator(unreadable.end()));

  if (!a.summary.empty()) write_summary(a.summary, jobs, options.metric, a.area);
  if (a.save) save_all(jobs, a);
  if (a.json) {
    nlohmann::ordered_json results = nlohmann::ordered_json::array();
    for (const auto& job : jobs) results.push_back(json_of(job, options.metric));
    std::printf("%s\n", nlohmann::ordered_json{{"results", results}}.dump(1).c_str());
  } else if (!a.quiet) {
    print_table(jobs, a.area);
  }
}

}  // namespace

void add_fit_command(CLI::App& app) {
  auto args = std::make_shared<fit_args>();
  auto* cmd = app.add_subcommand("fit", "Fit every sweep of measurement files: Rs, TER, TEC, tau1, tau2 with standard errors (SPEC 10)");
  cmd->add_option("files", args->files, "Measurement files (NOVA, Gamry, BioLogic, CSV, ...)")
      ->required()
      ->check(on_root_only(CLI::ExistingFile));
  cmd->add_option("--grid", args->grid, "Grid points per parameter axis before refinement")
      ->capture_default_str()
      ->check(CLI::Range(2, 60));
  cmd->add_option("--metric", args->metric, "Residual norm: modulus, mae, rmse or relative (see README)")
      ->capture_default_str()
      ->check(CLI::IsMember({"mae", "rmse", "relative", "modulus"}));
  cmd->add_option("--rs", args->rs, "Series resistance: 'free' (fitted) or a fixed value in ohm")->capture_default_str();
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
