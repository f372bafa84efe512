#pragma once
// The rows of the catalog (SPEC 6) as the rest of eisgrid sees them.

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/dataset_record.hpp"
#include "base/fit_row.hpp"
#include "base/fit_status.hpp"
#include "catalog/connection.hpp"

namespace eisgrid::catalog {

// A dataset's short hash: the first 16 hex digits of its file's SHA-256.
inline constexpr std::size_t k_short_hash_digits = 16;
[[nodiscard]] inline std::string short_hash(std::string_view sha256) { return std::string(sha256.substr(0, k_short_hash_digits)); }

// A run's configuration: reference, grid and frequencies. Stored once per
// owner and reused when the same configuration runs again (by fingerprint).
struct configuration_input {
  std::string name;                                // generated when empty
  std::optional<std::array<double, 5>> reference;  // Rsh, Ra, Ca, Rb, Cb of a model reference
  std::string reference_source;                    // "model", or the measured file's name
  std::optional<std::int64_t> grid_size;           // points per axis when uniform
  std::string parameter_ranges = "{}";             // JSON object, as in the metadata
  double freq_min = 0, freq_max = 0;
  std::int64_t n_frequencies = 0;
  std::string frequency_spacing;  // log, linear, measured

  // SHA-256 of the canonical JSON of everything but the name.
  [[nodiscard]] std::string fingerprint() const;
  [[nodiscard]] std::string default_name() const;
};

struct configuration_record {
  row_id id = 0;
  std::optional<row_id> owner_id;  // empty: a shipped (system) configuration
  configuration_input config;
  bool is_public = false;
  bool auto_created = true;
};

// What registering a dataset file needs; everything comes from the file.
struct dataset_input {
  std::string file_name;
  dataset::storage location = dataset::storage::user_generated;
  std::string file_path;  // relative to the data root: npz/<location>/<name>
  std::optional<std::int64_t> grid_size;
  double freq_min = 0, freq_max = 0;
  std::int64_t n_frequencies = 0;
  std::int64_t n_parameter_sets = 0;
  std::int64_t n_spectra = 0;
  std::optional<std::int64_t> n_grid_points;
  std::uint64_t file_size = 0;
  std::string file_hash;    // SHA-256, 64 hex digits
  double best_resnorm = 0;  // NaN when there are no rows; may be infinite
  std::string resnorm_metric;
  std::string description;
  std::string metadata_json = "{}";
  std::optional<configuration_input> configuration;
};

struct dataset_record {
  row_id id = 0;
  std::optional<row_id> owner_id;
  std::string owner_name;
  std::optional<row_id> configuration_id;
  std::string file_name;
  dataset::storage location = dataset::storage::user_generated;
  std::string file_path;
  std::optional<std::int64_t> grid_size;
  double freq_min = 0, freq_max = 0;
  std::int64_t n_frequencies = 0, n_parameter_sets = 0, n_spectra = 0;
  std::optional<std::int64_t> n_grid_points;
  std::int64_t file_size = 0;
  std::string file_hash, short_hash;
  double best_resnorm = 0;
  std::string resnorm_metric, description, metadata_json;
  bool is_available = true, is_public = false;
  std::string created_at, updated_at;
};

// A user's tag on one ranked row of a dataset.
struct tag_input {
  row_id dataset_id = 0;
  std::int64_t rank = 0;  // row of the dataset, 0 = best
  double resnorm = 0;
  // The dataset's circuit model (model/models.hpp) and the row's parameters
  // after Rs, in the model's order (the file's param_names); the catalog
  // stores them by name. Empty when read back under a model this eisgrid
  // does not know.
  std::string model = "rc";
  std::vector<double> params;
  std::string label, category, notes;
  std::optional<double> quality_score;
  bool is_reference = false;
};

struct tag_record {
  row_id id = 0;
  row_id owner_id = 0;
  tag_input tag;
  std::string created_at;
};

struct user_record {
  row_id id = 0;
  std::string name;
  std::string created_at;
  std::int64_t active_keys = 0;
  bool revoked = false;  // by `user revoke`; a JWT user's tokens are refused
};

struct new_user {
  user_record user;
  std::string api_key;  // shown once; only its hash is stored
};

// A compute job started over HTTP, as last recorded.
struct job_record {
  std::string id;
  row_id owner_id = 0;
  std::string state;                  // queued, running, done, failed, cancelled
  std::string request;                // the JSON body it was started with
  std::string output;                 // the file it writes
  std::uint64_t done = 0, total = 0;  // grid points
  double elapsed_seconds = 0;
  std::string dataset_file;  // when done
  std::string error;         // when failed
  std::string created_at;    // ISO 8601, UTC
};

// A named group of one user's measurements and their fits (a plate, a study);
// private to its owner.
struct experiment_input {
  std::string name;  // unique per owner
  std::string description;
};

struct experiment_record {
  row_id id = 0;
  row_id owner_id = 0;
  experiment_input experiment;
  std::int64_t n_measurements = 0;
  std::string created_at, updated_at;
};

// What a lab records about a measurement; every field may be left empty.
struct measurement_fields {
  std::string sample;     // the sample or insert, e.g. "TW01"
  std::string condition;  // e.g. "control", "TNF 10 ng/ml"
  std::optional<std::int64_t> day;
  std::optional<double> area_cm2;  // the insert's area; positive and finite
  std::string notes;
};

// An uploaded instrument file as its reader described it. The catalog keeps
// the file at measurement_file_path() under the data root.
struct measurement_input {
  std::string file_name;  // as uploaded (measurement_file_name_problem())
  std::uint64_t file_size = 0;
  std::string file_hash;  // SHA-256 of the content, 64 lowercase hex digits
  std::string format;     // the reader's name for the format, e.g. "nova"
  std::int64_t n_sweeps = 0;
  std::int64_t n_points = 0;  // over all sweeps
  double freq_min = 0, freq_max = 0;
  std::string warnings_json = "[]";  // JSON array, the reader's warnings
  std::optional<row_id> experiment_id;
  measurement_fields fields;
};

struct measurement_record {
  row_id id = 0;
  row_id owner_id = 0;
  std::string file_path;  // relative to the data root
  measurement_input measurement;
  std::string created_at, updated_at;
};

// The fit of one sweep of a measurement (base/fit_row.hpp: the one
// definition the API, the CSV and the fit job share).
using fit_input = fit_row;

// The fits of some sweeps of one measurement, saved together.
struct measurement_fits {
  row_id measurement_id = 0;
  std::vector<fit_input> fits;
};

struct fit_record {
  row_id id = 0;
  row_id owner_id = 0;
  row_id measurement_id = 0;
  std::optional<row_id> experiment_id;  // the measurement's experiment
  fit_input fit;
  std::string created_at;

  // Per area, when an area is set: TER·A in Ω·cm² and TEC/A in µF/cm².
  [[nodiscard]] std::optional<double> ter_ohm_cm2() const;
  [[nodiscard]] std::optional<double> tec_uf_per_cm2() const;
};

enum class register_outcome { registered, updated, unchanged };

}  // namespace eisgrid::catalog
