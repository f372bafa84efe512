// eisgrid compute: run a sweep and write it as a dataset.
#include <cstdio>
#include <optional>

#include "base/atomic_file.hpp"
#include "base/error.hpp"
#include "catalog/records.hpp"
#include "cli/commands.hpp"
#include "cli/data_root.hpp"
#include "cli/options.hpp"
#include "cli/progress_bar.hpp"
#include "cli/report.hpp"
#include "cluster/world.hpp"
#include "compute/distributed_sweep.hpp"
#include "compute/run.hpp"
#include "dataset/dataset.hpp"
#include "measured/measurement.hpp"
#include "model/models.hpp"

namespace eisgrid::cli {
namespace {

struct compute_args {
  compute_texts request;
  std::string data;  // see data_root.hpp
  bool quiet = false;
  std::size_t top = 5;
  std::string db;
};

void run_compute(const compute_args& a) {
  // Ranks other than 0 get the resolved run from rank 0 (compute/distributed_sweep.hpp).
  if (!cluster::is_root()) {
    if (const int code = compute::follow_compute()) throw cluster::quiet_exit{code};
    return;
  }
  const auto request = compute_request_of(a.request);
  // Bad options fail before anything is created, and the memory the run will
  // take is said before it starts (and refused when it is not there).
  // Failures here reach the other ranks too, so that every rank ends.
  std::optional<compute::compute_plan> plan;
  try {
    plan.emplace(compute::resolve(request));
    const auto memory = compute::plan_memory(*plan);
    if (!a.quiet) {
      std::fprintf(stderr, "eisgrid: keeping %llu rows takes about %.2f GB of memory", static_cast<unsigned long long>(memory.kept_rows),
                   static_cast<double>(memory.needed_bytes) / 1e9);
      if (memory.available_bytes) std::fprintf(stderr, " (%.1f GB available)", static_cast<double>(*memory.available_bytes) / 1e9);
      std::fprintf(stderr, "\n");
    }
    compute::check_memory(memory);
  } catch (const error& e) {
    compute::send_failure(e);
    throw;
  }
  const dataset::data_dir dir(data_root(a.data, root_use::read_write));
  if (const auto removed = remove_stale_temp_files(dir.temp()); removed > 0 && !a.quiet) {
    std::fprintf(stderr, "eisgrid: removed %zu partial files of interrupted runs from npz/temp/\n", removed);
  }
  std::optional<catalog::catalog> cat;
  const compute::catalog_source catalog_of = [&]() -> catalog::catalog& {
    if (!cat) cat.emplace(catalog::catalog::open(dir.root(), a.db));
    return *cat;
  };
  progress_bar bar(stderr, !a.quiet, "points");
  const auto result = compute::run(request, *plan, dir, catalog_of, [&](const sweep::sweep_progress& p) { bar.update(p); });
  bar.finish();
  if (!a.quiet) {
    for (const auto& note : result.notes) std::fprintf(stderr, "eisgrid: note: %s\n", note.c_str());
    const std::string owner = result.owner.empty() ? "as a public dataset" : "for user '" + result.owner + "'";
    std::printf("registered in the catalog %s (sha256 %s)\n", owner.c_str(), catalog::short_hash(result.file_hash).c_str());
    const double rate =
        static_cast<double>(result.total_points) * static_cast<double>(result.frequencies) / std::max(result.elapsed_seconds, 1e-9);
    std::printf("swept %llu grid points x %zu frequencies in %.3f s (%s point-frequencies/s)\n",
                static_cast<unsigned long long>(result.total_points), result.frequencies, result.elapsed_seconds,
                progress_bar::format_rate(rate).c_str());
    print_summary(stdout, dataset::dataset::load(result.path, dataset::load_depth::without_spectra), a.top);
  }
}

}  // namespace

void add_compute_command(CLI::App& app) {
  auto args = std::make_shared<compute_args>();
  auto* cmd = app.add_subcommand("compute", "Sweep a parameter grid against a reference and write a ranked dataset");
  cmd->add_option("--grid", args->request.grid, "Points per parameter axis (rc: g^5 points; cpe: g^7)")
      ->capture_default_str()
      ->check(CLI::Range(2, 100000));
  cmd->add_option("--model", args->request.model, "Circuit model to sweep: rc (default) or cpe (SPEC 12)")->capture_default_str();
  cmd->add_option("--range", args->request.ranges,
                  "Per-axis range NAME=MIN:MAX[:COUNT], e.g. Ca=1e-7:5e-5:8, alpha_a=0.6:1:5 (cpe) or Rs=5:50:6 (repeatable); with "
                  "--reference, axes not given take the ranges of 'eisgrid fit'")
      ->allow_extra_args(false);
  cmd->add_option("--rs", args->request.rs, "Series resistance: a value in ohm, or 'free' (default 0; free with --reference)");
  cmd->add_option("--fmin", args->request.fmin, "Lowest frequency [Hz] (default 0.1)");
  cmd->add_option("--fmax", args->request.fmax, "Highest frequency [Hz] (default 100000)");
  cmd->add_option("--points", args->request.points, "Number of frequencies (default 100)");
  cmd->add_option("--spacing", args->request.spacing, "Frequency spacing")->check(CLI::IsMember({"log", "linear"}));
  std::vector<std::string> presets;
  for (const auto& p : model::frequency_presets()) presets.emplace_back(p.name);
  cmd->add_option("--preset", args->request.preset, "Frequency preset; --fmin/--fmax/--points/--spacing override it")
      ->check(CLI::IsMember(presets));
  cmd->add_option("--ref", args->request.ref, "Reference parameters, e.g. Rsh=5005,Ra=5005,Ca=25.05e-6,Rb=5005,Cb=25.05e-6 (default)");
  cmd->add_option("--reference", args->request.reference,
                  "Measured reference: FILE or FILE:SWEEP (sweep K from 0; the first by default) in any format 'eisgrid spectra' reads");
  cmd->add_option("--format", args->request.format, "Format of the --reference file instead of detecting it");
  cmd->add_option("--metric", args->request.metric,
                  "Residual norm: mae, rmse, relative or modulus (see README); default mae, modulus with --reference")
      ->check(CLI::IsMember({"mae", "rmse", "relative", "modulus"}));
  cmd->add_option("--keep", args->request.keep, "Keep the best K rows, or 'all'")->capture_default_str();
  cmd->add_option("--spectra", args->request.spectra,
                  "Store spectra for the best M rows (0 for none), or 'all' (default: all kept rows up to 100000)");
  cmd->add_flag("--store", args->request.store, "Write uncompressed (numpy.savez) instead of deflate (numpy.savez_compressed)");
  add_data_option(*cmd, args->data);
  cmd->add_option("--output", args->request.output, "File name under npz/user_generated/ (letters, digits, . _ -, ending .npz)");
  cmd->add_option("--into", args->request.into, "Directory under npz/")
      ->capture_default_str()
      ->check(CLI::IsMember({"user_generated", "precomputed"}));
  cmd->add_option("--description", args->request.description, "A description stored in the metadata");
  cmd->add_flag("--overwrite", args->request.overwrite, "Replace an existing file of the same name");
  cmd->add_option("--threads", args->request.threads, "Worker threads (default: all cores)");
  cmd->add_option("--top", args->top, "Rows to print when done")->capture_default_str();
  cmd->add_option("--user", args->request.user, "Owner of the result in the catalog (created on first use)")->capture_default_str();
  cmd->add_option("--db", args->db, "Catalog: a postgresql:// URL, or a SQLite file (default: DATA/catalog.sqlite3)");
  cmd->add_flag("-q,--quiet", args->quiet, "Print nothing but errors");
  cmd->callback([args] { run_compute(*args); });
}

}  // namespace eisgrid::cli
