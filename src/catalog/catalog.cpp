#include "catalog/catalog.hpp"

#include <array>
#include <cassert>
#include <cmath>

#include <nlohmann/json.hpp>

#include "base/dataset_record.hpp"
#include "base/error.hpp"
#include "catalog/api_key.hpp"
#include "catalog/migrations.hpp"
#include "catalog/pg_connection.hpp"
#include "catalog/query_text.hpp"
#include "catalog/sha256.hpp"
#include "catalog/sqlite_connection.hpp"

namespace eisgrid::catalog {
namespace {

using detail::k_visible;
using detail::k_writable;
using detail::require_writer;
using detail::sql;

constexpr const char* k_tag_visible =
    "(? OR owner_id = ? OR EXISTS (SELECT 1 FROM circuit_npz_datasets d "
    "WHERE d.id = tagged_npz_models.dataset_id AND d.is_public))";

// The description is cut to its limit on the way out too, so a row written
// before the limit existed cannot make every listing carry megabytes.
const std::string k_dataset_columns =
    "id, owner_id, owner_name, configuration_id, file_name, storage_location, file_path, grid_size, freq_min, "
    "freq_max, n_frequencies, n_parameter_sets, n_spectra, n_grid_points, file_size, file_hash, short_hash, "
    "best_resnorm, resnorm_metric, substr(description, 1, " +
    std::to_string(dataset::k_max_description_length) +
    ") AS description, computation_metadata, is_available, is_public, created_at, updated_at";

constexpr const char* k_configuration_columns =
    "id, owner_id, name, reference_type, rsh, ra, ca, rb, cb, reference_source, grid_size, parameter_ranges, "
    "freq_min, freq_max, n_frequencies, frequency_spacing, is_public, auto_created";

constexpr const char* k_tag_columns =
    "id, owner_id, dataset_id, rank_index, resnorm, rsh, ra, ca, rb, cb, label, category, notes, quality_score, "
    "is_reference, created_at";

param owner_param(std::optional<row_id> owner) { return owner ? param(*owner) : null_param(); }

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

configuration_record read_configuration(const row& r) {
  configuration_record c;
  c.id = r.get_int(0);
  c.owner_id = r.get_optional_int(1);
  c.config.name = r.get_text(2);
  if (r.get_text(3) == "model") {
    c.config.reference = std::array<double, 5>{r.get_double(4), r.get_double(5), r.get_double(6), r.get_double(7), r.get_double(8)};
  }
  c.config.reference_source = r.get_text(9);
  c.config.grid_size = r.get_optional_int(10);
  c.config.parameter_ranges = r.get_text(11);
  c.config.freq_min = r.get_double(12);
  c.config.freq_max = r.get_double(13);
  c.config.n_frequencies = r.get_int(14);
  c.config.frequency_spacing = r.get_text(15);
  c.is_public = r.get_bool(16);
  c.auto_created = r.get_bool(17);
  return c;
}

tag_record read_tag(const row& r) {
  tag_record t;
  t.id = r.get_int(0);
  t.owner_id = r.get_int(1);
  t.tag.dataset_id = r.get_int(2);
  t.tag.rank = r.get_int(3);
  t.tag.resnorm = r.get_double(4);
  for (std::size_t k = 0; k < 5; ++k) t.tag.parameters[k] = r.get_double(5 + k);
  t.tag.label = r.get_text(10);
  t.tag.category = r.get_text(11);
  t.tag.notes = r.get_text(12);
  if (!r.is_null(13)) t.tag.quality_score = r.get_double(13);
  t.tag.is_reference = r.get_bool(14);
  t.created_at = r.get_text(15);
  return t;
}

// The columns of k_user_columns, then optionally the number of active keys.
constexpr const char* k_user_columns = "id, name, created_at, revoked_at IS NOT NULL";
user_record read_user(const row& r) {
  return user_record{r.get_int(0), r.get_text(1), r.get_text(2), r.size() > 4 ? r.get_int(4) : 0, r.get_bool(3)};
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

std::string configuration_input::fingerprint() const {
  nlohmann::json j;
  j["reference"] = reference ? nlohmann::json(*reference) : nlohmann::json();
  j["reference_source"] = reference_source;
  j["grid_size"] = grid_size ? nlohmann::json(*grid_size) : nlohmann::json();
  j["parameter_ranges"] = nlohmann::json::parse(parameter_ranges, nullptr, false);
  if (j["parameter_ranges"].is_discarded()) j["parameter_ranges"] = parameter_ranges;
  j["freq_min"] = freq_min;
  j["freq_max"] = freq_max;
  j["n_frequencies"] = n_frequencies;
  j["frequency_spacing"] = frequency_spacing;
  return sha256_hex(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string configuration_input::default_name() const {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s, %g-%g Hz, %lld points", grid_size ? ("grid " + std::to_string(*grid_size)).c_str() : "custom grid",
                freq_min, freq_max, static_cast<long long>(n_frequencies));
  std::string name = buf;
  if (reference) {
    std::snprintf(buf, sizeof buf, ", reference %g/%g/%g/%g/%g", (*reference)[0], (*reference)[1], (*reference)[2], (*reference)[3],
                  (*reference)[4]);
    name += buf;
  } else if (!reference_source.empty()) {
    name += ", measured " + reference_source.substr(0, 100);
  }
  return name;
}

std::string user_name_problem(std::string_view name) {
  if (name.empty()) return "a user name cannot be empty";
  if (name.size() > k_max_user_name_length) return "a user name has at most 64 characters";
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return "a user name may hold only letters, digits, '.', '_' and '-'";
  }
  return {};
}

std::string token_user_name(std::string_view subject) {
  if (const auto problem = user_name_problem(subject); !problem.empty()) throw error(error_kind::usage, "token subject: " + problem);
  if (subject.size() + k_token_user_prefix.size() > k_max_user_name_length) {
    throw error(error_kind::usage,
                "token subject: at most " + std::to_string(k_max_user_name_length - k_token_user_prefix.size()) + " characters");
  }
  return std::string(k_token_user_prefix) + std::string(subject);
}

catalog::catalog(std::unique_ptr<connection> db) : db_(std::move(db)) { migrate(*db_); }

catalog catalog::open(const std::filesystem::path& data_root, const std::string& url) {
  if (is_postgres_url(url)) return catalog(std::make_unique<pg_connection>(url));
  if (url.find("://") != std::string::npos) {
    throw error(error_kind::usage, "unsupported catalog URL '" + url + "': use postgresql://... or a SQLite file path");
  }
  std::filesystem::path file;
  if (url.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(data_root, ec);
    if (ec) throw error(error_kind::io, "cannot create data directory '" + data_root.string() + "': " + ec.message());
    file = data_root / k_sqlite_file_name;
  } else {
    file = url.starts_with("sqlite:") ? url.substr(7) : url;
  }
  return catalog(std::make_unique<sqlite_connection>(file));
}

// ---- configurations ----

row_id catalog::find_or_create_configuration(const configuration_input& config, std::optional<row_id> owner, bool is_public) {
  const std::string fingerprint = config.fingerprint();
  const auto find = [&] {
    return db_->query("SELECT id FROM circuit_configurations WHERE fingerprint = ? AND ((? AND owner_id IS NULL) OR owner_id = ?)",
                      {fingerprint, !owner, owner_param(owner)});
  };
  if (auto r = find(); !r.rows.empty()) return r.rows[0].get_int(0);
  const auto& ref = config.reference;
  const auto inserted = db_->query(
      "INSERT INTO circuit_configurations (owner_id, name, fingerprint, reference_type, rsh, ra, ca, rb, cb, "
      "reference_source, grid_size, parameter_ranges, freq_min, freq_max, n_frequencies, frequency_spacing, is_public, "
      "auto_created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, TRUE) ON CONFLICT DO NOTHING RETURNING id",
      {owner_param(owner), config.name.empty() ? config.default_name() : config.name, fingerprint, std::string(ref ? "model" : "measured"),
       ref ? param((*ref)[0]) : null_param(), ref ? param((*ref)[1]) : null_param(), ref ? param((*ref)[2]) : null_param(),
       ref ? param((*ref)[3]) : null_param(), ref ? param((*ref)[4]) : null_param(), text_or_null(config.reference_source),
       optional_param(config.grid_size), config.parameter_ranges, config.freq_min, config.freq_max, config.n_frequencies,
       config.frequency_spacing, is_public});
  if (!inserted.rows.empty()) return inserted.rows[0].get_int(0);
  // Another process registered the same configuration a moment ago.
  if (auto r = find(); !r.rows.empty()) return r.rows[0].get_int(0);
  throw error(error_kind::internal, "catalog: configuration vanished while registering it");
}

void catalog::remove_if_orphan(std::optional<row_id> configuration_id) {
  if (!configuration_id) return;
  db_->query(
      "DELETE FROM circuit_configurations WHERE id = ? AND auto_created AND NOT EXISTS "
      "(SELECT 1 FROM circuit_npz_datasets d WHERE d.configuration_id = circuit_configurations.id)",
      {*configuration_id});
}

std::vector<configuration_record> catalog::list_configurations(const principal& who) {
  transaction tx(*db_, who, false);
  const auto r = db_->query(sql({"SELECT ", k_configuration_columns, " FROM circuit_configurations WHERE ", k_visible, " ORDER BY id"}),
                            {who.is_admin(), who.uid()});
  tx.commit();
  std::vector<configuration_record> out;
  for (const auto& row : r.rows) out.push_back(read_configuration(row));
  return out;
}

void catalog::check_writable(const principal& who, const char* table, row_id id, const char* what) {
  const std::string visible = std::string_view(table) == "tagged_npz_models" ? k_tag_visible : k_visible;
  const auto r = db_->query(sql({"SELECT ", k_writable, " FROM ", table, " WHERE id = ? AND ", visible}),
                            {who.is_admin(), who.uid(), id, who.is_admin(), who.uid()});
  if (r.rows.empty()) throw error(error_kind::not_found, std::string(what) + " " + std::to_string(id) + " not found");
  if (!r.rows[0].get_bool(0)) {
    throw error(error_kind::forbidden, std::string(what) + " " + std::to_string(id) + " is not yours to change");
  }
}

void catalog::rename_configuration(const principal& who, row_id id, const std::string& name) {
  transaction tx(*db_, who, true);
  check_writable(who, "circuit_configurations", id, "configuration");
  const auto r = db_->query(sql({"UPDATE circuit_configurations SET name = ?, auto_created = FALSE WHERE id = ? AND ", k_writable}),
                            {name, id, who.is_admin(), who.uid()});
  if (r.affected == 0) throw error(error_kind::forbidden, "configuration " + std::to_string(id) + " is not yours to change");
  tx.commit();
}

void catalog::delete_configuration(const principal& who, row_id id) {
  transaction tx(*db_, who, true);
  check_writable(who, "circuit_configurations", id, "configuration");
  const auto r = db_->query(sql({"DELETE FROM circuit_configurations WHERE id = ? AND ", k_writable}), {id, who.is_admin(), who.uid()});
  if (r.affected == 0) throw error(error_kind::forbidden, "configuration " + std::to_string(id) + " is not yours to change");
  tx.commit();
}

// ---- datasets ----

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

// ---- tags ----

row_id catalog::add_tag(const principal& who, const tag_input& tag) {
  require_writer(who, "tag a row");
  if (who.role != principal::kind::user) throw error(error_kind::forbidden, "cannot tag a row: tags belong to a user");
  if (tag.label.empty()) throw error(error_kind::usage, "a tag needs a label");
  const std::pair<const std::string*, std::size_t> limits[] = {
      {&tag.label, k_max_label_length}, {&tag.category, k_max_category_length}, {&tag.notes, k_max_notes_length}};
  for (const auto& [text, limit] : limits) {
    if (text->size() > limit) {
      throw error(error_kind::usage,
                  "a tag's text is " + std::to_string(text->size()) + " bytes, over the limit of " + std::to_string(limit));
    }
  }
  transaction tx(*db_, who, true);
  const auto visible =
      db_->query(sql({"SELECT 1 FROM circuit_npz_datasets WHERE id = ? AND ", k_visible}), {tag.dataset_id, who.is_admin(), who.uid()});
  if (visible.rows.empty()) throw error(error_kind::not_found, "dataset " + std::to_string(tag.dataset_id) + " not found");
  const auto same = db_->query("SELECT 1 FROM tagged_npz_models WHERE owner_id = ? AND dataset_id = ? AND rank_index = ? AND label = ?",
                               {who.user_id, tag.dataset_id, tag.rank, tag.label});
  if (!same.rows.empty()) {
    throw error(error_kind::conflict, "row " + std::to_string(tag.rank) + " of this dataset has your tag '" + tag.label + "' already");
  }
  const auto& p = tag.parameters;
  const auto r = db_->query(
      "INSERT INTO tagged_npz_models (owner_id, dataset_id, rank_index, resnorm, rsh, ra, ca, rb, cb, label, category, notes, "
      "quality_score, is_reference) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {who.user_id, tag.dataset_id, tag.rank, tag.resnorm, p[0], p[1], p[2], p[3], p[4], tag.label, text_or_null(tag.category),
       text_or_null(tag.notes), tag.quality_score ? param(*tag.quality_score) : null_param(), tag.is_reference});
  tx.commit();
  return r.rows.at(0).get_int(0);
}

std::vector<tag_record> catalog::list_tags(const principal& who, std::optional<row_id> dataset_id) {
  transaction tx(*db_, who, false);
  params values{who.is_admin(), who.uid()};
  std::string query = sql({"SELECT ", k_tag_columns, " FROM tagged_npz_models WHERE ", k_tag_visible});
  if (dataset_id) {
    query += " AND dataset_id = ?";
    values.emplace_back(*dataset_id);
  }
  const auto r = db_->query(query + " ORDER BY dataset_id, rank_index, id", values);
  tx.commit();
  std::vector<tag_record> out;
  for (const auto& row : r.rows) out.push_back(read_tag(row));
  return out;
}

void catalog::set_tag_notes(const principal& who, row_id id, const std::string& notes) {
  transaction tx(*db_, who, true);
  check_writable(who, "tagged_npz_models", id, "tag");
  const auto r = db_->query(sql({"UPDATE tagged_npz_models SET notes = ? WHERE id = ? AND ", k_writable}),
                            {text_or_null(notes), id, who.is_admin(), who.uid()});
  if (r.affected == 0) throw error(error_kind::forbidden, "tag " + std::to_string(id) + " is not yours to change");
  tx.commit();
}

void catalog::delete_tag(const principal& who, row_id id) {
  transaction tx(*db_, who, true);
  check_writable(who, "tagged_npz_models", id, "tag");
  const auto r = db_->query(sql({"DELETE FROM tagged_npz_models WHERE id = ? AND ", k_writable}), {id, who.is_admin(), who.uid()});
  if (r.affected == 0) throw error(error_kind::forbidden, "tag " + std::to_string(id) + " is not yours to change");
  tx.commit();
}

// ---- users ----

new_user catalog::add_user(std::string_view name) {
  if (const auto problem = user_name_problem(name); !problem.empty()) throw error(error_kind::usage, problem);
  const auto who = principal::admin();
  transaction tx(*db_, who, true);
  auto found = db_->query(sql({"SELECT ", k_user_columns,
                               ", (SELECT count(*) FROM api_keys k WHERE k.user_id = users.id AND k.revoked_at IS NULL) "
                               "FROM users WHERE name = ?"}),
                          {std::string(name)});
  user_record user;
  if (!found.rows.empty()) {
    user = read_user(found.rows[0]);
    if (user.active_keys > 0) throw error(error_kind::conflict, "user '" + std::string(name) + "' already exists");
    db_->query("UPDATE users SET revoked_at = NULL WHERE id = ?", {user.id});
    user.revoked = false;
  } else {
    user = read_user(db_->query(sql({"INSERT INTO users (name) VALUES (?) RETURNING ", k_user_columns}), {std::string(name)}).rows.at(0));
  }
  new_user result{user, generate_api_key()};
  db_->query("INSERT INTO api_keys (user_id, key_hash, key_prefix) VALUES (?, ?, ?)",
             {user.id, hash_api_key(result.api_key), result.api_key.substr(0, k_api_key_shown_prefix)});
  tx.commit();
  result.user.active_keys = 1;
  return result;
}

user_record catalog::ensure_user(std::string_view name) {
  if (const auto problem = user_name_problem(name); !problem.empty()) throw error(error_kind::usage, problem);
  const auto who = principal::admin();
  transaction tx(*db_, who, true);
  db_->query("INSERT INTO users (name) VALUES (?) ON CONFLICT DO NOTHING", {std::string(name)});
  const auto r = db_->query(sql({"SELECT ", k_user_columns, " FROM users WHERE name = ?"}), {std::string(name)});
  tx.commit();
  return read_user(r.rows.at(0));
}

user_record catalog::ensure_token_user(std::string_view subject) {
  const std::string name = token_user_name(subject);
  transaction tx(*db_, principal::anonymous(), true);
  db_->set_local(k_pg_setting_subject, name);
  db_->query("INSERT INTO users (name) VALUES (?) ON CONFLICT DO NOTHING", {name});
  const auto r = db_->query(sql({"SELECT ", k_user_columns, " FROM users WHERE name = ?"}), {name});
  tx.commit();
  auto user = read_user(r.rows.at(0));
  if (user.revoked) throw error(error_kind::unauthorized, "user '" + name + "' is revoked");
  return user;
}

std::optional<user_record> catalog::find_user(std::string_view name) {
  const auto who = principal::admin();
  transaction tx(*db_, who, false);
  const auto r = db_->query(sql({"SELECT ", k_user_columns, " FROM users WHERE name = ?"}), {std::string(name)});
  tx.commit();
  if (r.rows.empty()) return std::nullopt;
  return read_user(r.rows[0]);
}

std::vector<user_record> catalog::list_users() {
  const auto who = principal::admin();
  transaction tx(*db_, who, false);
  const auto r = db_->query(sql({"SELECT ", k_user_columns,
                                 ", (SELECT count(*) FROM api_keys k WHERE k.user_id = users.id AND k.revoked_at IS NULL) "
                                 "FROM users ORDER BY name"}));
  tx.commit();
  std::vector<user_record> out;
  for (const auto& row : r.rows) out.push_back(read_user(row));
  return out;
}

std::int64_t catalog::revoke_user(std::string_view name) {
  const auto who = principal::admin();
  transaction tx(*db_, who, true);
  const auto user = db_->query("SELECT id FROM users WHERE name = ?", {std::string(name)});
  if (user.rows.empty()) throw error(error_kind::not_found, "user '" + std::string(name) + "' not found");
  const auto id = user.rows[0].get_int(0);
  db_->query("UPDATE users SET revoked_at = CURRENT_TIMESTAMP WHERE id = ? AND revoked_at IS NULL", {id});
  const auto r = db_->query("UPDATE api_keys SET revoked_at = CURRENT_TIMESTAMP WHERE user_id = ? AND revoked_at IS NULL", {id});
  tx.commit();
  return r.affected;
}

std::optional<principal> catalog::authenticate(std::string_view api_key) {
  const std::string hash = hash_api_key(api_key);
  transaction tx(*db_, principal::anonymous(), false);
  db_->set_local(k_pg_setting_key_hash, hash);
  const auto r = db_->query("SELECT user_id FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL", {hash});
  tx.commit();
  if (r.rows.empty()) return std::nullopt;
  return principal::user(r.rows[0].get_int(0));
}

}  // namespace eisgrid::catalog
