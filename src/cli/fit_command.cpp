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
    for (auto& [key, value] : compute::fit_json(*job.result, false).items()) j[key] = value;
    return j;
  }
  j["metric"] = sweep::to_string(m);
  for (const char* key : {"resnorm", "grid_resnorm", "params", "ter", "tec", "tau1", "tau2", "stderr", "rsh_interval"}) j[key] = nullptr;
  return j;
}

std::string edges_of(const fit::fit_result& r) {
  std::string text;
  for (std::size_t k = 0; k < r.edges.size(); ++k) {
    if (r.edges[k] == fit::parameter_edge::none) continue;
    text += (text.empty() ? "" : " ") + std::string(fit::k_fit_param_names[k]) +
            (r.edges[k] == fit::parameter_edge::at_min ? " at min" : " at max");
  }
  return text;
}

std::string csv_field(const std::string& text) {
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csv_number(double v) {
  if (!std::isfinite(v)) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

void write_summary(const std::string& path, const std::vector<sweep_job>& jobs, sweep::metric m, std::optional<double> area) {
  std::ofstream out(path);
  if (!out) throw error(error_kind::io, "cannot write '" + path + "'");
  out << "file,sweep,start_time,status,reasons,metric,resnorm,grid_resnorm,Rs_ohm,Rs_se,TER_ohm,TER_se,TEC_F,TEC_se,tau1_s,tau1_se,"
         "tau2_s,tau2_se,Rsh_ohm,Ra_ohm,Ca_F,Rb_ohm,Cb_F,Rsh_min_ohm,Rsh_max_ohm,at_edge";
  if (area) out << ",area_cm2,TER_ohm_cm2,TER_ohm_cm2_se,TEC_uF_per_cm2,TEC_uF_per_cm2_se";
  out << "\n";
  for (const auto& job : jobs) {
    std::string reasons;
    for (const auto& r : job.verdict.reasons) reasons += (reasons.empty() ? "" : "; ") + r;
    out << csv_field(job.file) << ',' << job.sweep << ',' << csv_field(job.start_time.value_or("")) << ','
        << fit::to_string(job.verdict.status) << ',' << csv_field(reasons) << ',' << sweep::to_string(m);
    if (!job.result) {
      out << std::string(20, ',') << (area ? std::string(5, ',') : "") << "\n";
      continue;
    }
    const auto& r = *job.result;
    const auto& t = r.identified;
    for (double v :
         {r.resnorm, r.grid_resnorm, r.rs, r.errors.rs, t.ter, r.errors.ter, t.tec(), r.errors.tec, t.tau1, r.errors.tau1, t.tau2,
          r.errors.tau2, r.params.rsh, r.params.ra, r.params.ca, r.params.rb, r.params.cb, r.rsh_interval[0], r.rsh_interval[1]}) {
      out << ',' << csv_number(v);
    }
    out << ',' << csv_field(edges_of(r));
    if (area) {
      for (double v : {*area, t.ter * *area, r.errors.ter * *area, t.tec() / *area * k_farad_to_microfarad,
                       r.errors.tec / *area * k_farad_to_microfarad}) {
        out << ',' << csv_number(v);
      }
    }
    out << "\n";
  }
  if (!out.flush()) throw error(error_kind::io, "cannot write '" + path + "'");
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
      if (const auto edges = edges_of(*job.result); !edges.empty()) std::printf("    at the edge of its range: %s\n", edges.c_str());
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
