// The catalog schema on SQLite (SPEC 6). Visibility is applied by the catalog's
// queries here (catalog.cpp), since SQLite has no row-level security.
//
// Against the old SQL's defects: storage values are exactly the two the code
// writes; the hash column is file_hash; numbers are REAL (an infinite or 1e5
// resnorm fits); configurations are unique per owner and fingerprint, so
// re-registering reuses one instead of leaving an orphan.
#include "catalog/migrations.hpp"

namespace eisgrid::catalog {
namespace {

constexpr std::string_view k_v1 = R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE api_keys (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  key_hash TEXT NOT NULL UNIQUE CHECK (length(key_hash) = 64),
  key_prefix TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  revoked_at TEXT
);
CREATE INDEX api_keys_user ON api_keys(user_id);

CREATE TABLE circuit_configurations (
  id INTEGER PRIMARY KEY,
  owner_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  fingerprint TEXT NOT NULL,
  reference_type TEXT NOT NULL CHECK (reference_type IN ('model', 'measured')),
  rsh REAL, ra REAL, ca REAL, rb REAL, cb REAL,
  reference_source TEXT,
  grid_size INTEGER CHECK (grid_size IS NULL OR grid_size >= 2),
  parameter_ranges TEXT NOT NULL,
  freq_min REAL NOT NULL,
  freq_max REAL NOT NULL,
  n_frequencies INTEGER NOT NULL CHECK (n_frequencies >= 1),
  frequency_spacing TEXT NOT NULL,
  is_public INTEGER NOT NULL DEFAULT 0 CHECK (is_public IN (0, 1)),
  auto_created INTEGER NOT NULL DEFAULT 1 CHECK (auto_created IN (0, 1)),
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX circuit_configurations_owner_fingerprint
  ON circuit_configurations(owner_id, fingerprint) WHERE owner_id IS NOT NULL;
CREATE UNIQUE INDEX circuit_configurations_system_fingerprint
  ON circuit_configurations(fingerprint) WHERE owner_id IS NULL;

CREATE TABLE circuit_npz_datasets (
  id INTEGER PRIMARY KEY,
  owner_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
  configuration_id INTEGER REFERENCES circuit_configurations(id) ON DELETE SET NULL,
  file_name TEXT NOT NULL CHECK (length(file_name) >= 1),
  storage_location TEXT NOT NULL CHECK (storage_location IN ('precomputed', 'user_generated')),
  file_path TEXT NOT NULL,
  grid_size INTEGER,
  freq_min REAL,
  freq_max REAL,
  n_frequencies INTEGER NOT NULL CHECK (n_frequencies >= 0),
  n_parameter_sets INTEGER NOT NULL CHECK (n_parameter_sets >= 0),
  n_spectra INTEGER NOT NULL CHECK (n_spectra >= 0),
  n_grid_points INTEGER,
  file_size INTEGER NOT NULL CHECK (file_size >= 0),
  file_hash TEXT NOT NULL CHECK (length(file_hash) = 64),
  short_hash TEXT NOT NULL CHECK (length(short_hash) = 16),
  best_resnorm REAL,
  resnorm_metric TEXT,
  description TEXT,
  computation_metadata TEXT NOT NULL,
  is_available INTEGER NOT NULL DEFAULT 1 CHECK (is_available IN (0, 1)),
  is_public INTEGER NOT NULL DEFAULT 0 CHECK (is_public IN (0, 1)),
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX circuit_npz_datasets_owner_file
  ON circuit_npz_datasets(owner_id, file_name) WHERE owner_id IS NOT NULL;
CREATE UNIQUE INDEX circuit_npz_datasets_system_file
  ON circuit_npz_datasets(file_name) WHERE owner_id IS NULL;
CREATE INDEX circuit_npz_datasets_location ON circuit_npz_datasets(storage_location, file_name);
CREATE INDEX circuit_npz_datasets_configuration ON circuit_npz_datasets(configuration_id);

CREATE TABLE tagged_npz_models (
  id INTEGER PRIMARY KEY,
  owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  dataset_id INTEGER NOT NULL REFERENCES circuit_npz_datasets(id) ON DELETE CASCADE,
  rank_index INTEGER NOT NULL CHECK (rank_index >= 0),
  resnorm REAL,
  rsh REAL NOT NULL, ra REAL NOT NULL, ca REAL NOT NULL, rb REAL NOT NULL, cb REAL NOT NULL,
  label TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
  category TEXT,
  notes TEXT,
  quality_score REAL,
  is_reference INTEGER NOT NULL DEFAULT 0 CHECK (is_reference IN (0, 1)),
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE (owner_id, dataset_id, rank_index, label)
);
CREATE INDEX tagged_npz_models_dataset ON tagged_npz_models(dataset_id);

CREATE VIEW circuit_npz_datasets_overview AS
  SELECT d.*, c.name AS configuration_name, c.rsh, c.ra, c.ca, c.rb, c.cb, u.name AS owner_name
  FROM circuit_npz_datasets d
  LEFT JOIN circuit_configurations c ON c.id = d.configuration_id
  LEFT JOIN users u ON u.id = d.owner_id;
)sql";

// Compute jobs started over HTTP, so that a restart forgets none of them.
constexpr std::string_view k_v2 = R"sql(
CREATE TABLE compute_jobs (
  id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
  owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  request TEXT NOT NULL,
  output TEXT NOT NULL,
  done_points INTEGER NOT NULL DEFAULT 0 CHECK (done_points >= 0),
  total_points INTEGER NOT NULL DEFAULT 0 CHECK (total_points >= 0),
  elapsed_seconds REAL NOT NULL DEFAULT 0,
  dataset_file TEXT,
  error TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX compute_jobs_owner ON compute_jobs(owner_id, created_at);
)sql";

// `user revoke` revokes the user too, which is all a JWT user (who has no
// keys) can be revoked by.
constexpr std::string_view k_v3 = R"sql(
ALTER TABLE users ADD COLUMN revoked_at TEXT;
)sql";

constexpr migration k_migrations[] = {
    {1, "users, API keys, configurations, datasets, tags", k_v1},
    {2, "compute jobs", k_v2},
    {3, "revoked users", k_v3},
};

}  // namespace

std::span<const migration> sqlite_migrations() noexcept { return k_migrations; }

}  // namespace eisgrid::catalog
