// Configurations: the grid and frequencies a dataset was computed on, stored
// once per owner and found again by their fingerprint.
#include <array>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "base/sha256.hpp"
#include "catalog/catalog.hpp"
#include "catalog/query_text.hpp"

namespace eisgrid::catalog {
namespace {

using detail::k_visible;
using detail::k_writable;
using detail::owner_param;
using detail::sql;

constexpr const char* k_configuration_columns =
    "id, owner_id, name, reference_type, rsh, ra, ca, rb, cb, reference_source, grid_size, parameter_ranges, "
    "freq_min, freq_max, n_frequencies, frequency_spacing, is_public, auto_created";

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

}  // namespace

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

}  // namespace eisgrid::catalog
