// eisgrid fit: fit every sweep of every measurement file (SPEC 10), as labs
// measure: plates of inserts, day after day. One row per sweep on stdout, as a
// CSV summary, or as JSON for scripts.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

#include "base/error.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/progress_bar.hpp"
#include "compute/fit_report.hpp"
#include "fit/fit.hpp"
#include "fit/status.hpp"
#include "measured/quality.hpp"
#include "measured/read.hpp"

namespace eisgrid::cli {
namespace {

constexpr auto k_progress_interval = std::chrono::milliseconds(100);
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
};

// One sweep to fit, and what came of it.
struct sweep_job {
  std::string file;
  std::size_t sweep = 0;
  std::optional<std::string> start_time;
  const measured::sweep* data = nullptr;
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

void fit_one(sweep_job& job, const fit::fit_options& options) {
  const auto& s = *job.data;
  const auto quality = measured::assess(s.frequencies, s.z);
  fit::data_quality q{quality.plausible, quality.kk_passed, quality.warnings};
  try {
    job.result = fit::fit_spectrum(s.frequencies, s.z, options);
    job.verdict = fit::judge(q, s.frequencies, job.result->relative_residuals);
  } catch (const error& e) {
    job.verdict.status = fit::fit_status::invalid_data;
    job.verdict.reasons = q.reasons;
    job.verdict.reasons.emplace_back(std::string("cannot fit: ") + e.what());
  }
}

// Fits every job on `threads` workers (each fit single-threaded: sweeps are
// many and small), drawing progress over sweeps on this thread.
void fit_all(std::vector<sweep_job>& jobs, const fit::fit_options& options, unsigned threads, progress_bar& bar) {
  std::atomic<std::size_t> next{0}, done{0};
  std::mutex mutex;
  std::condition_variable finished_cv;
  unsigned finished = 0;
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::jthread> workers;
  for (unsigned t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (std::size_t i; (i = next.fetch_add(1)) < jobs.size();) {
        fit_one(jobs[i], options);
        done.fetch_add(1);
      }
      std::lock_guard lock(mutex);
      ++finished;
      finished_cv.notify_all();
    });
  }
  std::unique_lock lock(mutex);
  while (!finished_cv.wait_for(lock, k_progress_interval, [&] { return finished == threads; })) {
    bar.update({done.load(), jobs.size(), std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()});
  }
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

void run_fit(const fit_args& a) {
  const auto options = options_of(a);
  if (a.area && !(*a.area > 0 && std::isfinite(*a.area))) throw error(error_kind::usage, "--area must be a positive number of cm2");
  std::optional<measured::format> forced;
  if (!a.format.empty()) {
    forced = measured::parse_format(a.format);
    if (!forced) throw error(error_kind::usage, "unknown format '" + a.format + "'");
  }
  std::vector<measured::measurement> files;
  for (const auto& path : a.files) files.push_back(measured::read_measurement(path, forced));
  std::vector<sweep_job> jobs;
  for (const auto& m : files) {
    for (std::size_t k = 0; k < m.sweeps.size(); ++k) jobs.push_back({m.file, k, m.sweeps[k].start_time, &m.sweeps[k], {}, {}});
  }
  const unsigned threads = std::max(1u, std::min<unsigned>(a.threads ? a.threads : std::thread::hardware_concurrency(),
                                                           static_cast<unsigned>(std::max<std::size_t>(1, jobs.size()))));
  progress_bar bar(stderr, !a.quiet && !a.json, "sweeps");
  fit_all(jobs, options, threads, bar);
  bar.finish();

  if (!a.summary.empty()) write_summary(a.summary, jobs, options.metric, a.area);
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
  cmd->add_option("files", args->files, "Measurement files (NOVA, Gamry, BioLogic, CSV, ...)")->required()->check(CLI::ExistingFile);
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
  cmd->add_flag("-q,--quiet", args->quiet, "Print nothing but errors (with --summary)");
  cmd->callback([args] { run_fit(*args); });
}

}  // namespace eisgrid::cli
