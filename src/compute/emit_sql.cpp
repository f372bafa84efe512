#include "compute/emit_sql.hpp"

#include <cmath>

#include "base/error.hpp"
#include "base/json_number.hpp"

namespace eisgrid::compute {
namespace {

constexpr std::string_view k_schema = R"sql(
CREATE TABLE IF NOT EXISTS public.circuit_configurations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id uuid NOT NULL,
  name text NOT NULL,
  fingerprint text NOT NULL,
  reference_type text NOT NULL CHECK (reference_type IN ('model', 'measured')),
  rsh double precision, ra double precision, ca double precision, rb double precision, cb double precision,
  reference_source text,
  grid_size bigint,
  parameter_ranges jsonb NOT NULL DEFAULT '{}',
  freq_min double precision NOT NULL,
  freq_max double precision NOT NULL,
  n_frequencies bigint NOT NULL,
  frequency_spacing text NOT NULL,
  is_public boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, fingerprint)
);
CREATE TABLE IF NOT EXISTS public.circuit_npz_datasets (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id uuid NOT NULL,
  circuit_config_id bigint REFERENCES public.circuit_configurations(id) ON DELETE SET NULL,
  file_name text NOT NULL,
  storage_location text NOT NULL CHECK (storage_location IN ('precomputed', 'user_generated')),
  file_path text NOT NULL,
  grid_size bigint,
  freq_min double precision,
  freq_max double precision,
  n_frequencies bigint NOT NULL,
  n_parameter_sets bigint NOT NULL,
  n_spectra bigint NOT NULL,
  n_grid_points bigint,
  file_size bigint NOT NULL,
  file_hash text NOT NULL,
  short_hash text NOT NULL,
  best_resnorm double precision,
  resnorm_metric text,
  description text,
  computation_metadata jsonb NOT NULL DEFAULT '{}',
  is_available boolean NOT NULL DEFAULT true,
  is_public boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, file_name)
);
ALTER TABLE public.circuit_configurations ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.circuit_configurations FORCE ROW LEVEL SECURITY;
ALTER TABLE public.circuit_npz_datasets ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.circuit_npz_datasets FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS eisgrid_configurations_read ON public.circuit_configurations;
DROP POLICY IF EXISTS eisgrid_configurations_write ON public.circuit_configurations;
DROP POLICY IF EXISTS eisgrid_datasets_read ON public.circuit_npz_datasets;
DROP POLICY IF EXISTS eisgrid_datasets_write ON public.circuit_npz_datasets;
CREATE POLICY eisgrid_configurations_read ON public.circuit_configurations FOR SELECT
  USING (is_public OR user_id = auth.uid());
CREATE POLICY eisgrid_configurations_write ON public.circuit_configurations FOR ALL
  USING (user_id = auth.uid()) WITH CHECK (user_id = auth.uid());
CREATE POLICY eisgrid_datasets_read ON public.circuit_npz_datasets FOR SELECT
  USING (is_public OR user_id = auth.uid());
CREATE POLICY eisgrid_datasets_write ON public.circuit_npz_datasets FOR ALL
  USING (user_id = auth.uid()) WITH CHECK (user_id = auth.uid());
)sql";

std::string number(double v) {
  if (std::isnan(v)) return "NULL";
  if (std::isinf(v)) return v > 0 ? "'Infinity'::double precision" : "'-Infinity'::double precision";
  return shortest_text(v);
}
std::string number(std::int64_t v) { return std::to_string(v); }
std::string number(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : "NULL"; }
std::string text_or_null(const std::string& s) { return s.empty() ? "NULL" : sql_literal(s); }

// A file name inside a -- comment: a line break would end the comment, so
// control characters become '?'.
std::string comment_text(std::string_view s) {
  std::string out;
  for (char c : s) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
  return out;
}

// The owner of every row: the signed-in user in the editor, else the given UUID.
std::string owner_expression(const std::string& owner_uuid) {
  return "coalesce(auth.uid(), " + (owner_uuid.empty() ? std::string("NULL") : sql_literal(owner_uuid)) + "::uuid)";
}

void append_file(std::string& out, const described_file& f, const std::string& owner) {
  const auto& in = f.input;
  const bool is_public = in.location == dataset::storage::precomputed;
  out += "\n-- " + std::string(dataset::to_string(in.location)) + ": " + comment_text(in.file_name) + "\n";
  std::string config_id = "NULL::bigint";
  if (in.configuration) {
    const auto& c = *in.configuration;
    const auto& r = c.reference;
    out +=
        "WITH cfg AS (\n  INSERT INTO public.circuit_configurations (user_id, name, fingerprint, reference_type, rsh, ra, ca, rb, cb, "
        "reference_source, grid_size, parameter_ranges, freq_min, freq_max, n_frequencies, frequency_spacing, is_public)\n"
        "  VALUES (" +
        owner + ", " + sql_literal(c.name.empty() ? c.default_name() : c.name) + ", " + sql_literal(c.fingerprint()) + ", " +
        sql_literal(r ? "model" : "measured") + ", " + (r ? number((*r)[0]) : "NULL") + ", " + (r ? number((*r)[1]) : "NULL") + ", " +
        (r ? number((*r)[2]) : "NULL") + ", " + (r ? number((*r)[3]) : "NULL") + ", " + (r ? number((*r)[4]) : "NULL") + ", " +
        text_or_null(c.reference_source) + ", " + number(c.grid_size) + ", " + sql_literal(c.parameter_ranges) + "::jsonb, " +
        number(c.freq_min) + ", " + number(c.freq_max) + ", " + number(c.n_frequencies) + ", " + sql_literal(c.frequency_spacing) + ", " +
        (is_public ? "true" : "false") +
        ")\n  ON CONFLICT (user_id, fingerprint) DO UPDATE SET is_public = circuit_configurations.is_public OR EXCLUDED.is_public\n"
        "  RETURNING id\n)\n";
    config_id = "(SELECT id FROM cfg)";
  }
  out +=
      "INSERT INTO public.circuit_npz_datasets (user_id, circuit_config_id, file_name, storage_location, file_path, grid_size, "
      "freq_min, freq_max, n_frequencies, n_parameter_sets, n_spectra, n_grid_points, file_size, file_hash, short_hash, "
      "best_resnorm, resnorm_metric, description, computation_metadata, is_available, is_public)\nVALUES (" +
      owner + ", " + config_id + ", " + sql_literal(in.file_name) + ", " + sql_literal(dataset::to_string(in.location)) + ", " +
      sql_literal(in.file_path) + ", " + number(in.grid_size) + ", " + number(in.freq_min) + ", " + number(in.freq_max) + ", " +
      number(in.n_frequencies) + ", " + number(in.n_parameter_sets) + ", " + number(in.n_spectra) + ", " + number(in.n_grid_points) + ", " +
      number(static_cast<std::int64_t>(in.file_size)) + ", " + sql_literal(in.file_hash) + ", " + sql_literal(in.file_hash.substr(0, 16)) +
      ", " + number(in.best_resnorm) + ", " + text_or_null(in.resnorm_metric) + ", " + text_or_null(in.description) + ", " +
      sql_literal(in.metadata_json) + "::jsonb, true, " + (is_public ? "true" : "false") +
      ")\nON CONFLICT (user_id, file_name) DO UPDATE SET circuit_config_id = EXCLUDED.circuit_config_id, "
      "storage_location = EXCLUDED.storage_location, file_path = EXCLUDED.file_path, grid_size = EXCLUDED.grid_size, "
      "freq_min = EXCLUDED.freq_min, freq_max = EXCLUDED.freq_max, n_frequencies = EXCLUDED.n_frequencies, "
      "n_parameter_sets = EXCLUDED.n_parameter_sets, n_spectra = EXCLUDED.n_spectra, n_grid_points = EXCLUDED.n_grid_points, "
      "file_size = EXCLUDED.file_size, file_hash = EXCLUDED.file_hash, short_hash = EXCLUDED.short_hash, "
      "best_resnorm = EXCLUDED.best_resnorm, resnorm_metric = EXCLUDED.resnorm_metric, description = EXCLUDED.description, "
      "computation_metadata = EXCLUDED.computation_metadata, is_available = true, is_public = EXCLUDED.is_public, "
      "updated_at = now()\nWHERE circuit_npz_datasets.file_hash IS DISTINCT FROM EXCLUDED.file_hash "
      "OR circuit_npz_datasets.file_size IS DISTINCT FROM EXCLUDED.file_size "
      "OR circuit_npz_datasets.circuit_config_id IS DISTINCT FROM EXCLUDED.circuit_config_id "
      "OR NOT circuit_npz_datasets.is_available;\n";
}

}  // namespace

std::string sql_literal(std::string_view text) {
  std::string out = "E'";
  for (char c : text) {
    if (c == '\0') continue;
    if (c == '\\' || c == '\'') out += c;
    out += c;
  }
  return out + "'";
}

bool is_uuid(std::string_view t) noexcept {
  if (t.size() != 36) return false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

std::string supabase_sql(const std::vector<described_file>& files, const std::string& owner_uuid) {
  if (!owner_uuid.empty() && !is_uuid(owner_uuid)) {
    throw error(error_kind::usage, "'" + owner_uuid + "' is not a UUID (like 123e4567-e89b-12d3-a456-426614174000)");
  }
  const std::string owner = owner_expression(owner_uuid);
  std::string out =
      "-- eisgrid dataset registration for a Supabase project: paste into the SQL editor and run.\n"
      "-- Rows are owned by auth.uid(), or else by the user UUID below. ";
  out += owner_uuid.empty() ? "Replace NULL in the owner check and in every\n-- coalesce(auth.uid(), NULL::uuid) with your user's UUID "
                              "(Authentication > Users), or pass --user-uuid.\n"
                            : "Owner: " + owner_uuid + "\n";
  out += "BEGIN;\n";
  out +=
      "DO $eisgrid$ BEGIN\n  IF " + owner +
      " IS NULL THEN\n    RAISE EXCEPTION 'eisgrid: no owner: sign in, or put your user UUID in this script';\n  END IF;\nEND $eisgrid$;\n";
  out += k_schema;
  std::size_t valid = 0;
  std::string present;
  for (const auto& f : files) {
    if (!f.valid) {
      out += "\n-- skipped, invalid: " + comment_text(f.file_name) + "\n";
      continue;
    }
    append_file(out, f, owner);
    present +=
        std::string(valid++ ? ", " : "") + "(" + sql_literal(dataset::to_string(f.input.location)) + ", " + sql_literal(f.file_name) + ")";
  }
  out +=
      "\n-- Files no longer present are marked unavailable.\nUPDATE public.circuit_npz_datasets SET is_available = false, updated_at = "
      "now()\n"
      "WHERE user_id = " +
      owner + " AND is_available";
  if (valid) out += "\n  AND (storage_location, file_name) NOT IN (" + present + ")";
  out += ";\nCOMMIT;\n";
  return out;
}

}  // namespace eisgrid::compute
