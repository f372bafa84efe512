#pragma once
// Runs a compute request: sweep, export through temp/, and registration in
// the catalog for its owner. Shared by `eisgrid compute` and the server's jobs.

#include <atomic>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"
#include "compute/request.hpp"
#include "dataset/data_dir.hpp"
#include "dataset/export.hpp"
#include "sweep/engine.hpp"

namespace eisgrid::compute {

struct compute_result {
  std::filesystem::path path;  // the final file
  std::string filename;
  dataset::storage location = dataset::storage::user_generated;
  std::string owner;      // user name the file is registered for
  std::string file_hash;  // SHA-256
  std::uint64_t total_points = 0;
  std::size_t frequencies = 0;
  double elapsed_seconds = 0;      // of the sweep
  std::vector<std::string> notes;  // compute_plan::notes
};

// What a run will hold in memory at its peak, said before it starts.
struct memory_plan {
  std::uint64_t kept_rows = 0;
  std::uint64_t needed_bytes = 0;
  std::optional<std::uint64_t> available_bytes;  // MemAvailable now; empty if unknown
};
[[nodiscard]] memory_plan plan_memory(const compute_plan& plan);
// Throws error(too_large) naming both sizes when the run needs more than is available.
void check_memory(const memory_plan& m);

// The catalog to register in, opened on first use (so a bad option fails
// before any database is touched, and a sweep does not hold a connection).
using catalog_source = std::function<catalog::catalog&()>;

// Throws error(usage) for bad options, error(conflict) if the file exists and
// !request.overwrite, error(too_large) if the kept rows would not fit in the
// memory available (check_memory), error(cancelled) if `cancel` became true, error(io) if writing
// failed (nothing is left behind). A failed registration throws with the
// kind of the catalog's error and says that the file was written.
// `progress` is called on the calling thread. Thread-safe for distinct requests.
[[nodiscard]] compute_result run(const compute_request& request, const dataset::data_dir& dir, const catalog_source& catalog_of,
                                 const sweep::progress_callback& progress = {}, const std::atomic<bool>* cancel = nullptr);
// The same with `plan` = resolve(request) already made, so that a reference
// file is read once by a caller that looked at the plan first.
[[nodiscard]] compute_result run(const compute_request& request, const compute_plan& plan, const dataset::data_dir& dir,
                                 const catalog_source& catalog_of, const sweep::progress_callback& progress = {},
                                 const std::atomic<bool>* cancel = nullptr);

// Registers a dataset file just written into `where` for the user named
// `user` (created on first use), by the operator, as `eisgrid compute` does.
// Returns the file's SHA-256. Throws error(internal) if the file does not
// validate, or the catalog's error.
[[nodiscard]] std::string register_written(const dataset::exported_dataset& written, dataset::storage where, catalog::catalog& cat,
                                           const std::string& user);

}  // namespace eisgrid::compute
