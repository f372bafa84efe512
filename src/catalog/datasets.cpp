// Datasets: the rows of the .npz files, registered by compute, sync and the
// API, and the check that a file is still there.
#include <array>
#include <cassert>
#include <cmath>

#include "base/dataset_record.hpp"
#include "base/error.hpp"
#include "base/sha256.hpp"
#include "catalog/catalog.hpp"
#include "catalog/query_text.hpp"

namespace eisgrid::catalog {
namespace {

using detail::k_visible;
using detail::k_writable;
using detail::owner_param;
using detail::require_writer;
using detail::sql;

// The description is cut to its limit on the way out too, so a row written
// before the limit existed cannot make every listing carry megabytes.
const std::string k_dataset_columns =
    "id, owner_id, owner_name, configuration_id, file_name, storage_location, file_path, grid_size, freq_min, "
    "freq_max, n_frequencies, n_parameter_sets, n_spectra, n_grid_points, file_size, file_hash, short_hash, "
    "best_resnorm, resnorm_metric, substr(description, 1, " +
    std::to_string(dataset::k_max_description_length) +
    ") AS description, computation_metadata, is_available, is_public, created_at, updated_at";

dataset_record read_dataset(const row& r) {
  dataset_record d;
  d.id = r.get_int(0);
  d.owner_id = r.get_optional_int(1);
  d.owner_name = r.get_text(2);
  d.configuration_id = r.get_optional_int(3);
  d.file_name = r.get_text(4);
  d.location = dataset::parse_storage(r.get_text(5)).value_or(dataset::storage::user_generated);
  d.file_path = r.get_text(6);
  d.grid_size = r.get_optional_int(7);
  d.freq_min = r.get_double(8);
  d.freq_max = r.get_double(9);
  d.n_frequencies = r.get_int(10);
  d.n_parameter_sets = r.get_int(11);
  d.n_spectra = r.get_int(12);
  d.n_grid_points = r.get_optional_int(13);
  d.file_size = r.get_int(14);
  d.file_hash = r.get_text(15);
  d.short_hash = r.get_text(16);
  d.best_resnorm = r.get_double(17);
  d.resnorm_metric = r.get_text(18);
  d.description = r.get_text(19);
  d.metadata_json = r.get_text(20);
  d.is_available = r.get_bool(21);
  d.is_public = r.get_bool(22);
  d.created_at = r.get_text(23);
  d.updated_at = r.get_text(24);
  return d;
}

}  // namespace

void check_text_limits(const std::string& description, const std::string& metadata_json) {
  if (description.size() > dataset::k_max_description_length) {
    throw error(error_kind::invalid_input, "the description is " + std::to_string(description.size()) + " bytes, over the limit of " +
                                               std::to_string(dataset::k_max_description_length));
  }
  if (metadata_json.size() > dataset::k_max_metadata_json_bytes) {
    throw error(error_kind::invalid_input, "the metadata is " + std::to_string(metadata_json.size()) +
                                               " bytes of JSON, over the limit of " + std::to_string(dataset::k_max_metadata_json_bytes));
  }
}

std::vector<dataset_record> catalog::list_datasets(const principal& who) {
  transaction tx(*db_, who, false);
  const auto r = db_->query(
      sql({"SELECT ", k_dataset_columns, " FROM circuit_npz_datasets_overview WHERE ", k_visible, " ORDER BY updated_at DESC, id DESC"}),
      {who.is_admin(), who.uid()});
  tx.commit();
  std::vector<dataset_record> out;
  for (const auto& row : r.rows) out.push_back(read_dataset(row));
  return out;
}

std::optional<dataset_record> catalog::find_dataset(const principal& who, row_id id) {
  transaction tx(*db_, who, false);
  const auto r = db_->query(sql({"SELECT ", k_dataset_columns, " FROM circuit_npz_datasets_overview WHERE id = ? AND ", k_visible}),
                            {id, who.is_admin(), who.uid()});
  tx.commit();
  if (r.rows.empty()) return std::nullopt;
  return read_dataset(r.rows[0]);
}

void catalog::lock_file(const dataset_input& in) {
  // SQLite's write transaction already holds the only write lock; PostgreSQL
  // serialises registrations of one file with a transaction-scoped lock.
  if (db_->kind() != engine::postgresql) return;
  db_->query("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", {std::string(dataset::to_string(in.location)) + "/" + in.file_name});
}

register_outcome catalog::register_dataset(const principal& who, const dataset_input& in, std::optional<row_id> owner) {
  require_writer(who, "register a dataset");
  if (who.role == principal::kind::user) {
    // Ownerless (shipped) datasets and other users' are the operator's to register.
    if (owner != who.user_id) throw error(error_kind::forbidden, "cannot register a dataset for another user or without an owner");
  }
  transaction tx(*db_, who, true);
  lock_file(in);
  const auto outcome = upsert_row(who, in, owner, std::nullopt);
  tx.commit();
  return outcome;
}

register_outcome catalog::register_file(const dataset_input& in, std::optional<row_id> owner, bool claim) {
  const auto who = principal::admin();
  transaction tx(*db_, who, true);
  lock_file(in);
  const auto rows = db_->query("SELECT id, owner_id FROM circuit_npz_datasets WHERE storage_location = ? AND file_name = ? ORDER BY id",
                               {std::string(dataset::to_string(in.location)), in.file_name});
  register_outcome outcome = register_outcome::unchanged;
  if (rows.rows.empty()) {
    outcome = upsert_row(who, in, owner, std::nullopt);
  } else if (claim) {
    const row* pick = &rows.rows[0];
    for (const auto& r : rows.rows) {
      if (r.get_optional_int(1) == owner) pick = &r;
    }
    outcome = upsert_row(who, in, owner, pick->get_int(0));
  } else {
    for (const auto& r : rows.rows) {
      const auto one = upsert_row(who, in, r.get_optional_int(1), r.get_int(0));
      if (one == register_outcome::updated) outcome = one;
    }
  }
  tx.commit();
  return outcome;
}

register_outcome catalog::upsert_row(const principal& who, const dataset_input& in, std::optional<row_id> owner,
                                     std::optional<row_id> existing_id) {
  check_text_limits(in.description, in.metadata_json);
  const bool is_public = in.location == dataset::storage::precomputed;
  const std::string location(dataset::to_string(in.location));
  const param best = std::isnan(in.best_resnorm) ? null_param() : param(in.best_resnorm);
  std::optional<row_id> config_id;
  if (in.configuration) config_id = find_or_create_configuration(*in.configuration, owner, is_public);

  constexpr const char* k_columns =
      "SELECT id, configuration_id, storage_location, file_path, file_size, file_hash, is_available, is_public, owner_id "
      "FROM circuit_npz_datasets WHERE ";
  const auto find = [&] {
    if (existing_id) return db_->query(sql({k_columns, "id = ?"}), {*existing_id});
    return db_->query(sql({k_columns, "file_name = ? AND ((? AND owner_id IS NULL) OR owner_id = ?)"}),
                      {in.file_name, !owner, owner_param(owner)});
  };
  // The columns a registration writes, in the order of `values`; file_name
  // identifies the row, so only an insert writes it.
  static constexpr std::array<const char*, 19> k_written = {
      "owner_id",  "configuration_id", "storage_location", "file_path",      "grid_size",     "freq_min",
      "freq_max",  "n_frequencies",    "n_parameter_sets", "n_spectra",      "n_grid_points", "file_size",
      "file_hash", "short_hash",       "best_resnorm",     "resnorm_metric", "description",   "computation_metadata",
      "is_public"};
  params values = {owner_param(owner),
                   optional_param(config_id),
                   location,
                   in.file_path,
                   optional_param(in.grid_size),
                   in.freq_min,
                   in.freq_max,
                   in.n_frequencies,
                   in.n_parameter_sets,
                   in.n_spectra,
                   optional_param(in.n_grid_points),
                   static_cast<std::int64_t>(in.file_size),
                   in.file_hash,
                   short_hash(in.file_hash),
                   best,
                   text_or_null(in.resnorm_metric),
                   text_or_null(in.description),
                   in.metadata_json,
                   is_public};
  assert(values.size() == k_written.size());

  auto existing = find();
  if (existing.rows.empty()) {
    std::string columns, placeholders;
    for (const char* c : k_written) {
      columns += std::string(c) + ", ";
      placeholders += "?, ";
    }
    params inserted_values = values;
    inserted_values.emplace_back(in.file_name);
    const auto inserted = db_->query(sql({"INSERT INTO circuit_npz_datasets (", columns, "file_name, is_available) VALUES (", placeholders,
                                          "?, TRUE) ON CONFLICT DO NOTHING RETURNING id"}),
                                     inserted_values);
    if (!inserted.rows.empty()) return register_outcome::registered;
    existing = find();  // registered by another process a moment ago
    if (existing.rows.empty()) throw error(error_kind::internal, "catalog: dataset vanished while registering it");
  }

  const row& old = existing.rows[0];
  const row_id id = old.get_int(0);
  const auto old_config = old.get_optional_int(1);
  const bool same = old_config == config_id && old.get_text(2) == location && old.get_text(3) == in.file_path &&
                    old.get_int(4) == static_cast<std::int64_t>(in.file_size) && old.get_text(5) == in.file_hash && old.get_bool(6) &&
                    old.get_bool(7) == is_public && old.get_optional_int(8) == owner;
  if (same) return register_outcome::unchanged;
  std::string assignments;
  for (const char* c : k_written) assignments += std::string(c) + " = ?, ";
  values.insert(values.end(), {id, who.is_admin(), who.uid()});
  const auto updated = db_->query(sql({"UPDATE circuit_npz_datasets SET ", assignments,
                                       "is_available = TRUE, updated_at = CURRENT_TIMESTAMP WHERE id = ? AND ", k_writable}),
                                  values);
  if (updated.affected == 0) throw error(error_kind::forbidden, "dataset " + std::to_string(id) + " is not yours to change");
  if (old_config != config_id) remove_if_orphan(old_config);
  return register_outcome::updated;
}

void catalog::set_dataset_description(const principal& who, row_id id, const std::string& description) {
  check_text_limits(description, {});
  transaction tx(*db_, who, true);
  check_writable(who, "circuit_npz_datasets", id, "dataset");
  const auto r =
      db_->query(sql({"UPDATE circuit_npz_datasets SET description = ?, updated_at = CURRENT_TIMESTAMP WHERE id = ? AND ", k_writable}),
                 {text_or_null(description), id, who.is_admin(), who.uid()});
  if (r.affected == 0) throw error(error_kind::forbidden, "dataset " + std::to_string(id) + " is not yours to change");
  tx.commit();
}

void catalog::delete_dataset(const principal& who, row_id id) {
  transaction tx(*db_, who, true);
  check_writable(who, "circuit_npz_datasets", id, "dataset");
  const auto config = db_->query("SELECT configuration_id FROM circuit_npz_datasets WHERE id = ?", {id});
  const auto r = db_->query(sql({"DELETE FROM circuit_npz_datasets WHERE id = ? AND ", k_writable}), {id, who.is_admin(), who.uid()});
  if (r.affected == 0) throw error(error_kind::forbidden, "dataset " + std::to_string(id) + " is not yours to change");
  if (!config.rows.empty()) remove_if_orphan(config.rows[0].get_optional_int(0));
  tx.commit();
}

std::int64_t catalog::mark_unavailable_except(const std::set<std::pair<std::string, std::string>>& present,
                                              const std::function<bool(dataset::storage, const std::string&)>& gone) {
  const auto who = principal::admin();
  transaction tx(*db_, who, true);
  const auto r = db_->query("SELECT id, storage_location, file_name FROM circuit_npz_datasets WHERE is_available");
  std::int64_t marked = 0;
  for (const auto& row : r.rows) {
    if (present.count({row.get_text(1), row.get_text(2)})) continue;
    const auto location = dataset::parse_storage(row.get_text(1));
    if (location && !gone(*location, row.get_text(2))) continue;
    marked +=
        db_->query("UPDATE circuit_npz_datasets SET is_available = FALSE, updated_at = CURRENT_TIMESTAMP WHERE id = ?", {row.get_int(0)})
            .affected;
  }
  tx.commit();
  return marked;
}

}  // namespace eisgrid::catalog
