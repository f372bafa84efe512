#pragma once
// The dataset catalog (SPEC 6): one interface over SQLite (the default, a file
// under the data root) and PostgreSQL (when a connection URL is given).
//
// Visibility, the same on both engines: anyone reads public rows; a user also
// reads and writes their own; nobody reads or changes another user's private
// rows; the administrator (the local operator) may do everything. Every method
// runs as one transaction for the principal it is given. On PostgreSQL that
// transaction sets the database role and user, and row-level security enforces
// the rules; the queries below apply the same rules, which is all SQLite has.
//
// Errors: error(not_found) for a row the principal cannot see, error(forbidden)
// for a visible row that is not theirs to change (or any write by an anonymous
// caller), error(conflict) for a duplicate, error(usage) for a bad name.
// Not thread-safe; open one catalog per thread or process.

#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "catalog/connection.hpp"
#include "catalog/lab_fields.hpp"
#include "catalog/records.hpp"

namespace eisgrid::catalog {

// The SQLite file under a data root.
inline constexpr const char* k_sqlite_file_name = "catalog.sqlite3";
// The user that owns local runs when no --user is given; created on first use.
inline constexpr const char* k_local_user = "local";
inline constexpr std::size_t k_max_user_name_length = 64;

// Empty if `name` is a valid user name (letters, digits, '.', '_', '-'; 1 to 64), else why not.
[[nodiscard]] std::string user_name_problem(std::string_view name);

// A tag's text, bounded for every caller (command line and API) like a
// dataset's: label and notes as a measurement's (k_max_label_length and
// k_max_notes_length, lab_fields.hpp).
inline constexpr std::size_t k_max_category_length = 100;

// Throws error(invalid_input) for a description over
// dataset::k_max_description_length or metadata JSON over
// dataset::k_max_metadata_json_bytes. Every registration and description
// update checks this, on both engines.
void check_text_limits(const std::string& description, const std::string& metadata_json);

// Users named by a verified JWT live in their own namespace: the subject "x"
// is the catalog user "jwt:x", a name no other user can have (a user name
// holds no ':'), so a token never reads an API-key user's rows.
inline constexpr std::string_view k_token_user_prefix = "jwt:";
// The catalog user of a token's subject. Throws error(usage) when the subject
// is not a valid user name or is too long for the prefix (over 60 characters).
[[nodiscard]] std::string token_user_name(std::string_view subject);

class catalog {
 public:
  // Takes the connection and applies any missing migrations.
  explicit catalog(std::unique_ptr<connection> db);
  // PostgreSQL when `url` is a postgres:// URL, else SQLite at `url` if given,
  // else <data_root>/catalog.sqlite3. Throws error(io) if it cannot connect.
  [[nodiscard]] static catalog open(const std::filesystem::path& data_root, const std::string& url);

  [[nodiscard]] engine kind() const noexcept { return db_->kind(); }
  [[nodiscard]] connection& db() noexcept { return *db_; }

  // Users and API keys: operator actions, run as the administrator.
  // Creates the user (or re-keys one that has no active key) and returns the key.
  new_user add_user(std::string_view name);
  // Returns the user, creating it without a key if needed.
  user_record ensure_user(std::string_view name);
  [[nodiscard]] std::optional<user_record> find_user(std::string_view name);
  [[nodiscard]] std::vector<user_record> list_users();
  // Revokes every active key of the user, and the user: a JWT user's tokens
  // are refused from then on (until add_user re-keys a user, which only an
  // API-key user can be). Returns how many keys. Throws not_found.
  std::int64_t revoke_user(std::string_view name);
  // The user of a token's subject (token_user_name()), which the caller has
  // verified, created on first use. Throws error(usage) for an unusable
  // subject and error(unauthorized) when the user is revoked. Needs no
  // operator rights: it runs as the anonymous principal, whom PostgreSQL lets
  // create and see only the token user named in the transaction's
  // eisgrid.subject setting.
  user_record ensure_token_user(std::string_view subject);
  // The user an API key belongs to, if the key is known and not revoked.
  // Runs as the anonymous principal: it needs no privilege but the key.
  [[nodiscard]] std::optional<principal> authenticate(std::string_view api_key);

  // Datasets.
  [[nodiscard]] std::vector<dataset_record> list_datasets(const principal& who);
  [[nodiscard]] std::optional<dataset_record> find_dataset(const principal& who, row_id id);
  // Registers or updates the file's row owned by `owner`, empty meaning a
  // shipped, ownerless dataset. A user principal may register only rows they
  // own (anything else is error(forbidden)); the administrator any row. Precomputed datasets are public. The configuration
  // is found or created; one left unused by the update is removed.
  register_outcome register_dataset(const principal& who, const dataset_input& in, std::optional<row_id> owner);
  void set_dataset_description(const principal& who, row_id id, const std::string& description);
  void delete_dataset(const principal& who, row_id id);
  // Registers the file at (location, file name) as the administrator, in one
  // transaction that no other registration of the same file interleaves with.
  // Rows already registered for the file are updated and keep their owners,
  // unless `claim`: then one row is (re)assigned to `owner`, as when a user's
  // compute has just written the file. A new file gets `owner` (empty: a
  // shipped, ownerless dataset).
  register_outcome register_file(const dataset_input& in, std::optional<row_id> owner, bool claim);
  // Marks unavailable every available row whose (location, file name) is not
  // in `present` and for which `gone(location, file name)` still holds, asked
  // inside the write transaction: a file that another process wrote and
  // registered after this sync scanned the directory is left alone. Returns
  // how many rows were marked (administrator only).
  std::int64_t mark_unavailable_except(const std::set<std::pair<std::string, std::string>>& present,
                                       const std::function<bool(dataset::storage, const std::string&)>& gone);

  // Configurations.
  [[nodiscard]] std::vector<configuration_record> list_configurations(const principal& who);
  void rename_configuration(const principal& who, row_id id, const std::string& name);
  void delete_configuration(const principal& who, row_id id);

  // Tags on single ranked rows.
  row_id add_tag(const principal& who, const tag_input& tag);
  [[nodiscard]] std::vector<tag_record> list_tags(const principal& who, std::optional<row_id> dataset_id = std::nullopt);
  void set_tag_notes(const principal& who, row_id id, const std::string& notes);
  void delete_tag(const principal& who, row_id id);

  // Compute jobs, each visible to its owner only (jobs.cpp).
  // Inserts the job or updates its state, progress and outcome; `who` must be
  // its owner. A finished job also drops the owner's oldest finished jobs
  // beyond `keep_finished`.
  void save_job(const principal& who, const job_record& job, std::size_t keep_finished);
  // The owner's jobs, newest first.
  [[nodiscard]] std::vector<job_record> list_jobs(const principal& who);
  [[nodiscard]] std::optional<job_record> find_job(const principal& who, std::string_view id);

  // Experiments, measurements and their fits (SPEC 9, 10; measurements.cpp,
  // fit_results.cpp). Each row is its owner's alone: nobody else, anonymous
  // callers included, reads or changes it, and a row the caller may not see
  // is error(not_found) whether or not it exists. Only a user creates
  // experiments and measurements; the administrator may read, change and
  // delete any. Inputs are checked first (lab_fields.hpp: error(usage)).

  // Throws error(conflict) if the owner has an experiment of that name.
  row_id create_experiment(const principal& who, const experiment_input& in);
  [[nodiscard]] std::vector<experiment_record> list_experiments(const principal& who);
  [[nodiscard]] std::optional<experiment_record> find_experiment(const principal& who, row_id id);
  // Renames and re-describes; error(conflict) if the new name is taken.
  void update_experiment(const principal& who, row_id id, const experiment_input& in);
  // The experiment's measurements and fits stay, in no experiment.
  void delete_experiment(const principal& who, row_id id);

  // Records a file `who` uploaded, at measurement_file_path() for them, in
  // `in.experiment_id` if given (theirs, else not_found). The same content
  // twice is error(conflict) naming the measurement that holds it.
  measurement_record add_measurement(const principal& who, const measurement_input& in);
  // The caller's measurements, or those of one experiment; newest first.
  [[nodiscard]] std::vector<measurement_record> list_measurements(const principal& who, std::optional<row_id> experiment_id = std::nullopt);
  [[nodiscard]] std::optional<measurement_record> find_measurement(const principal& who, row_id id);
  // The caller's measurement of that content (SHA-256), if any.
  [[nodiscard]] std::optional<measurement_record> find_measurement_by_hash(const principal& who, std::string_view file_hash);
  // How many measurements the user `who` owns and the bytes of their stored
  // files (the server's storage quota counts these).
  struct measurement_usage {
    std::int64_t measurements = 0;
    std::int64_t stored_bytes = 0;
  };
  [[nodiscard]] measurement_usage usage_of_measurements(const principal& who);
  // The fields and, when `move_to` is given, the experiment (as
  // move_measurement does) in one transaction: a refused move stores nothing.
  void update_measurement_fields(const principal& who, row_id id, const measurement_fields& fields,
                                 const std::optional<std::optional<row_id>>& move_to = std::nullopt);
  // Into the owner's experiment `experiment_id`, or out of any; its fits follow.
  void move_measurement(const principal& who, row_id id, std::optional<row_id> experiment_id);
  // Deletes the row and its fits; returns the file's path under the data
  // root, for the caller to remove once this has returned.
  std::string delete_measurement(const principal& who, row_id id);

  // Stores the fits of some sweeps of a measurement in one transaction, one
  // per sweep and model; the fits of a sweep replace all its earlier fits, of
  // every model. A sweep past the measurement's last, or a sweep and model
  // given twice, is error(usage).
  void save_fit_results(const principal& who, row_id measurement_id, const std::vector<fit_input>& fits);
  // The same for several measurements (a fitted experiment) in one
  // transaction: all are stored, or, on any error, none.
  void save_fit_results(const principal& who, const std::vector<measurement_fits>& batch);
  // By sweep, a sweep's models in the order they were fitted.
  [[nodiscard]] std::vector<fit_record> list_fit_results(const principal& who, row_id measurement_id);
  // By measurement, then sweep.
  [[nodiscard]] std::vector<fit_record> list_experiment_fit_results(const principal& who, row_id experiment_id);
  // Returns how many fits were deleted.
  std::int64_t delete_fit_results(const principal& who, row_id measurement_id);

 private:
  std::unique_ptr<connection> db_;

  row_id find_or_create_configuration(const configuration_input& config, std::optional<row_id> owner, bool is_public);
  void remove_if_orphan(std::optional<row_id> configuration_id);
  void lock_file(const dataset_input& in);
  // Inside an open write transaction: inserts the row of (owner, file name), or
  // updates row `existing_id` (or the owner's row) to `in`, owned by `owner`.
  register_outcome upsert_row(const principal& who, const dataset_input& in, std::optional<row_id> owner,
                              std::optional<row_id> existing_id);
  // Inside save_fit_results' transaction: one measurement's fits, `sweeps` their indices.
  void store_fits(const principal& who, const measurement_fits& one, const std::set<std::int64_t>& sweeps);
  // Throws not_found unless the row is visible to `who`, forbidden unless writable.
  void check_writable(const principal& who, const char* table, row_id id, const char* what);
  // Inside an open write transaction: move_measurement's work.
  void set_measurement_experiment(const principal& who, row_id id, std::optional<row_id> experiment_id);
  // For the tables private to their owner: throws not_found unless `who` may change row `id`.
  void require_own(const principal& who, const char* table, row_id id, const char* what);
};

}  // namespace eisgrid::catalog
