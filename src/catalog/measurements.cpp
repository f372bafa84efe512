// Experiments and measurements in the catalog, each its owner's alone: on
// SQLite by these queries' owner test, on PostgreSQL by row-level security
// as well. That a measurement joins only its owner's experiment is also a
// foreign key on (experiment_id, owner_id) in the schema, on both engines.
#include "base/error.hpp"
#include "base/utf8.hpp"
#include "catalog/catalog.hpp"
#include "catalog/lab_fields.hpp"
#include "catalog/query_text.hpp"

namespace eisgrid::catalog {
namespace {

using detail::k_writable;
using detail::sql;
using detail::who_params;

constexpr const char* k_experiment_columns =
    "id, owner_id, name, description, (SELECT count(*) FROM measurements m WHERE m.experiment_id = experiments.id), "
    "created_at, updated_at";

constexpr const char* k_measurement_columns =
    "id, owner_id, experiment_id, file_name, file_path, file_size, file_hash, format, n_sweeps, n_points, freq_min, freq_max, "
    "warnings, sample, condition, day, area_cm2, notes, created_at, updated_at";

param optional_double(const std::optional<double>& v) { return v ? param(*v) : null_param(); }

// Experiments and measurements belong to a user; the operator has none to give them.
void require_user(const principal& who, const char* what) {
  detail::require_writer(who, what);
  if (who.role != principal::kind::user) throw error(error_kind::forbidden, std::string("cannot ") + what + ": it belongs to a user");
}

experiment_record read_experiment(const row& r) {
  experiment_record e;
  e.id = r.get_int(0);
  e.owner_id = r.get_int(1);
  e.experiment.name = r.get_text(2);
  e.experiment.description = r.get_text(3);
  e.n_measurements = r.get_int(4);
  e.created_at = r.get_text(5);
  e.updated_at = r.get_text(6);
  return e;
}

measurement_record read_measurement(const row& r) {
  measurement_record m;
  m.id = r.get_int(0);
  m.owner_id = r.get_int(1);
  auto& in = m.measurement;
  in.experiment_id = r.get_optional_int(2);
  in.file_name = r.get_text(3);
  m.file_path = r.get_text(4);
  in.file_size = static_cast<std::uint64_t>(r.get_int(5));
  in.file_hash = r.get_text(6);
  in.format = r.get_text(7);
  in.n_sweeps = r.get_int(8);
  in.n_points = r.get_int(9);
  in.freq_min = r.get_double(10);
  in.freq_max = r.get_double(11);
  in.warnings_json = r.get_text(12);
  in.fields.sample = r.get_text(13);
  in.fields.condition = r.get_text(14);
  in.fields.day = r.get_optional_int(15);
  if (!r.is_null(16)) in.fields.area_cm2 = r.get_double(16);
  in.fields.notes = r.get_text(17);
  m.created_at = r.get_text(18);
  m.updated_at = r.get_text(19);
  return m;
}

std::string quoted(const std::string& name) { return "'" + printable(name) + "'"; }

}  // namespace

void catalog::require_own(const principal& who, const char* table, row_id id, const char* what) {
  params values{id};
  for (auto& p : who_params(who)) values.push_back(p);
  if (db_->query(sql({"SELECT 1 FROM ", table, " WHERE id = ? AND ", k_writable}), values).rows.empty()) {
    throw error(error_kind::not_found, std::string(what) + " " + std::to_string(id) + " not found");
  }
}

// ---- experiments ----

row_id catalog::create_experiment(const principal& who, const experiment_input& in) {
  require_user(who, "create an experiment");
  check_experiment(in);
  transaction tx(*db_, who, true);
  const auto r = db_->query("INSERT INTO experiments (owner_id, name, description) VALUES (?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
                            {who.user_id, in.name, text_or_null(in.description)});
  if (r.rows.empty()) throw error(error_kind::conflict, "an experiment named " + quoted(in.name) + " already exists");
  tx.commit();
  return r.rows[0].get_int(0);
}

std::vector<experiment_record> catalog::list_experiments(const principal& who) {
  transaction tx(*db_, who, false);
  const auto r =
      db_->query(sql({"SELECT ", k_experiment_columns, " FROM experiments WHERE ", k_writable, " ORDER BY name, id"}), who_params(who));
  tx.commit();
  std::vector<experiment_record> out;
  for (const auto& row : r.rows) out.push_back(read_experiment(row));
  return out;
}

std::optional<experiment_record> catalog::find_experiment(const principal& who, row_id id) {
  transaction tx(*db_, who, false);
  const auto r = db_->query(sql({"SELECT ", k_experiment_columns, " FROM experiments WHERE id = ? AND ", k_writable}),
                            {id, who.is_admin(), who.uid()});
  tx.commit();
  if (r.rows.empty()) return std::nullopt;
  return read_experiment(r.rows[0]);
}

void catalog::update_experiment(const principal& who, row_id id, const experiment_input& in) {
  check_experiment(in);
  transaction tx(*db_, who, true);
  require_own(who, "experiments", id, "experiment");
  try {
    db_->query(sql({"UPDATE experiments SET name = ?, description = ?, updated_at = CURRENT_TIMESTAMP WHERE id = ? AND ", k_writable}),
               {in.name, text_or_null(in.description), id, who.is_admin(), who.uid()});
  } catch (const error& e) {
    // The input is checked, so only the owner's other experiment of that name conflicts.
    if (e.kind() != error_kind::conflict) throw;
    throw error(error_kind::conflict, "an experiment named " + quoted(in.name) + " already exists");
  }
  tx.commit();
}

void catalog::delete_experiment(const principal& who, row_id id) {
  transaction tx(*db_, who, true);
  require_own(who, "experiments", id, "experiment");
  db_->query("UPDATE fit_results SET experiment_id = NULL WHERE experiment_id = ?", {id});
  db_->query("UPDATE measurements SET experiment_id = NULL, updated_at = CURRENT_TIMESTAMP WHERE experiment_id = ?", {id});
  db_->query(sql({"DELETE FROM experiments WHERE id = ? AND ", k_writable}), {id, who.is_admin(), who.uid()});
  tx.commit();
}

// ---- measurements ----

measurement_record catalog::add_measurement(const principal& who, const measurement_input& in) {
  require_user(who, "store a measurement");
  check_measurement(in);
  transaction tx(*db_, who, true);
  if (in.experiment_id) require_own(who, "experiments", *in.experiment_id, "experiment");
  const auto& f = in.fields;
  const auto r =
      db_->query(sql({"INSERT INTO measurements (owner_id, experiment_id, file_name, file_path, file_size, file_hash, format, n_sweeps, "
                      "n_points, freq_min, freq_max, warnings, sample, condition, day, area_cm2, notes) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING ",
                      k_measurement_columns}),
                 {who.user_id, optional_param(in.experiment_id), in.file_name,
                  measurement_file_path(who.user_id, in.file_hash, in.file_name), static_cast<std::int64_t>(in.file_size), in.file_hash,
                  in.format, in.n_sweeps, in.n_points, in.freq_min, in.freq_max, in.warnings_json, text_or_null(f.sample),
                  text_or_null(f.condition), optional_param(f.day), optional_double(f.area_cm2), text_or_null(f.notes)});
  if (r.rows.empty()) {
    // Only (owner, hash) can conflict: the id is generated, everything else is checked.
    const auto held =
        db_->query("SELECT id, file_name FROM measurements WHERE owner_id = ? AND file_hash = ?", {who.user_id, in.file_hash});
    const std::string which =
        held.rows.empty() ? std::string("another measurement")
                          : "measurement " + std::to_string(held.rows[0].get_int(0)) + " (" + quoted(held.rows[0].get_text(1)) + ")";
    throw error(error_kind::conflict, "cannot store " + quoted(in.file_name) + ": the same file is already stored as " + which);
  }
  tx.commit();
  return read_measurement(r.rows[0]);
}

std::vector<measurement_record> catalog::list_measurements(const principal& who, std::optional<row_id> experiment_id) {
  transaction tx(*db_, who, false);
  params values = who_params(who);
  std::string query = sql({"SELECT ", k_measurement_columns, " FROM measurements WHERE ", k_writable});
  if (experiment_id) {
    require_own(who, "experiments", *experiment_id, "experiment");
    query += " AND experiment_id = ?";
    values.emplace_back(*experiment_id);
  }
  const auto r = db_->query(query + " ORDER BY created_at DESC, id DESC", values);
  tx.commit();
  std::vector<measurement_record> out;
  for (const auto& row : r.rows) out.push_back(read_measurement(row));
  return out;
}

std::optional<measurement_record> catalog::find_measurement(const principal& who, row_id id) {
  transaction tx(*db_, who, false);
  const auto r = db_->query(sql({"SELECT ", k_measurement_columns, " FROM measurements WHERE id = ? AND ", k_writable}),
                            {id, who.is_admin(), who.uid()});
  tx.commit();
  if (r.rows.empty()) return std::nullopt;
  return read_measurement(r.rows[0]);
}

std::optional<measurement_record> catalog::find_measurement_by_hash(const principal& who, std::string_view file_hash) {
  transaction tx(*db_, who, false);
  const auto r = db_->query(sql({"SELECT ", k_measurement_columns, " FROM measurements WHERE owner_id = ? AND file_hash = ?"}),
                            {who.uid(), std::string(file_hash)});
  tx.commit();
  if (r.rows.empty()) return std::nullopt;
  return read_measurement(r.rows[0]);
}

catalog::measurement_usage catalog::usage_of_measurements(const principal& who) {
  transaction tx(*db_, who, false);
  const auto r =
      db_->query("SELECT COUNT(*), CAST(COALESCE(SUM(file_size), 0) AS BIGINT) FROM measurements WHERE owner_id = ?", {who.uid()});
  tx.commit();
  return {r.rows[0].get_int(0), r.rows[0].get_int(1)};
}

void catalog::update_measurement_fields(const principal& who, row_id id, const measurement_fields& fields,
                                        const std::optional<std::optional<row_id>>& move_to) {
  check_measurement_fields(fields);
  transaction tx(*db_, who, true);
  require_own(who, "measurements", id, "measurement");
  if (move_to) set_measurement_experiment(who, id, *move_to);
  db_->query(sql({"UPDATE measurements SET sample = ?, condition = ?, day = ?, area_cm2 = ?, notes = ?, updated_at = CURRENT_TIMESTAMP "
                  "WHERE id = ? AND ",
                  k_writable}),
             {text_or_null(fields.sample), text_or_null(fields.condition), optional_param(fields.day), optional_double(fields.area_cm2),
              text_or_null(fields.notes), id, who.is_admin(), who.uid()});
  tx.commit();
}

void catalog::move_measurement(const principal& who, row_id id, std::optional<row_id> experiment_id) {
  transaction tx(*db_, who, true);
  set_measurement_experiment(who, id, experiment_id);
  tx.commit();
}

void catalog::set_measurement_experiment(const principal& who, row_id id, std::optional<row_id> experiment_id) {
  require_own(who, "measurements", id, "measurement");
  if (experiment_id) {
    require_own(who, "experiments", *experiment_id, "experiment");
    // Only the operator sees two owners' rows; the schema's foreign key would refuse the pair anyway.
    const auto same_owner = db_->query(
        "SELECT 1 FROM measurements m JOIN experiments e ON e.owner_id = m.owner_id WHERE m.id = ? AND e.id = ?", {id, *experiment_id});
    if (same_owner.rows.empty()) {
      throw error(error_kind::usage,
                  "experiment " + std::to_string(*experiment_id) + " and measurement " + std::to_string(id) + " belong to different users");
    }
  }
  // Built one by one: GCC 12 warns falsely (maybe-uninitialized) on a braced list here.
  params values;
  values.push_back(optional_param(experiment_id));
  values.emplace_back(id);
  db_->query("UPDATE fit_results SET experiment_id = ? WHERE measurement_id = ?", values);
  values.insert(values.end(), {who.is_admin(), who.uid()});
  db_->query(sql({"UPDATE measurements SET experiment_id = ?, updated_at = CURRENT_TIMESTAMP WHERE id = ? AND ", k_writable}), values);
}

std::string catalog::delete_measurement(const principal& who, row_id id) {
  transaction tx(*db_, who, true);
  require_own(who, "measurements", id, "measurement");
  const auto r =
      db_->query(sql({"DELETE FROM measurements WHERE id = ? AND ", k_writable, " RETURNING file_path"}), {id, who.is_admin(), who.uid()});
  tx.commit();
  return r.rows.at(0).get_text(0);
}

}  // namespace eisgrid::catalog
