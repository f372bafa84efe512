#include "compute/run.hpp"

#include <cstdio>

#include "base/error.hpp"
#include "base/system_memory.hpp"
#include "cluster/world.hpp"
#include "compute/distributed_sweep.hpp"
#include "compute/refine_reference.hpp"
#include "compute/sync.hpp"
#include "dataset/export.hpp"

namespace eisgrid::compute {
namespace {

// Registers the new file for its owner: as that user under row-level security
// when the request carries an owner id (the server), else by the operator for
// the named user (the command line), claiming the file from any concurrent sync.
// A file written into precomputed/ is shipped data: public, with no owner, as
// sync registers it. Returns the owner's name, empty for none.
std::string register_result(const compute_request& r, catalog::catalog& cat, const catalog::dataset_input& in) {
  if (r.owner_id) {
    cat.register_dataset(catalog::principal::user(*r.owner_id), in, *r.owner_id);
    return r.user;
  }
  if (r.into == dataset::storage::precomputed) {
    cat.register_file(in, std::nullopt, true);
    return {};
  }
  const auto owner = cat.ensure_user(r.user);
  cat.register_file(in, owner.id, true);
  return owner.name;
}

}  // namespace

std::string register_written(const dataset::exported_dataset& written, dataset::storage where, catalog::catalog& cat,
                             const std::string& user) {
  const auto described = describe_written(written, where);
  if (!described.valid) throw error(error_kind::internal, "the new dataset does not validate: " + described.reason);
  cat.register_file(described.input, cat.ensure_user(user).id, true);
  return described.input.file_hash;
}

memory_plan plan_memory(const compute_plan& plan) {
  memory_plan m;
  m.kept_rows = plan.kept_rows;
  // Ranking holds two copies of each kept row (candidates and the merged
  // ranking); the export holds its float32 arrays beside them.
  m.needed_bytes =
      plan.kept_rows * (sweep::k_bytes_per_ranked_row * 2) + dataset::export_memory_bytes(plan.kept_rows, plan.options.grid.axes.size());
  m.available_bytes = available_memory_bytes();
  return m;
}

void check_memory(const memory_plan& m) {
  if (!m.available_bytes || m.needed_bytes <= *m.available_bytes) return;
  char msg[256];
  std::snprintf(msg, sizeof msg, "keeping %llu rows needs about %.1f GB of memory, and %.1f GB is available; keep fewer rows (--keep K)",
                static_cast<unsigned long long>(m.kept_rows), static_cast<double>(m.needed_bytes) / 1e9,
                static_cast<double>(*m.available_bytes) / 1e9);
  throw error(error_kind::too_large, msg);
}

compute_result run(const compute_request& request, const dataset::data_dir& dir, const catalog_source& catalog_of,
                   const sweep::progress_callback& progress, const std::atomic<bool>* cancel) {
  compute_plan plan;
  try {
    plan = resolve(request);
  } catch (const error& e) {
    send_failure(e);
    throw;
  }
  return run(request, plan, dir, catalog_of, progress, cancel);
}

compute_result run(const compute_request& request, const compute_plan& plan, const dataset::data_dir& dir, const catalog_source& catalog_of,
                   const sweep::progress_callback& progress, const std::atomic<bool>* cancel) {
  std::filesystem::path final_path;
  try {
    check_memory(plan_memory(plan));
    final_path = dir.directory(request.into) / plan.file_name;
    if (!request.overwrite && std::filesystem::exists(final_path)) {
      throw error(error_kind::conflict, "'" + (request.owner_id ? plan.file_name : final_path.string()) +
                                            "' already exists; choose another output name" +
                                            (request.owner_id ? "" : " or pass --overwrite"));
    }
  } catch (const error& e) {
    send_failure(e);
    throw;
  }
  send_plan(plan);

  const auto swept = *sweep_on_ranks(plan.options, plan.reference, progress, cancel);
  if (cancel && cancel->load()) throw error(error_kind::cancelled, "cancelled");

  std::vector<std::string> notes = plan.notes;
  dataset::run_record run;
  run.location = request.into;
  run.file_name = plan.file_name;
  run.options = plan.options;
  run.reference = &plan.reference;
  run.result = &swept;
  run.frequency_spacing = plan.frequency_spacing;
  run.description = request.description;
  run.ranks = static_cast<unsigned>(cluster::size());
  if (plan.refine) {
    // The grid's best rows refined (SPEC 10): recorded in the metadata as "refined", beside the ranked grid.
    const auto refined = refine_reference(plan, swept);
    run.refined = refined_json(refined);
    notes.insert(notes.end(), refined.warnings.begin(), refined.warnings.end());
  }
  dataset::export_options export_opts;
  export_opts.spectra = plan.spectra_rows;
  export_opts.npz.method = request.store ? npz::compression::stored : npz::compression::deflate;
  export_opts.npz.threads = request.threads;
  export_opts.replace = request.overwrite;
  const auto written = dataset::export_dataset(dir, run, export_opts);
  const auto& path = written.path;
  if (cluster::distributed()) {
    // Read by rank 0's handler if the launcher stops the job from here on.
    static std::string stopped_after_writing;
    stopped_after_writing = "eisgrid: the MPI launcher stopped this run after it wrote '" + path.string() +
                            "', perhaps before registering it (eisgrid sync will)";
    cluster::set_stop_message(stopped_after_writing.c_str());
  }

  compute_result result;
  result.path = path;
  result.filename = plan.file_name;
  result.location = request.into;
  result.total_points = swept.total_points;
  result.frequencies = plan.reference.frequencies.size();
  result.notes = std::move(notes);
  result.elapsed_seconds = swept.elapsed_seconds;
  try {
    const auto described = describe_written(written, request.into);
    if (!described.valid) throw error(error_kind::internal, "the new dataset does not validate: " + described.reason);
    result.file_hash = described.input.file_hash;
    result.owner = register_result(request, catalog_of(), described.input);
  } catch (const error& e) {
    throw error(e.kind(), "wrote '" + (request.owner_id ? plan.file_name : path.string()) +
                              "' but could not register it (eisgrid sync will): " + e.what());
  }
  return result;
}

}  // namespace eisgrid::compute
