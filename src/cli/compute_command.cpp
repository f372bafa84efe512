// eisgrid compute: run a sweep and write it as a dataset.
#include <sys/sysinfo.h>
#include <unistd.h>

#include <cstdio>
#include <optional>

#include "base/error.hpp"
#include "catalog/sha256.hpp"
#include "catalog/sync.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/progress_bar.hpp"
#include "cli/report.hpp"
#include "dataset/export.hpp"
#include "dataset/naming.hpp"
#include "sweep/engine.hpp"

namespace eisgrid::cli {
namespace {

// Rows with a stored spectrum unless --spectra says otherwise: enough for any
// plot, while a large keep-all sweep does not write gigabytes of spectra.
constexpr std::uint64_t k_default_spectra_rows = 100000;
// Fraction of physical memory a keep-all sweep may plan to use.
constexpr double k_memory_fraction = 0.8;

struct compute_args {
  std::size_t grid = 5;
  std::vector<std::string> ranges;
  std::optional<double> fmin, fmax;
  std::optional<std::size_t> points;
  std::string spacing;
  std::string preset;
  std::string ref;
  std::string reference_csv;
  std::string metric = "mae";
  std::string keep = "all";
  std::string spectra;
  bool store = false;
  std::string data = "data";
  std::string output;
  std::string into = "user_generated";
  std::string description;
  bool overwrite = false;
  unsigned threads = 0;
  bool quiet = false;
  std::size_t top = 5;
  std::string user = catalog::k_local_user;
  std::string db;
};

// Registers the new file in the catalog, owned by the user who ran it.
void register_result(const compute_args& a, const dataset::data_dir& dir, const std::filesystem::path& path, dataset::storage location) {
  const auto described = catalog::describe_file({path, location});
  if (!described.valid) throw error(error_kind::internal, "the new dataset does not validate: " + described.reason);
  auto cat = catalog::catalog::open(dir.root(), a.db);
  const auto owner = cat.ensure_user(a.user);
  // The file is this user's now, whoever a concurrent sync registered it for.
  cat.register_file(described.input, owner.id, true);
  if (!a.quiet) {
    std::printf("registered in the catalog for user '%s' (sha256 %s)\n", owner.name.c_str(),
                catalog::short_hash(described.input.file_hash).c_str());
  }
}

model::frequency_spec frequency_spec_of(const compute_args& a) {
  model::frequency_spec spec;
  if (!a.preset.empty()) {
    const auto preset = model::find_frequency_preset(a.preset);
    if (!preset) {
      std::string names;
      for (const auto& p : model::frequency_presets()) names += (names.empty() ? "" : ", ") + std::string(p.name);
      throw error(error_kind::usage, "unknown preset '" + a.preset + "' (known: " + names + ")");
    }
    spec = *preset;
  }
  if (a.fmin) spec.fmin = *a.fmin;
  if (a.fmax) spec.fmax = *a.fmax;
  if (a.points) spec.points = *a.points;
  if (!a.spacing.empty()) spec.spacing = *model::parse_spacing(a.spacing);
  spec.validate();
  return spec;
}

void check_memory(std::uint64_t rows) {
  struct sysinfo info {};
  if (::sysinfo(&info) != 0) return;
  const double available = static_cast<double>(info.totalram) * info.mem_unit * k_memory_fraction;
  const double needed = static_cast<double>(rows) * static_cast<double>(sweep::k_bytes_per_ranked_row * 2 + dataset::export_memory_bytes(1));
  if (needed > available) {
    char msg[256];
    std::snprintf(msg, sizeof msg, "keeping all %llu rows needs about %.1f GB of memory, more than this machine offers; use --keep",
                  static_cast<unsigned long long>(rows), needed / 1e9);
    throw error(error_kind::too_large, msg);
  }
}

void run_compute(const compute_args& a) {
  if (const auto problem = catalog::user_name_problem(a.user); !problem.empty()) throw error(error_kind::usage, "--user: " + problem);
  sweep::sweep_options options;
  options.grid = model::grid_spec::defaults(a.grid);
  for (const auto& r : a.ranges) apply_range(r, options.grid);
  options.grid.validate();
  options.metric = *sweep::parse_metric(a.metric);
  options.threads = a.threads;
  if (const std::uint64_t keep = parse_count_or_all(a.keep, "--keep")) options.keep = keep;

  sweep::reference_spectrum reference;
  std::string spacing;
  if (!a.reference_csv.empty()) {
    if (!a.ref.empty()) throw error(error_kind::usage, "--ref and --reference exclude each other");
    if (a.fmin || a.fmax || a.points || !a.preset.empty() || !a.spacing.empty()) {
      throw error(error_kind::usage, "the frequencies come from the --reference file; drop --fmin/--fmax/--points/--preset/--spacing");
    }
    reference = sweep::read_reference_csv(a.reference_csv);
    spacing = "measured";
  } else {
    const auto freq = frequency_spec_of(a);
    reference = sweep::model_reference(parse_circuit(a.ref, model::k_default_reference), model::frequencies(freq));
    spacing = model::to_string(freq.spacing);
  }

  const model::parameter_grid grid(options.grid);
  const std::uint64_t kept = options.keep ? std::min(*options.keep, grid.size()) : grid.size();
  if (!options.keep) check_memory(grid.size());
  dataset::run_record run;
  run.location = *dataset::parse_storage(a.into);
  run.file_name = a.output.empty() ? dataset::default_file_name(options.grid, reference.frequencies.front(), reference.frequencies.back())
                                   : a.output;
  dataset::check_file_name(run.file_name);
  const dataset::data_dir dir(a.data);
  const auto final_path = dir.directory(run.location) / run.file_name;
  if (!a.overwrite && std::filesystem::exists(final_path)) {
    throw error(error_kind::conflict, "'" + final_path.string() + "' already exists; choose another --output or pass --overwrite");
  }

  progress_bar bar(stderr, !a.quiet, "points");
  const auto result = sweep::run_sweep(options, reference, [&](const sweep::sweep_progress& p) { bar.update(p); });
  bar.finish();

  dataset::export_options export_opts;
  if (a.spectra.empty()) {
    export_opts.spectra = std::min(kept, k_default_spectra_rows);
  } else if (a.spectra != "all") {
    export_opts.spectra = a.spectra == "0" ? 0 : parse_count_or_all(a.spectra, "--spectra");
  }
  export_opts.npz.method = a.store ? npz::compression::stored : npz::compression::deflate;
  export_opts.npz.threads = a.threads;
  export_opts.replace = a.overwrite;
  run.options = options;
  run.reference = &reference;
  run.result = &result;
  run.frequency_spacing = spacing;
  run.description = a.description;
  const auto path = dataset::export_dataset(dir, run, export_opts);
  try {
    register_result(a, dir, path, run.location);
  } catch (const error& e) {
    throw error(e.kind(), "wrote '" + path.string() + "' but could not register it (eisgrid sync will): " + e.what());
  }
  if (!a.quiet) {
    const double rate = static_cast<double>(result.total_points) * static_cast<double>(reference.frequencies.size()) /
                        std::max(result.elapsed_seconds, 1e-9);
    std::printf("swept %llu grid points x %zu frequencies in %.3f s (%s point-frequencies/s)\n",
                static_cast<unsigned long long>(result.total_points), reference.frequencies.size(), result.elapsed_seconds,
                progress_bar::format_rate(rate).c_str());
    print_summary(stdout, dataset::dataset::load(path), a.top);
  }
}

}  // namespace

void add_compute_command(CLI::App& app) {
  auto args = std::make_shared<compute_args>();
  auto* cmd = app.add_subcommand("compute", "Sweep a parameter grid against a reference and write a ranked dataset");
  cmd->add_option("--grid", args->grid, "Points per parameter axis (grid has g^5 points)")->capture_default_str()->check(CLI::Range(2, 100000));
  cmd->add_option("--range", args->ranges, "Per-axis range NAME=MIN:MAX[:COUNT], e.g. Ca=1e-7:5e-5:8 (repeatable)");
  cmd->add_option("--fmin", args->fmin, "Lowest frequency [Hz] (default 0.1)");
  cmd->add_option("--fmax", args->fmax, "Highest frequency [Hz] (default 100000)");
  cmd->add_option("--points", args->points, "Number of frequencies (default 100)");
  cmd->add_option("--spacing", args->spacing, "Frequency spacing")->check(CLI::IsMember({"log", "linear"}));
  std::vector<std::string> presets;
  for (const auto& p : model::frequency_presets()) presets.emplace_back(p.name);
  cmd->add_option("--preset", args->preset, "Frequency preset; --fmin/--fmax/--points/--spacing override it")->check(CLI::IsMember(presets));
  cmd->add_option("--ref", args->ref, "Reference parameters, e.g. Rsh=5005,Ra=5005,Ca=25.05e-6,Rb=5005,Cb=25.05e-6 (default)");
  cmd->add_option("--reference", args->reference_csv, "Measured reference spectrum: CSV of frequency,real,imaginary")->check(CLI::ExistingFile);
  cmd->add_option("--metric", args->metric, "Residual norm: mae, rmse or relative (see README)")->capture_default_str()->check(CLI::IsMember({"mae", "rmse", "relative"}));
  cmd->add_option("--keep", args->keep, "Keep the best K rows, or 'all'")->capture_default_str();
  cmd->add_option("--spectra", args->spectra, "Store spectra for the best M rows (0 for none), or 'all' (default: all kept rows up to 100000)");
  cmd->add_flag("--store", args->store, "Write uncompressed (numpy.savez) instead of deflate (numpy.savez_compressed)");
  cmd->add_option("--data", args->data, "Data root directory")->capture_default_str();
  cmd->add_option("--output", args->output, "File name under npz/user_generated/ (letters, digits, . _ -, ending .npz)");
  cmd->add_option("--into", args->into, "Directory under npz/")->capture_default_str()->check(CLI::IsMember({"user_generated", "precomputed"}));
  cmd->add_option("--description", args->description, "A description stored in the metadata");
  cmd->add_flag("--overwrite", args->overwrite, "Replace an existing file of the same name");
  cmd->add_option("--threads", args->threads, "Worker threads (default: all cores)");
  cmd->add_option("--top", args->top, "Rows to print when done")->capture_default_str();
  cmd->add_option("--user", args->user, "Owner of the result in the catalog (created on first use)")->capture_default_str();
  cmd->add_option("--db", args->db, "Catalog: a postgresql:// URL, or a SQLite file (default: DATA/catalog.sqlite3)");
  cmd->add_flag("-q,--quiet", args->quiet, "Print nothing but errors");
  cmd->callback([args] { run_compute(*args); });
}

}  // namespace eisgrid::cli
