#pragma once
// Discovery and registration (SPEC 6): scan precomputed/ and user_generated/,
// validate each file with every rule of the dataset layer, hash it (SHA-256),
// and register or update it; a registered file that disappeared or no longer
// validates is marked unavailable; a changed file is noticed by its hash.
// Running it again when nothing changed changes nothing. Each file is its own
// transaction, so two syncs (or a sync and a compute) at once interleave safely.

#include <string>
#include <vector>

#include "catalog/catalog.hpp"
#include "dataset/data_dir.hpp"
#include "dataset/dataset.hpp"
#include "dataset/export.hpp"

namespace eisgrid::compute {

// A file on disk, validated and hashed, ready to register.
struct described_file {
  dataset::dataset_file file;
  std::string file_name;  // as found on disk; any bytes but '/' and NUL
  bool valid = false;
  std::string reason;  // why not, when !valid
  catalog::dataset_input input;
};

// Validates and hashes one file. Never throws for a bad file: the reason is in
// the result. Thread-safe.
[[nodiscard]] described_file describe_file(const dataset::dataset_file& file);

// The same for a file the export has just written, from what it read back and
// hashed: nothing is read again.
[[nodiscard]] described_file describe_written(const dataset::exported_dataset& written, dataset::storage where);

struct sync_report {
  std::vector<described_file> files;
  std::int64_t registered = 0, updated = 0, unchanged = 0, marked_unavailable = 0;

  [[nodiscard]] std::size_t valid_count() const;
  // "3 files: 2 valid, 1 invalid (bad.npz: reason)", then the catalog changes.
  [[nodiscard]] std::string summary() const;
};

// Scans every file and validates it (no catalog involved): for --emit-sql.
[[nodiscard]] std::vector<described_file> scan(const dataset::data_dir& dir);

// Scans and registers. New user_generated files are owned by `owner`;
// precomputed files are public and ownerless. Runs as the administrator.
sync_report sync(catalog::catalog& cat, const dataset::data_dir& dir, catalog::row_id owner);

}  // namespace eisgrid::compute
