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

// Experiments, measurements (uploaded instrument files) and their fits, each
// private to its owner. The pairs (experiment_id, owner_id) and
// (measurement_id, owner_id) are foreign keys, so a row can only ever belong
// to its owner's experiment and measurement. A measurement's file lives at
// measured/<owner>/<sha256>[.ext] (lab_fields.hpp), which the CHECK holds to.
// Limits repeat lab_fields.hpp. Numbers are REAL; NaN is stored as NULL.
constexpr std::string_view k_v4 = R"sql(
CREATE TABLE experiments (
  id INTEGER PRIMARY KEY,
  owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL CHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 200),
  description TEXT CHECK (description IS NULL OR length(CAST(description AS BLOB)) <= 4000),
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE (owner_id, name),
  UNIQUE (id, owner_id)
);

CREATE TABLE measurements (
  id INTEGER PRIMARY KEY,
  owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  experiment_id INTEGER,
  file_name TEXT NOT NULL CHECK (length(CAST(file_name AS BLOB)) BETWEEN 1 AND 255),
  file_path TEXT NOT NULL,
  file_size INTEGER NOT NULL CHECK (file_size >= 0),
  file_hash TEXT NOT NULL CHECK (length(file_hash) = 64 AND file_hash NOT GLOB '*[^0-9a-f]*'),
  format TEXT NOT NULL CHECK (length(format) BETWEEN 1 AND 32),
  n_sweeps INTEGER NOT NULL CHECK (n_sweeps >= 1),
  n_points INTEGER NOT NULL CHECK (n_points >= n_sweeps),
  freq_min REAL NOT NULL CHECK (freq_min > 0),
  freq_max REAL NOT NULL CHECK (freq_max >= freq_min),
  warnings TEXT NOT NULL DEFAULT '[]' CHECK (length(CAST(warnings AS BLOB)) <= 65536),
  sample TEXT CHECK (sample IS NULL OR length(CAST(sample AS BLOB)) <= 200),
  condition TEXT CHECK (condition IS NULL OR length(CAST(condition AS BLOB)) <= 200),
  day INTEGER CHECK (day IS NULL OR day BETWEEN -36500 AND 36500),
  area_cm2 REAL CHECK (area_cm2 IS NULL OR (area_cm2 > 0 AND area_cm2 <= 10000)),
  notes TEXT CHECK (notes IS NULL OR length(CAST(notes AS BLOB)) <= 4000),
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE (owner_id, file_hash),
  UNIQUE (id, owner_id),
  FOREIGN KEY (experiment_id, owner_id) REFERENCES experiments(id, owner_id),
  CHECK (file_path = 'measured/' || owner_id || '/' || file_hash
         OR (substr(file_path, 1, 75 + length(owner_id)) = 'measured/' || owner_id || '/' || file_hash || '.'
             AND length(file_path) BETWEEN 76 + length(owner_id) AND 83 + length(owner_id)
             AND substr(file_path, 76 + length(owner_id)) NOT GLOB '*[^0-9a-z]*'))
);
CREATE INDEX measurements_experiment ON measurements(experiment_id);

CREATE TABLE fit_results (
  id INTEGER PRIMARY KEY,
  owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  measurement_id INTEGER NOT NULL,
  experiment_id INTEGER,
  sweep_index INTEGER NOT NULL CHECK (sweep_index >= 0),
  start_time TEXT,
  status TEXT NOT NULL CHECK (status IN ('ok', 'poor_fit', 'invalid_data')),
  reasons TEXT NOT NULL DEFAULT '[]' CHECK (length(CAST(reasons AS BLOB)) <= 65536),
  metric TEXT,
  resnorm REAL, grid_resnorm REAL,
  rs REAL, ter REAL, tec REAL, tau1 REAL, tau2 REAL,
  rs_stderr REAL, ter_stderr REAL, tec_stderr REAL, tau1_stderr REAL, tau2_stderr REAL,
  rsh REAL, ra REAL, ca REAL, rb REAL, cb REAL,
  rsh_low REAL, rsh_high REAL,
  area_cm2 REAL CHECK (area_cm2 IS NULL OR (area_cm2 > 0 AND area_cm2 <= 10000)),
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE (measurement_id, sweep_index),
  FOREIGN KEY (measurement_id, owner_id) REFERENCES measurements(id, owner_id) ON DELETE CASCADE,
  FOREIGN KEY (experiment_id, owner_id) REFERENCES experiments(id, owner_id),
  CHECK (status = 'invalid_data'
         OR (metric IS NOT NULL AND resnorm IS NOT NULL AND rs IS NOT NULL AND ter IS NOT NULL AND tec IS NOT NULL
             AND tau1 IS NOT NULL AND tau2 IS NOT NULL AND rsh IS NOT NULL AND ra IS NOT NULL AND ca IS NOT NULL
             AND rb IS NOT NULL AND cb IS NOT NULL)),
  CHECK ((rsh_low IS NULL) = (rsh_high IS NULL) AND (rsh_low IS NULL OR rsh_low <= rsh_high))
);
CREATE INDEX fit_results_experiment ON fit_results(experiment_id);
CREATE INDEX fit_results_owner ON fit_results(owner_id, measurement_id);
)sql";

// Version 4's tables and the tags again, with AUTOINCREMENT: SQLite otherwise
// gives a new row the id of the newest row just deleted, so a stale link or a
// retried DELETE /api/measurements/7 would reach someone's next upload. (PostgreSQL's
// identity columns never reuse an id.) The old tables are renamed first, which
// carries their foreign keys along, and dropped children first once copied.
constexpr std::string_view k_v5 = R"sql(
ALTER TABLE fit_results RENAME TO fit_results_v4;
ALTER TABLE measurements RENAME TO measurements_v4;
ALTER TABLE experiments RENAME TO experiments_v4;
DROP INDEX measurements_experiment;
DROP INDEX fit_results_experiment;
DROP INDEX fit_results_owner;
CREATE TABLE experiments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL CHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 200),
  description TEXT CHECK (description IS NULL OR length(CAST(description AS BLOB)) <= 4000),
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE (owner_id, name),
  UNIQUE (id, owner_id)
);

CREATE TABLE measurements (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  experiment_id INTEGER,
  file_name TEXT NOT NULL CHECK (length(CAST(file_name AS BLOB)) BETWEEN 1 AND 255),
  file_path TEXT NOT NULL,
  file_size INTEGER NOT NULL CHECK (file_size >= 0),
  file_hash TEXT NOT NULL CHECK (length(file_hash) = 64 AND file_hash NOT GLOB '*[^0-9a-f]*'),
  format TEXT NOT NULL CHECK (length(format) BETWEEN 1 AND 32),
  n_sweeps INTEGER NOT NULL CHECK (n_sweeps >= 1),
  n_points INTEGER NOT NULL CHECK (n_points >= n_sweeps),
  freq_min REAL NOT NULL CHECK (freq_min > 0),
  freq_max REAL NOT NULL CHECK (freq_max >= freq_min),
  warnings TEXT NOT NULL DEFAULT '[]' CHECK (length(CAST(warnings AS BLOB)) <= 65536),
  sample TEXT CHECK (sample IS NULL OR length(CAST(sample AS BLOB)) <= 200),
  condition TEXT CHECK (condition IS NULL OR length(CAST(condition AS BLOB)) <= 200),
  day INTEGER CHECK (day IS NULL OR day BETWEEN -36500 AND 36500),
  area_cm2 REAL CHECK (area_cm2 IS NULL OR (area_cm2 > 0 AND area_cm2 <= 10000)),
  notes TEXT CHECK (notes IS NULL OR length(CAST(notes AS BLOB)) <= 4000),
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE (owner_id, file_hash),
  UNIQUE (id, owner_id),
  FOREIGN KEY (experiment_id, owner_id) REFERENCES experiments(id, owner_id),
  CHECK (file_path = 'measured/' || owner_id || '/' || file_hash
         OR (substr(file_path, 1, 75 + length(owner_id)) = 'measured/' || owner_id || '/' || file_hash || '.'
             AND length(file_path) BETWEEN 76 + length(owner_id) AND 83 + length(owner_id)
             AND substr(file_path, 76 + length(owner_id)) NOT GLOB '*[^0-9a-z]*'))
);
CREATE INDEX measurements_experiment ON measurements(experiment_id);

CREATE TABLE fit_results (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  measurement_id INTEGER NOT NULL,
  experiment_id INTEGER,
  sweep_index INTEGER NOT NULL CHECK (sweep_index >= 0),
  start_time TEXT,
  status TEXT NOT NULL CHECK (status IN ('ok', 'poor_fit', 'invalid_data')),
  reasons TEXT NOT NULL DEFAULT '[]' CHECK (length(CAST(reasons AS BLOB)) <= 65536),
  metric TEXT,
  resnorm REAL, grid_resnorm REAL,
  rs REAL, ter REAL, tec REAL, tau1 REAL, tau2 REAL,
  rs_stderr REAL, ter_stderr REAL, tec_stderr REAL, tau1_stderr REAL, tau2_stderr REAL,
  rsh REAL, ra REAL, ca REAL, rb REAL, cb REAL,
  rsh_low REAL, rsh_high REAL,
  area_cm2 REAL CHECK (area_cm2 IS NULL OR (area_cm2 > 0 AND area_cm2 <= 10000)),
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE (measurement_id, sweep_index),
  FOREIGN KEY (measurement_id, owner_id) REFERENCES measurements(id, owner_id) ON DELETE CASCADE,
  FOREIGN KEY (experiment_id, owner_id) REFERENCES experiments(id, owner_id),
  CHECK (status = 'invalid_data'
         OR (metric IS NOT NULL AND resnorm IS NOT NULL AND rs IS NOT NULL AND ter IS NOT NULL AND tec IS NOT NULL
             AND tau1 IS NOT NULL AND tau2 IS NOT NULL AND rsh IS NOT NULL AND ra IS NOT NULL AND ca IS NOT NULL
             AND rb IS NOT NULL AND cb IS NOT NULL)),
  CHECK ((rsh_low IS NULL) = (rsh_high IS NULL) AND (rsh_low IS NULL OR rsh_low <= rsh_high))
);
CREATE INDEX fit_results_experiment ON fit_results(experiment_id);
CREATE INDEX fit_results_owner ON fit_results(owner_id, measurement_id);

INSERT INTO experiments SELECT * FROM experiments_v4;
INSERT INTO measurements SELECT * FROM measurements_v4;
INSERT INTO fit_results SELECT * FROM fit_results_v4;
DROP TABLE fit_results_v4;
DROP TABLE measurements_v4;
DROP TABLE experiments_v4;

ALTER TABLE tagged_npz_models RENAME TO tagged_npz_models_v1;
DROP INDEX tagged_npz_models_dataset;
CREATE TABLE tagged_npz_models (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO tagged_npz_models SELECT * FROM tagged_npz_models_v1;
DROP TABLE tagged_npz_models_v1;
)sql";

// Circuit models as data (SPEC 12): a sweep has one fit per model, each with
// its model's parameters and their standard errors as JSON objects keyed by
// the model's parameter names (so a new model needs no new columns), its AIC
// and BIC, whether the comparison preferred it, the frequency that would
// decide, and the parameters at the edge of their range. rc keeps its own
// columns; another model fills those it has, so only rc's fits need the time
// constants and the five raw parameters. Every earlier row is an rc fit. The
// table is rebuilt (SQLite cannot change a CHECK or a UNIQUE) keeping ids and
// the AUTOINCREMENT counter, so no id of a deleted fit comes back.
constexpr std::string_view k_v6 = R"sql(
ALTER TABLE fit_results RENAME TO fit_results_v5;
DROP INDEX fit_results_experiment;
DROP INDEX fit_results_owner;
CREATE TABLE fit_results (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  measurement_id INTEGER NOT NULL,
  experiment_id INTEGER,
  sweep_index INTEGER NOT NULL CHECK (sweep_index >= 0),
  start_time TEXT,
  status TEXT NOT NULL CHECK (status IN ('ok', 'poor_fit', 'invalid_data')),
  reasons TEXT NOT NULL DEFAULT '[]' CHECK (length(CAST(reasons AS BLOB)) <= 65536),
  metric TEXT,
  resnorm REAL, grid_resnorm REAL,
  rs REAL, ter REAL, tec REAL, tau1 REAL, tau2 REAL,
  rs_stderr REAL, ter_stderr REAL, tec_stderr REAL, tau1_stderr REAL, tau2_stderr REAL,
  rsh REAL, ra REAL, ca REAL, rb REAL, cb REAL,
  rsh_low REAL, rsh_high REAL,
  area_cm2 REAL CHECK (area_cm2 IS NULL OR (area_cm2 > 0 AND area_cm2 <= 10000)),
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  model TEXT NOT NULL DEFAULT 'rc' CHECK (length(model) BETWEEN 1 AND 32),
  params TEXT CHECK (params IS NULL OR length(CAST(params AS BLOB)) <= 65536),
  stderr TEXT CHECK (stderr IS NULL OR length(CAST(stderr AS BLOB)) <= 65536),
  aic REAL, bic REAL,
  best_model INTEGER CHECK (best_model IS NULL OR best_model IN (0, 1)),
  decisive_frequency REAL CHECK (decisive_frequency IS NULL OR decisive_frequency > 0),
  at_edge TEXT NOT NULL DEFAULT '[]' CHECK (length(CAST(at_edge AS BLOB)) <= 65536),
  UNIQUE (measurement_id, sweep_index, model),
  FOREIGN KEY (measurement_id, owner_id) REFERENCES measurements(id, owner_id) ON DELETE CASCADE,
  FOREIGN KEY (experiment_id, owner_id) REFERENCES experiments(id, owner_id),
  CHECK (status = 'invalid_data'
         OR (metric IS NOT NULL AND resnorm IS NOT NULL AND rs IS NOT NULL AND ter IS NOT NULL AND tec IS NOT NULL
             AND params IS NOT NULL
             AND (model <> 'rc' OR (tau1 IS NOT NULL AND tau2 IS NOT NULL AND rsh IS NOT NULL AND ra IS NOT NULL
                                    AND ca IS NOT NULL AND rb IS NOT NULL AND cb IS NOT NULL)))),
  CHECK ((rsh_low IS NULL) = (rsh_high IS NULL) AND (rsh_low IS NULL OR rsh_low <= rsh_high))
);
CREATE INDEX fit_results_experiment ON fit_results(experiment_id);
CREATE INDEX fit_results_owner ON fit_results(owner_id, measurement_id);
INSERT INTO fit_results (id, owner_id, measurement_id, experiment_id, sweep_index, start_time, status, reasons, metric, resnorm,
  grid_resnorm, rs, ter, tec, tau1, tau2, rs_stderr, ter_stderr, tec_stderr, tau1_stderr, tau2_stderr, rsh, ra, ca, rb, cb,
  rsh_low, rsh_high, area_cm2, created_at, model, params, stderr)
  SELECT id, owner_id, measurement_id, experiment_id, sweep_index, start_time, status, reasons, metric, resnorm,
    grid_resnorm, rs, ter, tec, tau1, tau2, rs_stderr, ter_stderr, tec_stderr, tau1_stderr, tau2_stderr, rsh, ra, ca, rb, cb,
    rsh_low, rsh_high, area_cm2, created_at, 'rc',
    CASE WHEN rs IS NULL THEN NULL ELSE json_object('Rs', rs, 'Rsh', rsh, 'Ra', ra, 'Ca', ca, 'Rb', rb, 'Cb', cb) END,
    CASE WHEN rs IS NULL THEN NULL ELSE json_object('Rs', rs_stderr, 'Rsh', NULL, 'Ra', NULL, 'Ca', NULL, 'Rb', NULL, 'Cb', NULL) END
  FROM fit_results_v5;
DELETE FROM sqlite_sequence WHERE name = 'fit_results';
UPDATE sqlite_sequence SET name = 'fit_results' WHERE name = 'fit_results_v5';
DROP TABLE fit_results_v5;
)sql";

// Version 7 restricts PostgreSQL's roles; SQLite has none, and keeps its
// version numbers in step with a migration that changes nothing.
constexpr std::string_view k_v7 = "SELECT 1;";

// A tag holds its dataset row's model and parameters by the model's names
// (SPEC 12), as a fit does, so that a row of any model can be tagged and a
// new model needs no new column; rc's five columns go. Every earlier tag is
// rc's, its values written with 17 significant digits (json_object() keeps
// only 15), so each reads back as the same double. The table is rebuilt
// (SQLite cannot drop a NOT NULL column in use) keeping ids and the
// AUTOINCREMENT counter.
constexpr std::string_view k_v8 = R"sql(
ALTER TABLE tagged_npz_models RENAME TO tagged_npz_models_v7;
DROP INDEX tagged_npz_models_dataset;
CREATE TABLE tagged_npz_models (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  dataset_id INTEGER NOT NULL REFERENCES circuit_npz_datasets(id) ON DELETE CASCADE,
  rank_index INTEGER NOT NULL CHECK (rank_index >= 0),
  resnorm REAL,
  model TEXT NOT NULL DEFAULT 'rc' CHECK (length(model) BETWEEN 1 AND 32),
  params TEXT NOT NULL CHECK (length(CAST(params AS BLOB)) <= 65536),
  label TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
  category TEXT,
  notes TEXT,
  quality_score REAL,
  is_reference INTEGER NOT NULL DEFAULT 0 CHECK (is_reference IN (0, 1)),
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE (owner_id, dataset_id, rank_index, label)
);
CREATE INDEX tagged_npz_models_dataset ON tagged_npz_models(dataset_id);
INSERT INTO tagged_npz_models (id, owner_id, dataset_id, rank_index, resnorm, model, params, label, category, notes, quality_score,
  is_reference, created_at)
  SELECT id, owner_id, dataset_id, rank_index, resnorm, 'rc',
    '{"Rsh":' || printf('%!.17g', rsh) || ',"Ra":' || printf('%!.17g', ra) || ',"Ca":' || printf('%!.17g', ca) ||
      ',"Rb":' || printf('%!.17g', rb) || ',"Cb":' || printf('%!.17g', cb) || '}',
    label, category, notes, quality_score, is_reference, created_at
  FROM tagged_npz_models_v7;
DELETE FROM sqlite_sequence WHERE name = 'tagged_npz_models';
UPDATE sqlite_sequence SET name = 'tagged_npz_models' WHERE name = 'tagged_npz_models_v7';
DROP TABLE tagged_npz_models_v7;
)sql";

constexpr migration k_migrations[] = {
    {1, "users, API keys, configurations, datasets, tags", k_v1},
    {2, "compute jobs", k_v2},
    {3, "revoked users", k_v3},
    {4, "experiments, measurements, fit results", k_v4},
    {5, "ids of experiments, measurements, fit results and tags never reused", k_v5},
    {6, "fit results of any circuit model: one per sweep and model", k_v6},
    {7, "PostgreSQL's roles restricted (nothing on SQLite)", k_v7},
    {8, "tags of any circuit model: the row's model and parameters by name", k_v8},
};

}  // namespace

std::span<const migration> sqlite_migrations() noexcept { return k_migrations; }

}  // namespace eisgrid::catalog
