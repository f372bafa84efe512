// The catalog schema on PostgreSQL 15 (SPEC 6), with row-level security.
//
// Roles: eisgrid_anon, eisgrid_user and eisgrid_admin are NOLOGIN roles that a
// request switches to with SET LOCAL ROLE. The server's login role is a
// NOINHERIT member of eisgrid_anon and eisgrid_user only; it owns nothing and
// has no BYPASSRLS. The user id comes from the transaction-local setting
// eisgrid.user_id, which the server sets from an authenticated API key or JWT.
//
// Every table has row-level security enabled and forced (so even its owner is
// subject to it). The one view is security_invoker, so it applies the
// policies of whoever queries it. No function is SECURITY DEFINER: API keys
// are checked through a policy that shows a caller only the key row whose
// hash the caller proves to know.
#include "catalog/migrations.hpp"

namespace eisgrid::catalog {
namespace {

constexpr std::string_view k_v1 = R"sql(
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'eisgrid_anon') THEN
    CREATE ROLE eisgrid_anon NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'eisgrid_user') THEN
    CREATE ROLE eisgrid_user NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'eisgrid_admin') THEN
    CREATE ROLE eisgrid_admin NOLOGIN NOINHERIT;
  END IF;
END
$$;

CREATE FUNCTION eisgrid_current_user_id() RETURNS bigint
  LANGUAGE sql STABLE SECURITY INVOKER
  AS $f$ SELECT nullif(current_setting('eisgrid.user_id', true), '')::bigint $f$;

CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
  created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE api_keys (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  key_hash text NOT NULL UNIQUE CHECK (length(key_hash) = 64),
  key_prefix text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
  revoked_at timestamptz
);
CREATE INDEX api_keys_user ON api_keys(user_id);

CREATE TABLE circuit_configurations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner_id bigint REFERENCES users(id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  fingerprint text NOT NULL,
  reference_type text NOT NULL CHECK (reference_type IN ('model', 'measured')),
  rsh double precision, ra double precision, ca double precision, rb double precision, cb double precision,
  reference_source text,
  grid_size bigint CHECK (grid_size IS NULL OR grid_size >= 2),
  parameter_ranges jsonb NOT NULL,
  freq_min double precision NOT NULL,
  freq_max double precision NOT NULL,
  n_frequencies bigint NOT NULL CHECK (n_frequencies >= 1),
  frequency_spacing text NOT NULL,
  is_public boolean NOT NULL DEFAULT false,
  auto_created boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX circuit_configurations_owner_fingerprint
  ON circuit_configurations(owner_id, fingerprint) WHERE owner_id IS NOT NULL;
CREATE UNIQUE INDEX circuit_configurations_system_fingerprint
  ON circuit_configurations(fingerprint) WHERE owner_id IS NULL;

CREATE TABLE circuit_npz_datasets (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner_id bigint REFERENCES users(id) ON DELETE CASCADE,
  configuration_id bigint REFERENCES circuit_configurations(id) ON DELETE SET NULL,
  file_name text NOT NULL CHECK (length(file_name) >= 1),
  storage_location text NOT NULL CHECK (storage_location IN ('precomputed', 'user_generated')),
  file_path text NOT NULL,
  grid_size bigint,
  freq_min double precision,
  freq_max double precision,
  n_frequencies bigint NOT NULL CHECK (n_frequencies >= 0),
  n_parameter_sets bigint NOT NULL CHECK (n_parameter_sets >= 0),
  n_spectra bigint NOT NULL CHECK (n_spectra >= 0),
  n_grid_points bigint,
  file_size bigint NOT NULL CHECK (file_size >= 0),
  file_hash text NOT NULL CHECK (length(file_hash) = 64),
  short_hash text NOT NULL CHECK (length(short_hash) = 16),
  best_resnorm double precision,
  resnorm_metric text,
  description text,
  computation_metadata jsonb NOT NULL,
  is_available boolean NOT NULL DEFAULT true,
  is_public boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX circuit_npz_datasets_owner_file
  ON circuit_npz_datasets(owner_id, file_name) WHERE owner_id IS NOT NULL;
CREATE UNIQUE INDEX circuit_npz_datasets_system_file
  ON circuit_npz_datasets(file_name) WHERE owner_id IS NULL;
CREATE INDEX circuit_npz_datasets_location ON circuit_npz_datasets(storage_location, file_name);
CREATE INDEX circuit_npz_datasets_configuration ON circuit_npz_datasets(configuration_id);

CREATE TABLE tagged_npz_models (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  dataset_id bigint NOT NULL REFERENCES circuit_npz_datasets(id) ON DELETE CASCADE,
  rank_index bigint NOT NULL CHECK (rank_index >= 0),
  resnorm double precision,
  rsh double precision NOT NULL, ra double precision NOT NULL, ca double precision NOT NULL,
  rb double precision NOT NULL, cb double precision NOT NULL,
  label text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
  category text,
  notes text,
  quality_score double precision,
  is_reference boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE (owner_id, dataset_id, rank_index, label)
);
CREATE INDEX tagged_npz_models_dataset ON tagged_npz_models(dataset_id);

CREATE VIEW circuit_npz_datasets_overview WITH (security_invoker = true) AS
  SELECT d.*, c.name AS configuration_name, c.rsh, c.ra, c.ca, c.rb, c.cb, u.name AS owner_name
  FROM circuit_npz_datasets d
  LEFT JOIN circuit_configurations c ON c.id = d.configuration_id
  LEFT JOIN users u ON u.id = d.owner_id;

ALTER TABLE schema_migrations ENABLE ROW LEVEL SECURITY;
ALTER TABLE schema_migrations FORCE ROW LEVEL SECURITY;
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
ALTER TABLE circuit_configurations ENABLE ROW LEVEL SECURITY;
ALTER TABLE circuit_configurations FORCE ROW LEVEL SECURITY;
ALTER TABLE circuit_npz_datasets ENABLE ROW LEVEL SECURITY;
ALTER TABLE circuit_npz_datasets FORCE ROW LEVEL SECURITY;
ALTER TABLE tagged_npz_models ENABLE ROW LEVEL SECURITY;
ALTER TABLE tagged_npz_models FORCE ROW LEVEL SECURITY;

-- Everyone may read the schema version; only its owner (who migrates) has INSERT.
CREATE POLICY schema_migrations_read ON schema_migrations FOR SELECT USING (true);
CREATE POLICY schema_migrations_record ON schema_migrations FOR INSERT WITH CHECK (true);

CREATE POLICY users_admin ON users FOR ALL TO eisgrid_admin USING (true) WITH CHECK (true);
CREATE POLICY users_self ON users FOR SELECT TO eisgrid_user USING (id = eisgrid_current_user_id());

CREATE POLICY api_keys_admin ON api_keys FOR ALL TO eisgrid_admin USING (true) WITH CHECK (true);
CREATE POLICY api_keys_lookup ON api_keys FOR SELECT TO eisgrid_anon, eisgrid_user
  USING (key_hash = current_setting('eisgrid.key_hash', true));

CREATE POLICY configurations_admin ON circuit_configurations FOR ALL TO eisgrid_admin USING (true) WITH CHECK (true);
CREATE POLICY configurations_read_public ON circuit_configurations FOR SELECT TO eisgrid_anon USING (is_public);
CREATE POLICY configurations_read ON circuit_configurations FOR SELECT TO eisgrid_user
  USING (is_public OR owner_id = eisgrid_current_user_id());
CREATE POLICY configurations_insert ON circuit_configurations FOR INSERT TO eisgrid_user
  WITH CHECK (owner_id = eisgrid_current_user_id());
CREATE POLICY configurations_update ON circuit_configurations FOR UPDATE TO eisgrid_user
  USING (owner_id = eisgrid_current_user_id()) WITH CHECK (owner_id = eisgrid_current_user_id());
CREATE POLICY configurations_delete ON circuit_configurations FOR DELETE TO eisgrid_user
  USING (owner_id = eisgrid_current_user_id());

CREATE POLICY datasets_admin ON circuit_npz_datasets FOR ALL TO eisgrid_admin USING (true) WITH CHECK (true);
CREATE POLICY datasets_read_public ON circuit_npz_datasets FOR SELECT TO eisgrid_anon USING (is_public);
CREATE POLICY datasets_read ON circuit_npz_datasets FOR SELECT TO eisgrid_user
  USING (is_public OR owner_id = eisgrid_current_user_id());
-- A user's dataset may link only a configuration that user can see.
CREATE POLICY datasets_insert ON circuit_npz_datasets FOR INSERT TO eisgrid_user
  WITH CHECK (owner_id = eisgrid_current_user_id()
              AND (configuration_id IS NULL
                   OR EXISTS (SELECT 1 FROM circuit_configurations c WHERE c.id = configuration_id)));
CREATE POLICY datasets_update ON circuit_npz_datasets FOR UPDATE TO eisgrid_user
  USING (owner_id = eisgrid_current_user_id())
  WITH CHECK (owner_id = eisgrid_current_user_id()
              AND (configuration_id IS NULL
                   OR EXISTS (SELECT 1 FROM circuit_configurations c WHERE c.id = configuration_id)));
CREATE POLICY datasets_delete ON circuit_npz_datasets FOR DELETE TO eisgrid_user
  USING (owner_id = eisgrid_current_user_id());

-- Tags on public datasets are public; a user tags only datasets they can see.
CREATE POLICY tags_admin ON tagged_npz_models FOR ALL TO eisgrid_admin USING (true) WITH CHECK (true);
CREATE POLICY tags_read_public ON tagged_npz_models FOR SELECT TO eisgrid_anon
  USING (EXISTS (SELECT 1 FROM circuit_npz_datasets d WHERE d.id = dataset_id AND d.is_public));
CREATE POLICY tags_read ON tagged_npz_models FOR SELECT TO eisgrid_user
  USING (owner_id = eisgrid_current_user_id()
         OR EXISTS (SELECT 1 FROM circuit_npz_datasets d WHERE d.id = dataset_id AND d.is_public));
CREATE POLICY tags_insert ON tagged_npz_models FOR INSERT TO eisgrid_user
  WITH CHECK (owner_id = eisgrid_current_user_id()
              AND EXISTS (SELECT 1 FROM circuit_npz_datasets d WHERE d.id = dataset_id));
CREATE POLICY tags_update ON tagged_npz_models FOR UPDATE TO eisgrid_user
  USING (owner_id = eisgrid_current_user_id())
  WITH CHECK (owner_id = eisgrid_current_user_id()
              AND EXISTS (SELECT 1 FROM circuit_npz_datasets d WHERE d.id = dataset_id));
CREATE POLICY tags_delete ON tagged_npz_models FOR DELETE TO eisgrid_user
  USING (owner_id = eisgrid_current_user_id());

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
REVOKE ALL ON FUNCTION eisgrid_current_user_id() FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO eisgrid_anon, eisgrid_user, eisgrid_admin;
GRANT EXECUTE ON FUNCTION eisgrid_current_user_id() TO eisgrid_anon, eisgrid_user, eisgrid_admin;
GRANT SELECT ON schema_migrations TO PUBLIC;
GRANT SELECT ON api_keys TO eisgrid_anon, eisgrid_user;
-- anon may join users in the view but its policies show it no user rows.
GRANT SELECT ON users TO eisgrid_anon, eisgrid_user;
GRANT SELECT ON circuit_configurations, circuit_npz_datasets, tagged_npz_models, circuit_npz_datasets_overview
  TO eisgrid_anon, eisgrid_user;
GRANT INSERT, UPDATE, DELETE ON circuit_configurations, circuit_npz_datasets, tagged_npz_models TO eisgrid_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON users, api_keys, circuit_configurations, circuit_npz_datasets,
  tagged_npz_models, circuit_npz_datasets_overview TO eisgrid_admin;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO eisgrid_user, eisgrid_admin;
)sql";

// A verified JWT's subject becomes a user on first use, with no operator
// rights: the server sets eisgrid.subject only after checking the token's
// signature, and with it the anonymous role may create and read that one user
// row (its name only; id and time are defaults), and no other.
constexpr std::string_view k_v2 = R"sql(
CREATE POLICY users_register ON users FOR INSERT TO eisgrid_anon
  WITH CHECK (name = current_setting('eisgrid.subject', true));
CREATE POLICY users_registered ON users FOR SELECT TO eisgrid_anon
  USING (name = current_setting('eisgrid.subject', true));
GRANT INSERT (name) ON users TO eisgrid_anon;
)sql";

// Compute jobs started over HTTP, so that a restart forgets none of them;
// each user reads and writes only their own.
constexpr std::string_view k_v3 = R"sql(
CREATE TABLE compute_jobs (
  id text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
  owner_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  state text NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  request text NOT NULL,
  output text NOT NULL,
  done_points bigint NOT NULL DEFAULT 0 CHECK (done_points >= 0),
  total_points bigint NOT NULL DEFAULT 0 CHECK (total_points >= 0),
  elapsed_seconds double precision NOT NULL DEFAULT 0,
  dataset_file text,
  error text,
  created_at text NOT NULL
);
CREATE INDEX compute_jobs_owner ON compute_jobs(owner_id, created_at);
ALTER TABLE compute_jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE compute_jobs FORCE ROW LEVEL SECURITY;
CREATE POLICY jobs_admin ON compute_jobs FOR ALL TO eisgrid_admin USING (true) WITH CHECK (true);
CREATE POLICY jobs_owner ON compute_jobs FOR ALL TO eisgrid_user
  USING (owner_id = eisgrid_current_user_id()) WITH CHECK (owner_id = eisgrid_current_user_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON compute_jobs TO eisgrid_user, eisgrid_admin;
-- anon may ask, but no policy shows it a row.
GRANT SELECT ON compute_jobs TO eisgrid_anon;
)sql";

// `user revoke` revokes the user too, which is all a JWT user (who has no
// keys) can be revoked by. Token users live in their own namespace
// ("jwt:<subject>", catalog.hpp): the anonymous role may create and read only
// a user of that namespace, so even a server that set eisgrid.subject to an
// API-key user's name would get nothing.
constexpr std::string_view k_v4 = R"sql(
ALTER TABLE users ADD COLUMN revoked_at timestamptz;
DROP POLICY users_register ON users;
DROP POLICY users_registered ON users;
CREATE POLICY users_register ON users FOR INSERT TO eisgrid_anon
  WITH CHECK (name = current_setting('eisgrid.subject', true) AND starts_with(name, 'jwt:'));
CREATE POLICY users_registered ON users FOR SELECT TO eisgrid_anon
  USING (name = current_setting('eisgrid.subject', true) AND starts_with(name, 'jwt:'));
)sql";

// Experiments, measurements (uploaded instrument files) and their fits, each
// private to its owner: the anonymous role reads nothing, a user reads and
// writes their own rows. The pairs (experiment_id, owner_id) and
// (measurement_id, owner_id) are foreign keys, so a row can only ever belong
// to its owner's experiment and measurement (foreign keys are checked without
// row-level security, so this holds whatever a policy says). A user may
// update only the lab's fields: the file's name, hash, path and what the
// reader found stay as uploaded, and fit rows are replaced, not edited. A
// measurement's file lives at measured/<owner>/<sha256>[.ext], which the
// CHECK holds to. Limits repeat lab_fields.hpp; NaN is stored as NULL.
constexpr std::string_view k_v5 = R"sql(
CREATE TABLE experiments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name text NOT NULL CHECK (octet_length(name) BETWEEN 1 AND 200),
  description text CHECK (description IS NULL OR octet_length(description) <= 4000),
  created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE (owner_id, name),
  UNIQUE (id, owner_id)
);

CREATE TABLE measurements (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  experiment_id bigint,
  file_name text NOT NULL CHECK (octet_length(file_name) BETWEEN 1 AND 255),
  file_path text NOT NULL,
  file_size bigint NOT NULL CHECK (file_size >= 0),
  file_hash text NOT NULL CHECK (file_hash ~ '^[0-9a-f]{64}$'),
  format text NOT NULL CHECK (length(format) BETWEEN 1 AND 32),
  n_sweeps bigint NOT NULL CHECK (n_sweeps >= 1),
  n_points bigint NOT NULL CHECK (n_points >= n_sweeps),
  freq_min double precision NOT NULL CHECK (freq_min > 0 AND freq_min < 'Infinity'),
  freq_max double precision NOT NULL CHECK (freq_max >= freq_min AND freq_max < 'Infinity'),
  warnings text NOT NULL DEFAULT '[]' CHECK (octet_length(warnings) <= 65536),
  sample text CHECK (sample IS NULL OR octet_length(sample) <= 200),
  condition text CHECK (condition IS NULL OR octet_length(condition) <= 200),
  day bigint CHECK (day IS NULL OR day BETWEEN -36500 AND 36500),
  area_cm2 double precision CHECK (area_cm2 IS NULL OR (area_cm2 > 0 AND area_cm2 <= 10000)),
  notes text CHECK (notes IS NULL OR octet_length(notes) <= 4000),
  created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE (owner_id, file_hash),
  UNIQUE (id, owner_id),
  FOREIGN KEY (experiment_id, owner_id) REFERENCES experiments(id, owner_id),
  CHECK (file_path ~ ('^measured/' || owner_id || '/' || file_hash || '(\.[0-9a-z]{1,8})?$'))
);
CREATE INDEX measurements_experiment ON measurements(experiment_id);

CREATE TABLE fit_results (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  measurement_id bigint NOT NULL,
  experiment_id bigint,
  sweep_index bigint NOT NULL CHECK (sweep_index >= 0),
  start_time text,
  status text NOT NULL CHECK (status IN ('ok', 'poor_fit', 'invalid_data')),
  reasons text NOT NULL DEFAULT '[]' CHECK (octet_length(reasons) <= 65536),
  metric text,
  resnorm double precision, grid_resnorm double precision,
  rs double precision, ter double precision, tec double precision, tau1 double precision, tau2 double precision,
  rs_stderr double precision, ter_stderr double precision, tec_stderr double precision,
  tau1_stderr double precision, tau2_stderr double precision,
  rsh double precision, ra double precision, ca double precision, rb double precision, cb double precision,
  rsh_low double precision, rsh_high double precision,
  area_cm2 double precision CHECK (area_cm2 IS NULL OR (area_cm2 > 0 AND area_cm2 <= 10000)),
  created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
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

ALTER TABLE experiments ENABLE ROW LEVEL SECURITY;
ALTER TABLE experiments FORCE ROW LEVEL SECURITY;
ALTER TABLE measurements ENABLE ROW LEVEL SECURITY;
ALTER TABLE measurements FORCE ROW LEVEL SECURITY;
ALTER TABLE fit_results ENABLE ROW LEVEL SECURITY;
ALTER TABLE fit_results FORCE ROW LEVEL SECURITY;

CREATE POLICY experiments_admin ON experiments FOR ALL TO eisgrid_admin USING (true) WITH CHECK (true);
CREATE POLICY experiments_owner ON experiments FOR ALL TO eisgrid_user
  USING (owner_id = eisgrid_current_user_id()) WITH CHECK (owner_id = eisgrid_current_user_id());
CREATE POLICY measurements_admin ON measurements FOR ALL TO eisgrid_admin USING (true) WITH CHECK (true);
CREATE POLICY measurements_owner ON measurements FOR ALL TO eisgrid_user
  USING (owner_id = eisgrid_current_user_id()) WITH CHECK (owner_id = eisgrid_current_user_id());
CREATE POLICY fit_results_admin ON fit_results FOR ALL TO eisgrid_admin USING (true) WITH CHECK (true);
CREATE POLICY fit_results_owner ON fit_results FOR ALL TO eisgrid_user
  USING (owner_id = eisgrid_current_user_id()) WITH CHECK (owner_id = eisgrid_current_user_id());

REVOKE ALL ON experiments, measurements, fit_results FROM PUBLIC;
-- anon may ask, but no policy shows it a row.
GRANT SELECT ON experiments, measurements, fit_results TO eisgrid_anon;
GRANT SELECT, INSERT, DELETE ON experiments, measurements, fit_results TO eisgrid_user;
GRANT UPDATE (name, description, updated_at) ON experiments TO eisgrid_user;
GRANT UPDATE (experiment_id, sample, condition, day, area_cm2, notes, updated_at) ON measurements TO eisgrid_user;
GRANT UPDATE (experiment_id) ON fit_results TO eisgrid_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON experiments, measurements, fit_results TO eisgrid_admin;
GRANT USAGE, SELECT ON SEQUENCE experiments_id_seq, measurements_id_seq, fit_results_id_seq TO eisgrid_user, eisgrid_admin;
)sql";

// Circuit models as data (SPEC 12): a sweep has one fit per model, each with
// its model's parameters and their standard errors as JSON objects keyed by
// the model's parameter names (so a new model needs no new columns), its AIC
// and BIC, whether the comparison preferred it, the frequency that would
// decide, and the parameters at the edge of their range. rc keeps its own
// columns; another model fills those it has, so only rc's fits need the time
// constants and the five raw parameters. Every earlier row is an rc fit; the
// table's owner fills their parameters with row-level security lifted for
// this transaction only. The grants on the table cover the new columns: a
// user inserts and deletes fits, and may update only experiment_id.
constexpr std::string_view k_v6 = R"sql(
ALTER TABLE fit_results
  ADD COLUMN model text NOT NULL DEFAULT 'rc' CHECK (length(model) BETWEEN 1 AND 32),
  ADD COLUMN params text CHECK (params IS NULL OR octet_length(params) <= 65536),
  ADD COLUMN stderr text CHECK (stderr IS NULL OR octet_length(stderr) <= 65536),
  ADD COLUMN aic double precision,
  ADD COLUMN bic double precision,
  ADD COLUMN best_model boolean,
  ADD COLUMN decisive_frequency double precision CHECK (decisive_frequency IS NULL OR decisive_frequency > 0),
  ADD COLUMN at_edge text NOT NULL DEFAULT '[]' CHECK (octet_length(at_edge) <= 65536);
ALTER TABLE fit_results NO FORCE ROW LEVEL SECURITY;
UPDATE fit_results
  SET params = json_build_object('Rs', rs, 'Rsh', rsh, 'Ra', ra, 'Ca', ca, 'Rb', rb, 'Cb', cb)::text,
      stderr = json_build_object('Rs', rs_stderr, 'Rsh', NULL, 'Ra', NULL, 'Ca', NULL, 'Rb', NULL, 'Cb', NULL)::text
  WHERE rs IS NOT NULL;
ALTER TABLE fit_results FORCE ROW LEVEL SECURITY;
ALTER TABLE fit_results DROP CONSTRAINT fit_results_measurement_id_sweep_index_key;
ALTER TABLE fit_results ADD CONSTRAINT fit_results_sweep_model UNIQUE (measurement_id, sweep_index, model);
ALTER TABLE fit_results DROP CONSTRAINT fit_results_check;
ALTER TABLE fit_results ADD CONSTRAINT fit_results_fitted CHECK (status = 'invalid_data'
  OR (metric IS NOT NULL AND resnorm IS NOT NULL AND rs IS NOT NULL AND ter IS NOT NULL AND tec IS NOT NULL
      AND params IS NOT NULL
      AND (model <> 'rc' OR (tau1 IS NOT NULL AND tau2 IS NOT NULL AND rsh IS NOT NULL AND ra IS NOT NULL
                             AND ca IS NOT NULL AND rb IS NOT NULL AND cb IS NOT NULL))));
)sql";

// The server's roles get only what they use (issue 21). They read no
// sequence: ids come from identity columns, which need no privilege on their
// sequence, so a sequence's last_value (how many users, API keys, fits there
// are) is nobody's but the operator's. Nor the statistics of tables and
// indexes (pg_stat_user_tables' row counts and the pg_stat_get_* functions
// behind them), which PostgreSQL shows to PUBLIC: revoked from PUBLIC in this
// database and granted to pg_monitor, where the operator may (a role that does
// not own pg_catalog, as on a hosted database, skips that step with a notice).
// A fit's unique key includes its owner, so that a user's insert meets only
// their own rows: before, a duplicate (measurement, sweep, model) error told
// them another user's fit existed, before the foreign key refused the row.
constexpr std::string_view k_v7 = R"sql(
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC, eisgrid_anon, eisgrid_user;
ALTER TABLE fit_results DROP CONSTRAINT fit_results_sweep_model;
ALTER TABLE fit_results ADD CONSTRAINT fit_results_sweep_model UNIQUE (owner_id, measurement_id, sweep_index, model);
DO $$
DECLARE
  f regprocedure;
  v regclass;
BEGIN
  FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
           WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.proname LIKE 'pg_stat\_get\_%'
             AND p.pronargs = 1 AND p.proargtypes[0] = 'oid'::regtype LOOP
    EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO pg_monitor', f);
  END LOOP;
  FOR v IN SELECT c.oid::regclass FROM pg_class c
           WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relkind = 'v'
             AND (c.relname LIKE 'pg\_stat%\_tables' OR c.relname LIKE 'pg\_stat%\_indexes' OR c.relname LIKE 'pg\_statio\_%') LOOP
    EXECUTE format('REVOKE SELECT ON %s FROM PUBLIC', v);
    EXECUTE format('GRANT SELECT ON %s TO pg_monitor', v);
  END LOOP;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'eisgrid: this role may not restrict the statistics views; the server''s roles can read row counts';
END $$;
)sql";

// A tag holds its dataset row's model and parameters by the model's names
// (SPEC 12), as a fit does, so that a row of any model can be tagged and a
// new model needs no new column; rc's five columns go. Every earlier tag is
// rc's (float8's text is the shortest that reads back as the same double).
// The table's owner fills them with row-level security lifted for this
// transaction only. The policies test only owner_id and dataset_id, and the
// table's grants cover the new columns, so both stay as they are.
constexpr std::string_view k_v8 = R"sql(
ALTER TABLE tagged_npz_models
  ADD COLUMN model text NOT NULL DEFAULT 'rc' CHECK (length(model) BETWEEN 1 AND 32),
  ADD COLUMN params text CHECK (octet_length(params) <= 65536);
ALTER TABLE tagged_npz_models NO FORCE ROW LEVEL SECURITY;
UPDATE tagged_npz_models SET params = json_build_object('Rsh', rsh, 'Ra', ra, 'Ca', ca, 'Rb', rb, 'Cb', cb)::text;
ALTER TABLE tagged_npz_models FORCE ROW LEVEL SECURITY;
ALTER TABLE tagged_npz_models ALTER COLUMN params SET NOT NULL,
  DROP COLUMN rsh, DROP COLUMN ra, DROP COLUMN ca, DROP COLUMN rb, DROP COLUMN cb;
)sql";

constexpr migration k_migrations[] = {
    {1, "roles, users, API keys, configurations, datasets, tags, row-level security", k_v1},
    {2, "users named by a verified token's subject are created on first use", k_v2},
    {3, "compute jobs", k_v3},
    {4, "revoked users; token users in their own namespace", k_v4},
    {5, "experiments, measurements, fit results, row-level security", k_v5},
    {6, "fit results of any circuit model: one per sweep and model", k_v6},
    {7, "the server's roles read no sequence and no table statistics; a fit's key includes its owner", k_v7},
    {8, "tags of any circuit model: the row's model and parameters by name", k_v8},
};

}  // namespace

std::span<const migration> pg_migrations() noexcept { return k_migrations; }

}  // namespace eisgrid::catalog
