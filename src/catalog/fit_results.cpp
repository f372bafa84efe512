// Fit results in the catalog: one row per (measurement, sweep, model), owned
// by the measurement's owner and following it into and out of experiments.
#include <cmath>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "catalog/catalog.hpp"
#include "catalog/lab_fields.hpp"
#include "catalog/params_by_name.hpp"
#include "catalog/query_text.hpp"
#include "model/models.hpp"

namespace eisgrid::catalog {
namespace {

using detail::k_writable;
using detail::sql;

constexpr double k_microfarad_per_farad = 1e6;

constexpr const char* k_fit_columns =
    "id, owner_id, measurement_id, experiment_id, sweep_index, start_time, status, reasons, metric, resnorm, grid_resnorm, "
    "rs, ter, tec, tau1, tau2, rs_stderr, ter_stderr, tec_stderr, tau1_stderr, tau2_stderr, rsh, ra, ca, rb, cb, rsh_low, rsh_high, "
    "area_cm2, created_at, model, params, stderr, aic, bic, best_model, decisive_frequency, at_edge";

using json = nlohmann::json;

// read_fit() and store_fits() map each field of base/fit_row.hpp to its columns
// by hand (rc's numbers have columns of their own, SPEC 6): a field added to
// the row must get a column, a migration and a place in both.
static_assert(fit_row_field_count() == 24, "give the new field of fit_row its column in k_fit_columns, read_fit and store_fits");

// The parameters by name; empty for none (NULL) or a model this eisgrid does not know.
std::vector<double> from_names(const model::circuit_model* m, const row& r, std::size_t column) {
  if (m == nullptr || r.is_null(column)) return {};
  return detail::params_from_names(m->parameters, r.get_text(column));
}

std::vector<std::string> text_list(const std::string& text) {
  std::vector<std::string> out;
  const auto list = json::parse(text, nullptr, false);
  if (!list.is_array()) return out;
  for (const auto& item : list) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

fit_record read_fit(const row& r) {
  fit_record f;
  f.id = r.get_int(0);
  f.owner_id = r.get_int(1);
  f.measurement_id = r.get_int(2);
  f.experiment_id = r.get_optional_int(3);
  auto& in = f.fit;
  in.sweep = r.get_int(4);
  in.start_time = r.get_text(5);
  in.status = parse_fit_status(r.get_text(6)).value_or(fit_status::invalid_data);
  in.reasons_json = r.get_text(7);
  in.metric = r.get_text(8);
  in.resnorm = r.get_double(9);
  in.grid_resnorm = r.get_double(10);
  in.rs = r.get_double(11);
  in.ter = r.get_double(12);
  in.tec = r.get_double(13);
  in.tau1 = r.get_double(14);
  in.tau2 = r.get_double(15);
  for (std::size_t k = 0; k < in.std_errors.size(); ++k) in.std_errors[k] = r.get_double(16 + k);
  for (std::size_t k = 0; k < in.parameters.size(); ++k) in.parameters[k] = r.get_double(21 + k);
  in.rsh_interval = {r.get_double(26), r.get_double(27)};
  if (!r.is_null(28)) in.area_cm2 = r.get_double(28);
  f.created_at = r.get_text(29);
  in.model = r.get_text(30);
  const auto* m = model::find_model(in.model);
  in.model_params = from_names(m, r, 31);
  in.model_errors = from_names(m, r, 32);
  in.aic = r.get_double(33);
  in.bic = r.get_double(34);
  if (!r.is_null(35)) in.best_model = r.get_bool(35);
  in.decisive_frequency = r.get_double(36);
  in.at_edge = text_list(r.get_text(37));
  return f;
}

std::vector<fit_record> read_fits(const query_result& r) {
  std::vector<fit_record> out;
  for (const auto& row : r.rows) out.push_back(read_fit(row));
  return out;
}

}  // namespace

std::optional<double> fit_record::ter_ohm_cm2() const {
  if (!fit.area_cm2 || std::isnan(fit.ter)) return std::nullopt;
  return fit.ter * *fit.area_cm2;
}

std::optional<double> fit_record::tec_uf_per_cm2() const {
  if (!fit.area_cm2 || std::isnan(fit.tec)) return std::nullopt;
  return fit.tec * k_microfarad_per_farad / *fit.area_cm2;
}

void catalog::save_fit_results(const principal& who, row_id measurement_id, const std::vector<fit_input>& fits) {
  save_fit_results(who, {measurement_fits{measurement_id, fits}});
}

void catalog::save_fit_results(const principal& who, const std::vector<measurement_fits>& batch) {
  detail::require_writer(who, "store fit results");
  std::vector<std::set<std::int64_t>> sweeps_of(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    std::set<std::pair<std::int64_t, std::string>> fitted;
    for (const auto& f : batch[i].fits) {
      check_fit(f);
      sweeps_of[i].insert(f.sweep);
      if (!fitted.emplace(f.sweep, f.model).second) {
        throw error(error_kind::usage, "measurement " + std::to_string(batch[i].measurement_id) + ": sweep " + std::to_string(f.sweep) +
                                           " has two fits of model " + f.model);
      }
    }
  }
  transaction tx(*db_, who, true);
  for (std::size_t i = 0; i < batch.size(); ++i) store_fits(who, batch[i], sweeps_of[i]);
  tx.commit();
}

void catalog::store_fits(const principal& who, const measurement_fits& one, const std::set<std::int64_t>& sweeps) {
  const row_id measurement_id = one.measurement_id;
  const auto& fits = one.fits;
  require_own(who, "measurements", measurement_id, "measurement");
  // On PostgreSQL two saves for one measurement (or a save and a move) take
  // turns on its row; SQLite's write transaction already holds the only lock.
  const char* lock = db_->kind() == engine::postgresql ? " FOR UPDATE" : "";
  const auto m = db_->query(sql({"SELECT owner_id, experiment_id, n_sweeps FROM measurements WHERE id = ?", lock}), {measurement_id});
  const row_id owner = m.rows.at(0).get_int(0);
  const auto experiment = m.rows[0].get_optional_int(1);
  const std::int64_t n_sweeps = m.rows[0].get_int(2);
  if (!sweeps.empty() && *sweeps.rbegin() >= n_sweeps) {
    throw error(error_kind::usage, "measurement " + std::to_string(measurement_id) + " has " + std::to_string(n_sweeps) +
                                       " sweeps; there is no sweep " + std::to_string(*sweeps.rbegin()));
  }
  // A sweep's models are compared with each other: a new fit of the sweep
  // replaces the fits of every model it had, not only of the models fitted now.
  for (const auto sweep : sweeps) {
    db_->query("DELETE FROM fit_results WHERE measurement_id = ? AND sweep_index = ?", {measurement_id, sweep});
  }
  for (const auto& f : fits) {
    const auto& e = f.std_errors;
    const auto& p = f.parameters;
    const auto& descriptor = *model::find_model(f.model);  // check_fit knows it
    const bool rc = &descriptor == &model::rc();
    // rc's parameters are its own columns unless given in the model's order too.
    auto values = f.model_params;
    auto errors = f.model_errors;
    if (rc && values.empty() && !std::isnan(f.rs)) values = {f.rs, p[0], p[1], p[2], p[3], p[4]};
    if (errors.empty() && !values.empty()) {
      errors.assign(values.size(), fit_input::k_none);
      if (rc) errors[0] = e[0];
    }
    const bool fitted = !values.empty();
    db_->query(
        "INSERT INTO fit_results (owner_id, measurement_id, experiment_id, sweep_index, start_time, status, reasons, metric, resnorm, "
        "grid_resnorm, rs, ter, tec, tau1, tau2, rs_stderr, ter_stderr, tec_stderr, tau1_stderr, tau2_stderr, rsh, ra, ca, rb, cb, "
        "rsh_low, rsh_high, area_cm2, model, params, stderr, aic, bic, best_model, decisive_frequency, at_edge) VALUES (?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {owner,
         measurement_id,
         optional_param(experiment),
         f.sweep,
         text_or_null(f.start_time),
         std::string(to_string(f.status)),
         f.reasons_json,
         text_or_null(f.metric),
         f.resnorm,
         f.grid_resnorm,
         f.rs,
         f.ter,
         f.tec,
         f.tau1,
         f.tau2,
         e[0],
         e[1],
         e[2],
         e[3],
         e[4],
         p[0],
         p[1],
         p[2],
         p[3],
         p[4],
         f.rsh_interval[0],
         f.rsh_interval[1],
         f.area_cm2 ? param(*f.area_cm2) : null_param(),
         f.model,
         fitted ? param(detail::params_by_name(descriptor.parameters, values)) : null_param(),
         fitted ? param(detail::params_by_name(descriptor.parameters, errors)) : null_param(),
         f.aic,
         f.bic,
         f.best_model ? param(*f.best_model) : null_param(),
         f.decisive_frequency,
         json(f.at_edge).dump(-1, ' ', false, json::error_handler_t::replace)});
  }
}

std::vector<fit_record> catalog::list_fit_results(const principal& who, row_id measurement_id) {
  transaction tx(*db_, who, false);
  require_own(who, "measurements", measurement_id, "measurement");
  const auto r = db_->query(
      sql({"SELECT ", k_fit_columns, " FROM fit_results WHERE measurement_id = ? AND ", k_writable, " ORDER BY sweep_index, id"}),
      {measurement_id, who.is_admin(), who.uid()});
  tx.commit();
  return read_fits(r);
}

std::vector<fit_record> catalog::list_experiment_fit_results(const principal& who, row_id experiment_id) {
  transaction tx(*db_, who, false);
  require_own(who, "experiments", experiment_id, "experiment");
  const auto r = db_->query(sql({"SELECT ", k_fit_columns, " FROM fit_results WHERE experiment_id = ? AND ", k_writable,
                                 " ORDER BY measurement_id, sweep_index, id"}),
                            {experiment_id, who.is_admin(), who.uid()});
  tx.commit();
  return read_fits(r);
}

std::int64_t catalog::delete_fit_results(const principal& who, row_id measurement_id) {
  transaction tx(*db_, who, true);
  require_own(who, "measurements", measurement_id, "measurement");
  const auto r =
      db_->query(sql({"DELETE FROM fit_results WHERE measurement_id = ? AND ", k_writable}), {measurement_id, who.is_admin(), who.uid()});
  tx.commit();
  return r.affected;
}

}  // namespace eisgrid::catalog
