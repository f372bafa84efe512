// SPEC 6 visibility as one table of cases, run unchanged on SQLite and on a
// real PostgreSQL 15 server. On PostgreSQL every case is checked twice: through
// the catalog API on the server's login role, and as raw SQL under that role,
// so that the database itself refuses what the API refuses.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <tuple>

#include "base/error.hpp"
#include "catalog_fixture.hpp"

using eisgrid::error_kind;
using eisgrid::catalog::principal;
using eisgrid::catalog::row_id;
using eisgrid::dataset::storage;

namespace {

enum class actor { anon, alice, bob };
enum class op { select, insert, update, remove, tag, move };
// Rows of alice (private), of bob (private), and public rows.
enum class target { alice_row, bob_row, public_row };
enum class table { datasets, configurations, tags, experiments, measurements, fits };
enum class outcome { allowed, denied };

struct visibility_case {
  table on;
  actor who;
  op what;
  target row;
  outcome expect;
};

using enum outcome;

// For datasets, "insert" adds a row owned by the target row's owner (a public
// row has none), and "tag" tags a row of the target dataset; tags and
// configurations are checked for select, update, delete.
// For tags, the public row is bob's tag on the public dataset.
// Experiments, measurements and fits are private, so they have no public row.
// For experiments, "insert" adds a measurement of the actor's into the target
// experiment and "move" moves the actor's measurement into it; for
// measurements, "insert" stores a fit of the target measurement and "move"
// moves the target measurement into the actor's experiment.
constexpr visibility_case k_cases[] = {
    // datasets
    {table::datasets, actor::anon, op::select, target::alice_row, denied},
    {table::datasets, actor::anon, op::select, target::bob_row, denied},
    {table::datasets, actor::anon, op::select, target::public_row, allowed},
    {table::datasets, actor::anon, op::insert, target::alice_row, denied},
    {table::datasets, actor::anon, op::insert, target::bob_row, denied},
    {table::datasets, actor::anon, op::insert, target::public_row, denied},
    {table::datasets, actor::anon, op::update, target::alice_row, denied},
    {table::datasets, actor::anon, op::update, target::bob_row, denied},
    {table::datasets, actor::anon, op::update, target::public_row, denied},
    {table::datasets, actor::anon, op::remove, target::alice_row, denied},
    {table::datasets, actor::anon, op::remove, target::bob_row, denied},
    {table::datasets, actor::anon, op::remove, target::public_row, denied},
    {table::datasets, actor::alice, op::select, target::alice_row, allowed},
    {table::datasets, actor::alice, op::select, target::bob_row, denied},
    {table::datasets, actor::alice, op::select, target::public_row, allowed},
    {table::datasets, actor::alice, op::insert, target::alice_row, allowed},
    {table::datasets, actor::alice, op::insert, target::bob_row, denied},
    {table::datasets, actor::alice, op::insert, target::public_row, denied},
    {table::datasets, actor::alice, op::update, target::alice_row, allowed},
    {table::datasets, actor::alice, op::update, target::bob_row, denied},
    {table::datasets, actor::alice, op::update, target::public_row, denied},
    {table::datasets, actor::alice, op::remove, target::alice_row, allowed},
    {table::datasets, actor::alice, op::remove, target::bob_row, denied},
    {table::datasets, actor::alice, op::remove, target::public_row, denied},
    {table::datasets, actor::bob, op::select, target::alice_row, denied},
    {table::datasets, actor::bob, op::select, target::bob_row, allowed},
    {table::datasets, actor::bob, op::select, target::public_row, allowed},
    {table::datasets, actor::bob, op::insert, target::alice_row, denied},
    {table::datasets, actor::bob, op::insert, target::bob_row, allowed},
    {table::datasets, actor::bob, op::insert, target::public_row, denied},
    {table::datasets, actor::bob, op::update, target::alice_row, denied},
    {table::datasets, actor::bob, op::update, target::bob_row, allowed},
    {table::datasets, actor::bob, op::update, target::public_row, denied},
    {table::datasets, actor::bob, op::remove, target::alice_row, denied},
    {table::datasets, actor::bob, op::remove, target::bob_row, allowed},
    {table::datasets, actor::bob, op::remove, target::public_row, denied},
    // tagging a row of the dataset (an insert into tags that needs the dataset)
    {table::datasets, actor::anon, op::tag, target::alice_row, denied},
    {table::datasets, actor::anon, op::tag, target::bob_row, denied},
    {table::datasets, actor::anon, op::tag, target::public_row, denied},
    {table::datasets, actor::alice, op::tag, target::alice_row, allowed},
    {table::datasets, actor::alice, op::tag, target::bob_row, denied},
    {table::datasets, actor::alice, op::tag, target::public_row, allowed},
    {table::datasets, actor::bob, op::tag, target::alice_row, denied},
    {table::datasets, actor::bob, op::tag, target::bob_row, allowed},
    {table::datasets, actor::bob, op::tag, target::public_row, allowed},
    // configurations
    {table::configurations, actor::anon, op::select, target::alice_row, denied},
    {table::configurations, actor::anon, op::select, target::bob_row, denied},
    {table::configurations, actor::anon, op::select, target::public_row, allowed},
    {table::configurations, actor::anon, op::update, target::alice_row, denied},
    {table::configurations, actor::anon, op::update, target::bob_row, denied},
    {table::configurations, actor::anon, op::update, target::public_row, denied},
    {table::configurations, actor::anon, op::remove, target::alice_row, denied},
    {table::configurations, actor::anon, op::remove, target::bob_row, denied},
    {table::configurations, actor::anon, op::remove, target::public_row, denied},
    {table::configurations, actor::alice, op::select, target::alice_row, allowed},
    {table::configurations, actor::alice, op::select, target::bob_row, denied},
    {table::configurations, actor::alice, op::select, target::public_row, allowed},
    {table::configurations, actor::alice, op::update, target::alice_row, allowed},
    {table::configurations, actor::alice, op::update, target::bob_row, denied},
    {table::configurations, actor::alice, op::update, target::public_row, denied},
    {table::configurations, actor::alice, op::remove, target::alice_row, allowed},
    {table::configurations, actor::alice, op::remove, target::bob_row, denied},
    {table::configurations, actor::alice, op::remove, target::public_row, denied},
    {table::configurations, actor::bob, op::select, target::alice_row, denied},
    {table::configurations, actor::bob, op::select, target::bob_row, allowed},
    {table::configurations, actor::bob, op::select, target::public_row, allowed},
    {table::configurations, actor::bob, op::update, target::alice_row, denied},
    {table::configurations, actor::bob, op::update, target::bob_row, allowed},
    {table::configurations, actor::bob, op::update, target::public_row, denied},
    {table::configurations, actor::bob, op::remove, target::alice_row, denied},
    {table::configurations, actor::bob, op::remove, target::bob_row, allowed},
    {table::configurations, actor::bob, op::remove, target::public_row, denied},
    // tags (the public row is bob's tag on the public dataset)
    {table::tags, actor::anon, op::select, target::alice_row, denied},
    {table::tags, actor::anon, op::select, target::bob_row, denied},
    {table::tags, actor::anon, op::select, target::public_row, allowed},
    {table::tags, actor::anon, op::update, target::alice_row, denied},
    {table::tags, actor::anon, op::update, target::bob_row, denied},
    {table::tags, actor::anon, op::update, target::public_row, denied},
    {table::tags, actor::anon, op::remove, target::alice_row, denied},
    {table::tags, actor::anon, op::remove, target::bob_row, denied},
    {table::tags, actor::anon, op::remove, target::public_row, denied},
    {table::tags, actor::alice, op::select, target::alice_row, allowed},
    {table::tags, actor::alice, op::select, target::bob_row, denied},
    {table::tags, actor::alice, op::select, target::public_row, allowed},
    {table::tags, actor::alice, op::update, target::alice_row, allowed},
    {table::tags, actor::alice, op::update, target::bob_row, denied},
    {table::tags, actor::alice, op::update, target::public_row, denied},
    {table::tags, actor::alice, op::remove, target::alice_row, allowed},
    {table::tags, actor::alice, op::remove, target::bob_row, denied},
    {table::tags, actor::alice, op::remove, target::public_row, denied},
    {table::tags, actor::bob, op::select, target::alice_row, denied},
    {table::tags, actor::bob, op::select, target::bob_row, allowed},
    {table::tags, actor::bob, op::select, target::public_row, allowed},
    {table::tags, actor::bob, op::update, target::alice_row, denied},
    {table::tags, actor::bob, op::update, target::bob_row, allowed},
    {table::tags, actor::bob, op::update, target::public_row, allowed},
    {table::tags, actor::bob, op::remove, target::alice_row, denied},
    {table::tags, actor::bob, op::remove, target::bob_row, allowed},
    {table::tags, actor::bob, op::remove, target::public_row, allowed},
    // experiments
    {table::experiments, actor::anon, op::select, target::alice_row, denied},
    {table::experiments, actor::anon, op::select, target::bob_row, denied},
    {table::experiments, actor::anon, op::update, target::alice_row, denied},
    {table::experiments, actor::anon, op::update, target::bob_row, denied},
    {table::experiments, actor::anon, op::remove, target::alice_row, denied},
    {table::experiments, actor::anon, op::remove, target::bob_row, denied},
    {table::experiments, actor::anon, op::insert, target::alice_row, denied},
    {table::experiments, actor::anon, op::insert, target::bob_row, denied},
    {table::experiments, actor::anon, op::move, target::alice_row, denied},
    {table::experiments, actor::anon, op::move, target::bob_row, denied},
    {table::experiments, actor::alice, op::select, target::alice_row, allowed},
    {table::experiments, actor::alice, op::select, target::bob_row, denied},
    {table::experiments, actor::alice, op::update, target::alice_row, allowed},
    {table::experiments, actor::alice, op::update, target::bob_row, denied},
    {table::experiments, actor::alice, op::remove, target::alice_row, allowed},
    {table::experiments, actor::alice, op::remove, target::bob_row, denied},
    {table::experiments, actor::alice, op::insert, target::alice_row, allowed},
    {table::experiments, actor::alice, op::insert, target::bob_row, denied},
    {table::experiments, actor::alice, op::move, target::alice_row, allowed},
    {table::experiments, actor::alice, op::move, target::bob_row, denied},
    {table::experiments, actor::bob, op::select, target::alice_row, denied},
    {table::experiments, actor::bob, op::select, target::bob_row, allowed},
    {table::experiments, actor::bob, op::update, target::alice_row, denied},
    {table::experiments, actor::bob, op::update, target::bob_row, allowed},
    {table::experiments, actor::bob, op::remove, target::alice_row, denied},
    {table::experiments, actor::bob, op::remove, target::bob_row, allowed},
    {table::experiments, actor::bob, op::insert, target::alice_row, denied},
    {table::experiments, actor::bob, op::insert, target::bob_row, allowed},
    {table::experiments, actor::bob, op::move, target::alice_row, denied},
    {table::experiments, actor::bob, op::move, target::bob_row, allowed},
    // measurements
    {table::measurements, actor::anon, op::select, target::alice_row, denied},
    {table::measurements, actor::anon, op::select, target::bob_row, denied},
    {table::measurements, actor::anon, op::update, target::alice_row, denied},
    {table::measurements, actor::anon, op::update, target::bob_row, denied},
    {table::measurements, actor::anon, op::remove, target::alice_row, denied},
    {table::measurements, actor::anon, op::remove, target::bob_row, denied},
    {table::measurements, actor::anon, op::insert, target::alice_row, denied},
    {table::measurements, actor::anon, op::insert, target::bob_row, denied},
    {table::measurements, actor::anon, op::move, target::alice_row, denied},
    {table::measurements, actor::anon, op::move, target::bob_row, denied},
    {table::measurements, actor::alice, op::select, target::alice_row, allowed},
    {table::measurements, actor::alice, op::select, target::bob_row, denied},
    {table::measurements, actor::alice, op::update, target::alice_row, allowed},
    {table::measurements, actor::alice, op::update, target::bob_row, denied},
    {table::measurements, actor::alice, op::remove, target::alice_row, allowed},
    {table::measurements, actor::alice, op::remove, target::bob_row, denied},
    {table::measurements, actor::alice, op::insert, target::alice_row, allowed},
    {table::measurements, actor::alice, op::insert, target::bob_row, denied},
    {table::measurements, actor::alice, op::move, target::alice_row, allowed},
    {table::measurements, actor::alice, op::move, target::bob_row, denied},
    {table::measurements, actor::bob, op::select, target::alice_row, denied},
    {table::measurements, actor::bob, op::select, target::bob_row, allowed},
    {table::measurements, actor::bob, op::update, target::alice_row, denied},
    {table::measurements, actor::bob, op::update, target::bob_row, allowed},
    {table::measurements, actor::bob, op::remove, target::alice_row, denied},
    {table::measurements, actor::bob, op::remove, target::bob_row, allowed},
    {table::measurements, actor::bob, op::insert, target::alice_row, denied},
    {table::measurements, actor::bob, op::insert, target::bob_row, allowed},
    {table::measurements, actor::bob, op::move, target::alice_row, denied},
    {table::measurements, actor::bob, op::move, target::bob_row, allowed},
    // fit results
    {table::fits, actor::anon, op::select, target::alice_row, denied},
    {table::fits, actor::anon, op::select, target::bob_row, denied},
    {table::fits, actor::anon, op::remove, target::alice_row, denied},
    {table::fits, actor::anon, op::remove, target::bob_row, denied},
    {table::fits, actor::alice, op::select, target::alice_row, allowed},
    {table::fits, actor::alice, op::select, target::bob_row, denied},
    {table::fits, actor::alice, op::remove, target::alice_row, allowed},
    {table::fits, actor::alice, op::remove, target::bob_row, denied},
    {table::fits, actor::bob, op::select, target::alice_row, denied},
    {table::fits, actor::bob, op::select, target::bob_row, allowed},
    {table::fits, actor::bob, op::remove, target::alice_row, denied},
    {table::fits, actor::bob, op::remove, target::bob_row, allowed},
};

const char* name_of(table t) {
  switch (t) {
    case table::datasets: return "datasets";
    case table::configurations: return "configurations";
    case table::tags: return "tags";
    case table::experiments: return "experiments";
    case table::measurements: return "measurements";
    case table::fits: return "fit results";
  }
  return "";
}
const char* name_of(actor a) { return a == actor::anon ? "anonymous" : a == actor::alice ? "alice" : "bob"; }
const char* name_of(op o) {
  return o == op::select   ? "select"
         : o == op::insert ? "insert"
         : o == op::update ? "update"
         : o == op::tag    ? "tag"
         : o == op::move   ? "move"
                           : "delete";
}
const char* name_of(target t) { return t == target::alice_row ? "alice's row" : t == target::bob_row ? "bob's row" : "public row"; }
std::string describe(const visibility_case& c) {
  return std::string(name_of(c.on)) + ": " + name_of(c.who) + " " + name_of(c.what) + " " + name_of(c.row);
}

// Rows every case starts from.
struct world {
  row_id alice = 0, bob = 0;
  row_id alice_dataset = 0, bob_dataset = 0, public_dataset = 0;
  row_id alice_config = 0, bob_config = 0, public_config = 0;
  row_id alice_tag = 0, bob_tag = 0, bob_public_tag = 0;
  row_id alice_experiment = 0, bob_experiment = 0;
  row_id alice_measurement = 0, bob_measurement = 0;  // in no experiment
  row_id alice_fit = 0, bob_fit = 0;                  // sweep 0 of each measurement

  [[nodiscard]] principal as(actor a) const {
    return a == actor::anon ? principal::anonymous() : principal::user(a == actor::alice ? alice : bob);
  }
  // The owner of the target's rows: none for public rows.
  [[nodiscard]] std::optional<row_id> owner(target r) const {
    if (r == target::public_row) return std::nullopt;
    return r == target::alice_row ? alice : bob;
  }
  [[nodiscard]] row_id id(table t, target r) const {
    switch (t) {
      case table::datasets: return r == target::alice_row ? alice_dataset : r == target::bob_row ? bob_dataset : public_dataset;
      case table::configurations: return r == target::alice_row ? alice_config : r == target::bob_row ? bob_config : public_config;
      case table::tags: return r == target::alice_row ? alice_tag : r == target::bob_row ? bob_tag : bob_public_tag;
      case table::experiments: return r == target::alice_row ? alice_experiment : bob_experiment;
      case table::measurements: return r == target::alice_row ? alice_measurement : bob_measurement;
      case table::fits: return r == target::alice_row ? alice_fit : bob_fit;
    }
    return 0;
  }
  // The measurement a fit row belongs to.
  [[nodiscard]] row_id measurement_of_fit(target r) const { return r == target::alice_row ? alice_measurement : bob_measurement; }
  // The actor's own rows; the anonymous actor tries alice's.
  [[nodiscard]] row_id own_measurement(actor a) const { return a == actor::bob ? bob_measurement : alice_measurement; }
  [[nodiscard]] row_id own_experiment(actor a) const { return a == actor::bob ? bob_experiment : alice_experiment; }
};

eisgrid::catalog::tag_input tag_on(row_id dataset, const std::string& label) {
  eisgrid::catalog::tag_input t;
  t.dataset_id = dataset;
  t.rank = 0;
  t.resnorm = 273.0;
  t.params = {1e4, 1778.3, 1.06e-5, 1778.3, 5e-5};
  t.label = label;
  t.category = "candidate";
  return t;
}

// A new dataset row like the target: public rows are precomputed datasets.
eisgrid::catalog::dataset_input inserted_row(target r) {
  return test_support::fake_dataset("inserted.npz", r == target::public_row ? storage::precomputed : storage::user_generated);
}

world populate(eisgrid::catalog::catalog& cat) {
  world w;
  w.alice = cat.ensure_user("alice").id;
  w.bob = cat.ensure_user("bob").id;
  cat.register_dataset(principal::user(w.alice), test_support::fake_dataset("alice.npz", storage::user_generated, 1e4), w.alice);
  cat.register_dataset(principal::user(w.bob), test_support::fake_dataset("bob.npz", storage::user_generated, 2e4), w.bob);
  cat.register_dataset(principal::admin(), test_support::fake_dataset("public.npz", storage::precomputed, 3e4), std::nullopt);
  for (const auto& d : cat.list_datasets(principal::admin())) {
    (d.file_name == "alice.npz" ? w.alice_dataset : d.file_name == "bob.npz" ? w.bob_dataset : w.public_dataset) = d.id;
    (d.file_name == "alice.npz" ? w.alice_config : d.file_name == "bob.npz" ? w.bob_config : w.public_config) = *d.configuration_id;
  }
  w.alice_tag = cat.add_tag(principal::user(w.alice), tag_on(w.alice_dataset, "mine"));
  w.bob_tag = cat.add_tag(principal::user(w.bob), tag_on(w.bob_dataset, "mine"));
  w.bob_public_tag = cat.add_tag(principal::user(w.bob), tag_on(w.public_dataset, "on public"));
  // Both name their experiment alike: names are unique per owner only.
  for (const auto& [user, name, experiment, measurement, fit] :
       {std::tuple{w.alice, "alice.txt", &w.alice_experiment, &w.alice_measurement, &w.alice_fit},
        std::tuple{w.bob, "bob.txt", &w.bob_experiment, &w.bob_measurement, &w.bob_fit}}) {
    const auto who = principal::user(user);
    *experiment = cat.create_experiment(who, {"plate 1", "a plate of inserts"});
    *measurement = cat.add_measurement(who, test_support::fake_measurement(name)).id;
    cat.save_fit_results(who, *measurement, {test_support::fake_fit(0)});
    *fit = cat.list_fit_results(who, *measurement).at(0).id;
  }
  return w;
}

bool contains(const auto& rows, row_id id) {
  return std::any_of(rows.begin(), rows.end(), [&](const auto& r) { return r.id == id; });
}

bool is_lab_table(table t) { return t == table::experiments || t == table::measurements || t == table::fits; }

// A measurement of the actor's, as the experiments' "insert" adds it.
eisgrid::catalog::measurement_input inserted_measurement(row_id experiment) {
  auto in = test_support::fake_measurement("inserted.txt");
  in.experiment_id = experiment;
  return in;
}

// Through the catalog API, for experiments, measurements and fits: whether a
// select found the row; a write that returns was allowed (a refusal throws).
bool lab_through_api(eisgrid::catalog::catalog& cat, const world& w, const visibility_case& c) {
  const principal who = w.as(c.who);
  const row_id id = w.id(c.on, c.row);
  if (c.on == table::experiments) {
    if (c.what == op::select) {
      const bool found = cat.find_experiment(who, id).has_value();
      EXPECT_EQ(found, contains(cat.list_experiments(who), id));
      return found;
    }
    if (c.what == op::update) cat.update_experiment(who, id, {"plate 1", "changed"});
    if (c.what == op::remove) cat.delete_experiment(who, id);
    if (c.what == op::insert) cat.add_measurement(who, inserted_measurement(id));
    if (c.what == op::move) cat.move_measurement(who, w.own_measurement(c.who), id);
    return true;
  }
  if (c.on == table::measurements) {
    if (c.what == op::select) {
      const bool found = cat.find_measurement(who, id).has_value();
      EXPECT_EQ(found, contains(cat.list_measurements(who), id));
      return found;
    }
    if (c.what == op::update) {
      auto fields = test_support::fake_measurement("any").fields;
      fields.notes = "changed";
      cat.update_measurement_fields(who, id, fields);
    }
    if (c.what == op::remove) cat.delete_measurement(who, id);
    if (c.what == op::insert) cat.save_fit_results(who, id, {test_support::fake_fit(1)});
    if (c.what == op::move) cat.move_measurement(who, id, w.own_experiment(c.who));
    return true;
  }
  if (c.what == op::select) return contains(cat.list_fit_results(who, w.measurement_of_fit(c.row)), id);
  cat.delete_fit_results(who, w.measurement_of_fit(c.row));
  return true;
}

// Seen by the operator: did the write to a lab table take effect?
bool lab_took_effect(eisgrid::catalog::catalog& cat, const world& w, const visibility_case& c) {
  const auto admin = principal::admin();
  const row_id id = w.id(c.on, c.row);
  const auto experiment_of = [&](row_id measurement) { return cat.find_measurement(admin, measurement)->measurement.experiment_id; };
  switch (c.on) {
    case table::experiments:
      if (c.what == op::update) return cat.find_experiment(admin, id)->experiment.description == "changed";
      if (c.what == op::remove) return !cat.find_experiment(admin, id).has_value();
      if (c.what == op::insert) {
        const auto rows = cat.list_measurements(admin, id);
        return std::any_of(rows.begin(), rows.end(), [](const auto& m) { return m.measurement.file_name == "inserted.txt"; });
      }
      return experiment_of(w.own_measurement(c.who)) == id;
    case table::measurements:
      if (c.what == op::update) return cat.find_measurement(admin, id)->measurement.fields.notes == "changed";
      if (c.what == op::remove) return !cat.find_measurement(admin, id).has_value();
      if (c.what == op::insert) return cat.list_fit_results(admin, id).size() == 2;
      return experiment_of(id) == w.own_experiment(c.who);
    case table::fits: return !contains(cat.list_fit_results(admin, w.measurement_of_fit(c.row)), id);
    default: ADD_FAILURE() << "not a lab table"; return false;
  }
}

// Raw SQL for a lab table on the server's login role, inside the request's
// transaction. Returns whether the database let it through.
bool lab_through_sql(eisgrid::catalog::connection& db, const world& w, const visibility_case& c) {
  const row_id id = w.id(c.on, c.row);
  const std::string tbl = c.on == table::experiments ? "experiments" : c.on == table::measurements ? "measurements" : "fit_results";
  switch (c.what) {
    case op::select: return db.query("SELECT count(*) FROM " + tbl + " WHERE id = ?", {id}).rows.at(0).get_int(0) == 1;
    case op::update: {
      const std::string column = c.on == table::experiments ? "description" : "notes";
      return db.query("UPDATE " + tbl + " SET " + column + " = 'changed' WHERE id = ?", {id}).affected == 1;
    }
    case op::remove: return db.query("DELETE FROM " + tbl + " WHERE id = ?", {id}).affected == 1;
    case op::insert:
      if (c.on == table::experiments) {
        return db.query(
                     "INSERT INTO measurements (owner_id, experiment_id, file_name, file_path, file_size, file_hash, format, n_sweeps, "
                     "n_points, freq_min, freq_max) VALUES (eisgrid_current_user_id(), ?, 'inserted.txt', "
                     "'measured/' || eisgrid_current_user_id() || '/' || repeat('b', 64), 1, repeat('b', 64), 'csv', 1, 1, 1, 1)",
                     {id})
                   .affected == 1;
      }
      return db.query(
                   "INSERT INTO fit_results (owner_id, measurement_id, sweep_index, status) "
                   "VALUES (eisgrid_current_user_id(), ?, 1, 'invalid_data')",
                   {id})
                 .affected == 1;
    case op::move:
      if (c.on == table::experiments) {
        return db.query("UPDATE measurements SET experiment_id = ? WHERE id = ?", {id, w.own_measurement(c.who)}).affected == 1;
      }
      return db.query("UPDATE measurements SET experiment_id = ? WHERE id = ?", {w.own_experiment(c.who), id}).affected == 1;
    case op::tag: break;
  }
  ADD_FAILURE() << "no tags on lab tables";
  return false;
}

// Through the catalog API. Returns whether the operation was allowed.
bool through_api(eisgrid::catalog::catalog& cat, const world& w, const visibility_case& c) {
  const principal who = w.as(c.who);
  const row_id id = w.id(c.on, c.row);
  try {
    if (is_lab_table(c.on)) return lab_through_api(cat, w, c);
    switch (c.what) {
      case op::select:
        if (c.on == table::datasets) {
          const bool found = cat.find_dataset(who, id).has_value();
          EXPECT_EQ(found, contains(cat.list_datasets(who), id));
          return found;
        }
        if (c.on == table::configurations) return contains(cat.list_configurations(who), id);
        return contains(cat.list_tags(who), id);
      case op::insert: cat.register_dataset(who, inserted_row(c.row), w.owner(c.row)); return true;
      case op::tag: cat.add_tag(who, tag_on(id, "matrix")); return true;
      case op::update:
        if (c.on == table::datasets) cat.set_dataset_description(who, id, "changed");
        if (c.on == table::configurations) cat.rename_configuration(who, id, "changed");
        if (c.on == table::tags) cat.set_tag_notes(who, id, "changed");
        return true;
      case op::remove:
        if (c.on == table::datasets) cat.delete_dataset(who, id);
        if (c.on == table::configurations) cat.delete_configuration(who, id);
        if (c.on == table::tags) cat.delete_tag(who, id);
        return true;
      case op::move: break;
    }
  } catch (const eisgrid::error& e) {
    EXPECT_TRUE(e.kind() == error_kind::not_found || e.kind() == error_kind::forbidden) << e.what();
    return false;
  }
  return false;
}

// What actually happened, seen by the operator: did the write take effect?
bool took_effect(eisgrid::catalog::catalog& cat, const world& w, const visibility_case& c) {
  if (is_lab_table(c.on)) return lab_took_effect(cat, w, c);
  const auto admin = principal::admin();
  const row_id id = w.id(c.on, c.row);
  switch (c.what) {
    case op::select: return true;
    case op::insert: {
      const auto rows = cat.list_datasets(admin);
      return std::any_of(rows.begin(), rows.end(), [](const auto& d) { return d.file_name == "inserted.npz"; });
    }
    case op::tag: {
      const auto tags = cat.list_tags(admin, id);
      return std::any_of(tags.begin(), tags.end(), [](const auto& t) { return t.tag.label == "matrix" || t.tag.label == "raw"; });
    }
    case op::update:
      if (c.on == table::datasets) return cat.find_dataset(admin, id)->description == "changed";
      if (c.on == table::configurations) {
        for (const auto& k : cat.list_configurations(admin)) {
          if (k.id == id) return k.config.name == "changed";
        }
        return false;
      }
      for (const auto& t : cat.list_tags(admin)) {
        if (t.id == id) return t.tag.notes == "changed";
      }
      return false;
    case op::remove:
      if (c.on == table::datasets) return !cat.find_dataset(admin, id).has_value();
      if (c.on == table::configurations) return !contains(cat.list_configurations(admin), id);
      return !contains(cat.list_tags(admin), id);
    case op::move: break;
  }
  return false;
}

const char* table_name(table t) {
  return t == table::datasets ? "circuit_npz_datasets" : t == table::tags ? "tagged_npz_models" : "circuit_configurations";
}

// Where the database refuses a row of another user's experiment or
// measurement by the foreign key on (id, owner), the refusal is a conflict
// (23503), not a privilege error.
bool refused_by_owner_key(const visibility_case& c) {
  return (c.on == table::experiments || c.on == table::measurements) && (c.what == op::insert || c.what == op::move);
}

// Raw SQL on the server's login role, in a request transaction for the actor.
// Returns whether the database let it through.
bool through_sql(eisgrid::catalog::connection& db, const world& w, const visibility_case& c) {
  const row_id id = w.id(c.on, c.row);
  const std::string tbl = table_name(c.on);
  eisgrid::catalog::transaction tx(db, w.as(c.who), true);
  try {
    bool allowed = false;
    if (is_lab_table(c.on)) {
      allowed = lab_through_sql(db, w, c);
      tx.commit();
      return allowed;
    }
    switch (c.what) {
      case op::select: allowed = db.query("SELECT count(*) FROM " + tbl + " WHERE id = ?", {id}).rows.at(0).get_int(0) == 1; break;
      case op::insert: {
        const bool public_row = c.row == target::public_row;
        const auto owner = w.owner(c.row);
        allowed = db.query(
                        "INSERT INTO circuit_npz_datasets (owner_id, file_name, storage_location, file_path, n_frequencies, "
                        "n_parameter_sets, n_spectra, file_size, file_hash, short_hash, computation_metadata, is_public) "
                        "VALUES (?, 'inserted.npz', ?, 'x', 1, 1, 1, 1, repeat('a', 64), repeat('a', 16), '{}', ?)",
                        {owner ? eisgrid::catalog::param(*owner) : eisgrid::catalog::null_param(),
                         std::string(public_row ? "precomputed" : "user_generated"), public_row})
                      .affected == 1;
        break;
      }
      case op::tag:
        allowed = db.query(
                        "INSERT INTO tagged_npz_models (owner_id, dataset_id, rank_index, params, label) "
                        "VALUES (eisgrid_current_user_id(), ?, 0, '{\"Rsh\": 1}', 'raw')",
                        {id})
                      .affected == 1;
        break;
      case op::update: {
        const std::string column = c.on == table::datasets ? "description" : c.on == table::tags ? "notes" : "name";
        allowed = db.query("UPDATE " + tbl + " SET " + column + " = 'changed' WHERE id = ?", {id}).affected == 1;
        break;
      }
      case op::remove: allowed = db.query("DELETE FROM " + tbl + " WHERE id = ?", {id}).affected == 1; break;
      case op::move: break;
    }
    tx.commit();
    return allowed;
  } catch (const eisgrid::error& e) {
    // 42501: privilege or row-level security.
    const bool expected = e.kind() == error_kind::forbidden || (refused_by_owner_key(c) && e.kind() == error_kind::conflict);
    EXPECT_TRUE(expected) << e.what();
    return false;
  }
}

// Every row of every table, as the operator reads it.
std::string snapshot(eisgrid::catalog::catalog& admin) {
  std::string out;
  for (const char* t : {"users", "api_keys", "circuit_configurations", "circuit_npz_datasets", "tagged_npz_models", "compute_jobs",
                        "experiments", "measurements", "fit_results"}) {
    out += std::string(t) + ":";
    for (const auto& r : admin.db().query(std::string("SELECT * FROM ") + t + " ORDER BY id").rows) {
      for (std::size_t i = 0; i < r.size(); ++i) out += r.is_null(i) ? "NULL|" : r.get_text(i) + "|";
      out += "\n";
    }
  }
  return out;
}

// Checks `attempt` (whether the case's operation was allowed) on every case,
// each on the world populate() makes. Making it takes most of the time, so it
// is made again only after a case that changed it: a read or a refused write
// must leave every table as it was, which is checked after each (a refused
// write that changed anything fails the test, and the world is made again).
template <class Attempt>
void for_each_case(test_support::engine_setup& engine, Attempt attempt) {
  std::optional<world> w;
  std::string before;
  for (const auto& c : k_cases) {
    SCOPED_TRACE(describe(c));
    if (!w) {
      engine.reset();
      w = populate(engine.admin());
      before = snapshot(engine.admin());
    }
    const bool allowed = attempt(*w, c);
    EXPECT_EQ(allowed, c.expect == outcome::allowed);
    if (c.what != op::select) {
      EXPECT_EQ(took_effect(engine.admin(), *w, c), c.expect == outcome::allowed);
    }
    if (c.what != op::select && c.expect == outcome::allowed) {
      w.reset();
    } else if (const auto after = snapshot(engine.admin()); after != before) {
      ADD_FAILURE() << "the tables changed:\n" << before << "became\n" << after;
      w.reset();
    }
  }
}

class catalog_visibility : public ::testing::TestWithParam<std::string> {};

TEST_P(catalog_visibility, every_case_of_the_matrix_through_the_api) {
  auto engine = test_support::make_engine(GetParam());
  for_each_case(*engine, [&](const world& w, const visibility_case& c) { return through_api(engine->server(), w, c); });
}

TEST_P(catalog_visibility, tags_and_configurations_follow_their_dataset) {
  auto engine = test_support::make_engine(GetParam());
  engine->reset();
  const world w = populate(engine->admin());
  auto& cat = engine->server();
  // Tags on the public dataset are public; each user's own tags are theirs.
  const auto anon_tags = cat.list_tags(principal::anonymous());
  ASSERT_EQ(anon_tags.size(), 1u);
  EXPECT_EQ(anon_tags[0].id, w.bob_public_tag);
  EXPECT_EQ(cat.list_tags(principal::user(w.alice)).size(), 2u);
  EXPECT_EQ(cat.list_tags(principal::user(w.bob)).size(), 2u);
  // Users are never visible to the server's principals, only to the operator.
  EXPECT_EQ(engine->admin().list_users().size(), 2u);
  // A user's view of datasets: their own and the public ones.
  EXPECT_EQ(cat.list_datasets(principal::anonymous()).size(), 1u);
  EXPECT_EQ(cat.list_datasets(principal::user(w.alice)).size(), 2u);
  EXPECT_EQ(cat.list_datasets(principal::user(w.bob)).size(), 2u);
  // A user registers datasets for themselves only.
  EXPECT_THROW(cat.register_dataset(principal::user(w.alice), test_support::fake_dataset("y.npz", storage::user_generated), w.bob),
               eisgrid::error);
  EXPECT_EQ(cat.register_dataset(principal::user(w.alice), test_support::fake_dataset("y.npz", storage::user_generated), w.alice),
            eisgrid::catalog::register_outcome::registered);
  // Anonymous callers cannot register anything.
  EXPECT_THROW(cat.register_dataset(principal::anonymous(), test_support::fake_dataset("x.npz", storage::user_generated), std::nullopt),
               eisgrid::error);
}

TEST_P(catalog_visibility, api_keys_authenticate_until_revoked) {
  auto engine = test_support::make_engine(GetParam());
  engine->reset();
  auto& admin = engine->admin();
  const auto created = admin.add_user("carol");
  ASSERT_FALSE(created.api_key.empty());
  const auto who = engine->server().authenticate(created.api_key);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->user_id, created.user.id);
  EXPECT_FALSE(engine->server().authenticate(created.api_key + "x").has_value());
  EXPECT_FALSE(engine->server().authenticate("").has_value());
  EXPECT_THROW(admin.add_user("carol"), eisgrid::error);
  EXPECT_EQ(admin.revoke_user("carol"), 1);
  EXPECT_FALSE(engine->server().authenticate(created.api_key).has_value());
  // Re-keying a revoked user gives a new, working key.
  const auto again = admin.add_user("carol");
  EXPECT_NE(again.api_key, created.api_key);
  EXPECT_TRUE(engine->server().authenticate(again.api_key).has_value());
  EXPECT_THROW(admin.revoke_user("nobody"), eisgrid::error);
  EXPECT_THROW(admin.add_user("bad name;"), eisgrid::error);
  // Only the hash is stored.
  const auto stored = admin.db().query("SELECT key_hash FROM api_keys");
  for (const auto& r : stored.rows) EXPECT_EQ(r.get_text(0).find("eisgrid_"), std::string::npos);
}

TEST_P(catalog_visibility, a_token_subject_becomes_a_user_without_operator_rights) {
  auto engine = test_support::make_engine(GetParam());
  engine->reset();
  const auto carol = engine->admin().add_user("carol");
  auto& server = engine->server();  // on PostgreSQL, the unprivileged login role
  const auto first = server.ensure_token_user("4b1d2c3e-9a7f-4e1b-8c2d-0f6a5e4d3c2b");
  EXPECT_EQ(first.name, "jwt:4b1d2c3e-9a7f-4e1b-8c2d-0f6a5e4d3c2b");
  EXPECT_EQ(server.ensure_token_user("4b1d2c3e-9a7f-4e1b-8c2d-0f6a5e4d3c2b").id, first.id);  // created once
  EXPECT_EQ(engine->admin().find_user(first.name)->id, first.id);
  EXPECT_THROW(server.ensure_token_user("no spaces"), eisgrid::error);
  EXPECT_THROW(server.ensure_token_user(""), eisgrid::error);
  EXPECT_THROW(server.ensure_token_user(std::string(61, 'a')), eisgrid::error);  // no room for the prefix
  EXPECT_EQ(server.ensure_token_user(std::string(60, 'a')).name.size(), 64u);
  EXPECT_EQ(engine->admin().list_users().size(), 3u);
}

// Issue 11 item 10: a JWT with `sub: "carol"` was the API-key user carol, and
// `user revoke carol` did not stop it.
TEST_P(catalog_visibility, token_users_are_apart_from_api_key_users_and_revocable) {
  auto engine = test_support::make_engine(GetParam());
  engine->reset();
  auto& admin = engine->admin();
  const auto carol = admin.add_user("carol");
  auto& server = engine->server();
  const auto token_carol = server.ensure_token_user("carol");
  EXPECT_NE(token_carol.id, carol.user.id);
  EXPECT_EQ(token_carol.name, "jwt:carol");
  // Nobody can make an API-key user in the token namespace either.
  EXPECT_THROW(admin.add_user("jwt:carol"), eisgrid::error);
  EXPECT_THROW(admin.ensure_user("jwt:dave"), eisgrid::error);
  // Revoking the token user refuses its tokens from then on, and leaves carol alone.
  EXPECT_EQ(admin.revoke_user("jwt:carol"), 0);
  EXPECT_TRUE(admin.find_user("jwt:carol")->revoked);
  try {
    (void)server.ensure_token_user("carol");
    ADD_FAILURE() << "a revoked token user signed in";
  } catch (const eisgrid::error& e) {
    EXPECT_EQ(e.kind(), eisgrid::error_kind::unauthorized);
  }
  EXPECT_TRUE(server.authenticate(carol.api_key).has_value());
  EXPECT_FALSE(admin.find_user("carol")->revoked);
  // Revoking an API-key user revokes it too; re-keying it lifts that.
  EXPECT_EQ(admin.revoke_user("carol"), 1);
  EXPECT_TRUE(admin.find_user("carol")->revoked);
  const auto again = admin.add_user("carol");
  EXPECT_FALSE(again.user.revoked);
  EXPECT_FALSE(admin.find_user("carol")->revoked);
  for (const auto& u : admin.list_users()) EXPECT_EQ(u.revoked, u.name == "jwt:carol") << u.name;
}

TEST_P(catalog_visibility, jobs_are_their_owners_alone_and_finished_ones_are_pruned) {
  auto engine = test_support::make_engine(GetParam());
  engine->reset();
  const auto alice = principal::user(engine->admin().add_user("alice").user.id);
  const auto bob = principal::user(engine->admin().add_user("bob").user.id);
  auto& server = engine->server();
  eisgrid::catalog::job_record job;
  job.id = "job_a";
  job.owner_id = alice.user_id;
  job.state = "queued";
  job.request = R"({"grid":3})";
  job.output = "a.npz";
  job.total = 243;
  job.created_at = "2026-01-01T00:00:00.000Z";
  server.save_job(alice, job, 2);
  job.state = "done";
  job.done = 243;
  job.elapsed_seconds = 0.5;
  job.dataset_file = "a.npz";
  server.save_job(alice, job, 2);  // an update, not a second row
  const auto mine = server.list_jobs(alice);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].state, "done");
  EXPECT_EQ(mine[0].done, 243u);
  EXPECT_EQ(mine[0].dataset_file, "a.npz");
  EXPECT_EQ(mine[0].request, R"({"grid":3})");
  EXPECT_EQ(server.find_job(alice, "job_a")->output, "a.npz");
  // Nobody else reads it, and nobody saves a job for another user.
  EXPECT_TRUE(server.list_jobs(bob).empty());
  EXPECT_FALSE(server.find_job(bob, "job_a").has_value());
  EXPECT_TRUE(server.list_jobs(principal::anonymous()).empty());
  job.state = "failed";
  EXPECT_THROW(server.save_job(bob, job, 2), eisgrid::error);
  EXPECT_THROW(server.save_job(principal::anonymous(), job, 2), eisgrid::error);
  auto stolen = job;
  stolen.owner_id = bob.user_id;
  // Bob reusing alice's job id: PostgreSQL refuses, SQLite's owner test skips the update; her row is unchanged.
  try {
    server.save_job(bob, stolen, 2);
  } catch (const eisgrid::error&) {
  }
  EXPECT_EQ(server.find_job(alice, "job_a")->state, "done");
  EXPECT_TRUE(server.list_jobs(bob).empty());
  // Finished jobs beyond the two newest go; a running one stays whatever its age.
  for (int i = 0; i < 4; ++i) {
    auto more = job;
    more.id = "job_" + std::to_string(i);
    more.state = i == 0 ? "running" : "cancelled";
    more.created_at = "2026-01-0" + std::to_string(i + 2) + "T00:00:00.000Z";
    server.save_job(alice, more, 2);
  }
  std::vector<std::string> ids;
  for (const auto& j : server.list_jobs(alice)) ids.push_back(j.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"job_3", "job_2", "job_0"}));
}

TEST_P(catalog_visibility, configurations_are_stored_once_and_never_orphaned) {
  auto engine = test_support::make_engine(GetParam());
  engine->reset();
  auto& cat = engine->admin();
  const auto alice_id = cat.ensure_user("alice").id;
  const auto alice = principal::user(alice_id);
  auto first = test_support::fake_dataset("one.npz", storage::user_generated);
  auto second = test_support::fake_dataset("two.npz", storage::user_generated);
  EXPECT_EQ(cat.register_dataset(alice, first, alice_id), eisgrid::catalog::register_outcome::registered);
  EXPECT_EQ(cat.register_dataset(alice, second, alice_id), eisgrid::catalog::register_outcome::registered);
  EXPECT_EQ(cat.list_configurations(alice).size(), 1u);
  EXPECT_EQ(cat.register_dataset(alice, first, alice_id), eisgrid::catalog::register_outcome::unchanged);
  // A changed file with another configuration: the new one is made, the old one stays for two.npz.
  first.file_hash = eisgrid::sha256_hex("changed");
  first.configuration->freq_max = 1e6;
  EXPECT_EQ(cat.register_dataset(alice, first, alice_id), eisgrid::catalog::register_outcome::updated);
  EXPECT_EQ(cat.list_configurations(alice).size(), 2u);
  // Now two.npz moves too: its old configuration would be unused, so it goes.
  second.configuration->freq_max = 1e6;
  second.file_hash = eisgrid::sha256_hex("changed too");
  EXPECT_EQ(cat.register_dataset(alice, second, alice_id), eisgrid::catalog::register_outcome::updated);
  EXPECT_EQ(cat.list_configurations(alice).size(), 1u);
  // Deleting the datasets removes the configuration they used.
  for (const auto& d : cat.list_datasets(alice)) cat.delete_dataset(alice, d.id);
  EXPECT_EQ(cat.list_configurations(principal::admin()).size(), 0u);
}

TEST_P(catalog_visibility, numbers_out_of_the_old_ranges_fit) {
  auto engine = test_support::make_engine(GetParam());
  engine->reset();
  auto& cat = engine->admin();
  auto in = test_support::fake_dataset("inf.npz", storage::precomputed);
  in.best_resnorm = std::numeric_limits<double>::infinity();
  in.file_size = 5'000'000'000ULL;
  in.n_grid_points = 100'000'000'000LL;
  cat.register_dataset(principal::admin(), in, std::nullopt);
  in.file_name = "big.npz";
  in.best_resnorm = 1e5;
  cat.register_dataset(principal::admin(), in, std::nullopt);
  in.file_name = "nan.npz";
  in.best_resnorm = std::numeric_limits<double>::quiet_NaN();
  cat.register_dataset(principal::admin(), in, std::nullopt);
  for (const auto& d : cat.list_datasets(principal::anonymous())) {
    if (d.file_name == "inf.npz") {
      EXPECT_TRUE(std::isinf(d.best_resnorm));
    } else if (d.file_name == "big.npz") {
      EXPECT_EQ(d.best_resnorm, 1e5);
    } else {
      EXPECT_TRUE(std::isnan(d.best_resnorm));
    }
    EXPECT_EQ(d.file_size, 5'000'000'000LL);
    EXPECT_EQ(*d.n_grid_points, 100'000'000'000LL);
  }
}

TEST_P(catalog_visibility, migrations_run_once_and_again_change_nothing) {
  auto engine = test_support::make_engine(GetParam());
  engine->reset();
  auto& db = engine->admin().db();
  const auto list =
      engine->kind() == eisgrid::catalog::engine::sqlite ? eisgrid::catalog::sqlite_migrations() : eisgrid::catalog::pg_migrations();
  const auto newest = list.back().version;
  EXPECT_EQ(eisgrid::catalog::migrate(db), newest);
  EXPECT_EQ(eisgrid::catalog::migrate(db), newest);
  // One row per migration; the numbers need not be dense.
  EXPECT_EQ(db.query("SELECT count(*) FROM schema_migrations").rows.at(0).get_int(0), static_cast<std::int64_t>(list.size()));
}

TEST_P(catalog_visibility, a_closed_connection_refuses_queries) {
  auto engine = test_support::make_engine(GetParam());
  engine->reset();
  auto& db = engine->server().db();
  db.close();
  db.close();
  EXPECT_THROW(db.query("SELECT 1"), eisgrid::error);
  db.rollback();
}

INSTANTIATE_TEST_SUITE_P(engines, catalog_visibility, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// ---- PostgreSQL only: the database itself refuses ----

class catalog_rls : public ::testing::Test {
 protected:
  test_support::pg_setup engine_;
};

TEST_F(catalog_rls, every_case_of_the_matrix_as_raw_sql_under_the_server_role) {
  eisgrid::catalog::pg_connection raw(engine_.server_url());
  for_each_case(engine_, [&](const world& w, const visibility_case& c) { return through_sql(raw, w, c); });
}

TEST_F(catalog_rls, a_user_cannot_forge_an_owner_or_read_users_and_keys) {
  engine_.reset();
  const world w = populate(engine_.admin());
  engine_.admin().add_user("dave");
  eisgrid::catalog::pg_connection raw(engine_.server_url());
  const auto insert_as = [&](const principal& who, const std::string& owner) {
    eisgrid::catalog::transaction tx(raw, who, true);
    raw.query(
        "INSERT INTO circuit_npz_datasets (owner_id, file_name, storage_location, file_path, n_frequencies, "
        "n_parameter_sets, n_spectra, file_size, file_hash, short_hash, computation_metadata, is_public) VALUES (" +
        owner + ", 'forged.npz', 'user_generated', 'x', 1, 1, 1, 1, repeat('a', 64), repeat('a', 16), '{}', true)");
    tx.commit();
  };
  EXPECT_THROW(insert_as(principal::user(w.alice), std::to_string(w.bob)), eisgrid::error);
  EXPECT_THROW(insert_as(principal::user(w.alice), "NULL"), eisgrid::error);
  EXPECT_THROW(insert_as(principal::anonymous(), std::to_string(w.alice)), eisgrid::error);
  EXPECT_NO_THROW(insert_as(principal::user(w.alice), std::to_string(w.alice)));
  // Moving one's own row to another owner is refused too.
  {
    eisgrid::catalog::transaction tx(raw, principal::user(w.alice), true);
    EXPECT_THROW(raw.query("UPDATE circuit_npz_datasets SET owner_id = ? WHERE id = ?", {w.bob, w.alice_dataset}), eisgrid::error);
  }
  for (const auto& who : {principal::anonymous(), principal::user(w.alice)}) {
    eisgrid::catalog::transaction tx(raw, who, false);
    const auto users = raw.query("SELECT name FROM users");
    EXPECT_LE(users.rows.size(), 1u);
    for (const auto& r : users.rows) EXPECT_EQ(r.get_text(0), "alice");
    EXPECT_EQ(raw.query("SELECT count(*) FROM api_keys").rows.at(0).get_int(0), 0);
    tx.commit();
  }
  // The server's role cannot become the administrator, nor skip SET ROLE to gain anything.
  EXPECT_THROW(raw.execute_script("BEGIN; SET LOCAL ROLE eisgrid_admin"), eisgrid::error);
  raw.rollback();
  EXPECT_THROW(raw.query("SELECT count(*) FROM circuit_npz_datasets"), eisgrid::error);
}

TEST_F(catalog_rls, a_user_cannot_forge_lab_rows_nor_change_what_a_file_holds) {
  engine_.reset();
  const world w = populate(engine_.admin());
  eisgrid::catalog::pg_connection raw(engine_.server_url());
  const auto run_as = [&](const principal& who, const std::string& sql, const eisgrid::catalog::params& values) {
    eisgrid::catalog::transaction tx(raw, who, true);
    const auto affected = raw.query(sql, values).affected;
    tx.commit();
    return affected;
  };
  const auto kind_of = [&](const principal& who, const std::string& sql, const eisgrid::catalog::params& values) {
    try {
      run_as(who, sql, values);
    } catch (const eisgrid::error& e) {
      return e.kind();
    }
    return error_kind::internal;  // not refused
  };
  const auto alice = principal::user(w.alice);
  const std::string measurement =
      "INSERT INTO measurements (owner_id, file_name, file_path, file_size, file_hash, format, n_sweeps, n_points, freq_min, "
      "freq_max) VALUES (?, 'forged.txt', ?, 1, repeat('c', 64), 'csv', 1, 1, 1, 1)";
  const auto path_of = [](row_id owner) { return "measured/" + std::to_string(owner) + "/" + std::string(64, 'c'); };
  // Rows owned by someone else, by nobody, or by an anonymous caller.
  EXPECT_EQ(kind_of(alice, "INSERT INTO experiments (owner_id, name) VALUES (?, 'forged')", {w.bob}), error_kind::forbidden);
  EXPECT_EQ(kind_of(alice, measurement, {w.bob, path_of(w.bob)}), error_kind::forbidden);
  EXPECT_EQ(kind_of(principal::anonymous(), measurement, {w.alice, path_of(w.alice)}), error_kind::forbidden);
  EXPECT_EQ(kind_of(alice, "INSERT INTO fit_results (owner_id, measurement_id, sweep_index, status) VALUES (?, ?, 2, 'invalid_data')",
                    {w.bob, w.bob_measurement}),
            error_kind::forbidden);
  // Her own row, but with the file in bob's directory: the path must be hers.
  EXPECT_EQ(kind_of(alice, measurement, {w.alice, path_of(w.bob)}), error_kind::conflict);
  EXPECT_EQ(run_as(alice, measurement, {w.alice, path_of(w.alice)}), 1);
  // What the file holds, who owns it and what a fit found are not for a user to edit.
  for (const char* set : {"file_hash = repeat('d', 64)", "file_path = 'measured/1/x'", "owner_id = ?", "n_sweeps = 9"}) {
    const bool with_owner = std::string(set).find('?') != std::string::npos;
    eisgrid::catalog::params values;
    if (with_owner) values.emplace_back(w.bob);
    values.emplace_back(w.alice_measurement);
    EXPECT_EQ(kind_of(alice, std::string("UPDATE measurements SET ") + set + " WHERE id = ?", values), error_kind::forbidden) << set;
  }
  EXPECT_EQ(kind_of(alice, "UPDATE fit_results SET ter = 1 WHERE id = ?", {w.alice_fit}), error_kind::forbidden);
  EXPECT_EQ(kind_of(alice, "UPDATE experiments SET owner_id = ? WHERE id = ?", {w.bob, w.alice_experiment}), error_kind::forbidden);
  // The lab's own fields are hers to change.
  EXPECT_EQ(run_as(alice, "UPDATE measurements SET notes = 'ok', area_cm2 = 0.33 WHERE id = ?", {w.alice_measurement}), 1);
  // Nobody else reads a row of hers, nor learns how many there are.
  for (const auto& who : {principal::anonymous(), principal::user(w.bob)}) {
    eisgrid::catalog::transaction tx(raw, who, false);
    for (const char* table : {"experiments", "measurements", "fit_results"}) {
      EXPECT_EQ(raw.query(std::string("SELECT count(*) FROM ") + table + " WHERE owner_id = ?", {w.alice}).rows.at(0).get_int(0), 0)
          << table;
    }
    tx.commit();
  }
}

TEST_F(catalog_rls, the_server_may_create_only_the_user_its_token_names) {
  engine_.reset();
  const world w = populate(engine_.admin());
  eisgrid::catalog::pg_connection raw(engine_.server_url());
  const auto run_as = [&](const principal& who, const std::string& subject, const std::string& sql) {
    eisgrid::catalog::transaction tx(raw, who, true);
    if (!subject.empty()) raw.set_local("eisgrid.subject", subject);
    raw.query(sql);
    tx.commit();
  };
  const auto anon = principal::anonymous();
  EXPECT_THROW(run_as(anon, "", "INSERT INTO users (name) VALUES ('jwt:mallory')"), eisgrid::error);
  EXPECT_THROW(run_as(anon, "jwt:carol", "INSERT INTO users (name) VALUES ('jwt:mallory')"), eisgrid::error);
  EXPECT_THROW(run_as(anon, "jwt:carol", "INSERT INTO users (name, created_at) VALUES ('jwt:carol', '2000-01-01')"), eisgrid::error);
  EXPECT_THROW(run_as(anon, "jwt:carol", "INSERT INTO users (name, revoked_at) VALUES ('jwt:carol', NULL)"), eisgrid::error);
  EXPECT_THROW(run_as(anon, "alice", "UPDATE users SET name = 'mallory' WHERE name = 'alice'"), eisgrid::error);
  EXPECT_THROW(run_as(anon, "alice", "DELETE FROM users WHERE name = 'alice'"), eisgrid::error);
  EXPECT_THROW(run_as(principal::user(w.alice), "jwt:mallory", "INSERT INTO users (name) VALUES ('jwt:mallory')"), eisgrid::error);
  // Only names of the token namespace: a subject set to an API-key user's name, or to a new plain name, gets nothing.
  EXPECT_THROW(run_as(anon, "carol", "INSERT INTO users (name) VALUES ('carol')"), eisgrid::error);
  {
    eisgrid::catalog::transaction tx(raw, anon, false);
    raw.set_local("eisgrid.subject", "alice");
    EXPECT_EQ(raw.query("SELECT count(*) FROM users").rows.at(0).get_int(0), 0);
  }
  EXPECT_NO_THROW(run_as(anon, "jwt:carol", "INSERT INTO users (name) VALUES ('jwt:carol')"));
  {
    // With the subject set, the anonymous role sees that one user and no keys.
    eisgrid::catalog::transaction tx(raw, anon, false);
    raw.set_local("eisgrid.subject", "jwt:carol");
    const auto users = raw.query("SELECT name FROM users");
    ASSERT_EQ(users.rows.size(), 1u);
    EXPECT_EQ(users.rows[0].get_text(0), "jwt:carol");
    EXPECT_EQ(raw.query("SELECT count(*) FROM api_keys").rows.at(0).get_int(0), 0);
    // Nor can it lift a revocation.
    EXPECT_THROW(raw.query("UPDATE users SET revoked_at = NULL WHERE name = 'jwt:carol'"), eisgrid::error);
  }
  EXPECT_FALSE(engine_.admin().find_user("jwt:mallory").has_value());
  EXPECT_FALSE(engine_.admin().find_user("carol").has_value());
  EXPECT_TRUE(engine_.admin().find_user("alice").has_value());
}

TEST_F(catalog_rls, the_schema_forces_row_level_security_and_trusts_no_caller) {
  auto& db = engine_.admin().db();
  // Every table: enabled and forced.
  const auto tables = db.query(
      "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'");
  ASSERT_GE(tables.rows.size(), 6u);
  for (const auto& r : tables.rows) {
    EXPECT_TRUE(r.get_bool(1)) << r.get_text(0);
    EXPECT_TRUE(r.get_bool(2)) << r.get_text(0);
  }
  // Views are security_invoker.
  const auto views = db.query(
      "SELECT relname, coalesce(array_to_string(reloptions, ','), '') FROM pg_class "
      "WHERE relnamespace = 'public'::regnamespace AND relkind = 'v'");
  ASSERT_GE(views.rows.size(), 1u);
  for (const auto& r : views.rows) EXPECT_NE(r.get_text(1).find("security_invoker=true"), std::string::npos) << r.get_text(0);
  // No SECURITY DEFINER function.
  EXPECT_EQ(db.query("SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND prosecdef").rows.at(0).get_int(0), 0);
  // The server's login role owns nothing, has no BYPASSRLS, is no superuser.
  const auto role = db.query("SELECT rolsuper, rolbypassrls, rolinherit FROM pg_roles WHERE rolname = 'eisgrid_server'");
  ASSERT_EQ(role.rows.size(), 1u);
  EXPECT_FALSE(role.rows[0].get_bool(0));
  EXPECT_FALSE(role.rows[0].get_bool(1));
  EXPECT_EQ(db.query("SELECT count(*) FROM pg_class WHERE relowner = 'eisgrid_server'::regrole").rows.at(0).get_int(0), 0);
  // Migrating again changes nothing.
  const auto newest = eisgrid::catalog::pg_migrations().back().version;
  EXPECT_EQ(eisgrid::catalog::migrate(db), newest);
  EXPECT_EQ(db.query("SELECT count(*) FROM schema_migrations").rows.at(0).get_int(0), newest);
}

TEST_F(catalog_rls, an_older_schema_asks_the_operator_to_migrate_and_the_operator_can) {
  engine_.reset();
  auto& db = engine_.admin().db();
  const auto newest = eisgrid::catalog::pg_migrations().back().version;
  const auto alice = principal::user(engine_.admin().ensure_user("alice").id);
  const auto measurement = engine_.admin().add_measurement(alice, test_support::fake_measurement("a.txt")).id;
  engine_.admin().register_dataset(alice, test_support::fake_dataset("a.npz", storage::user_generated), alice.user_id);
  const auto dataset = engine_.admin().list_datasets(alice).at(0).id;
  // The catalog as the previous eisgrid left it: fit_results of version 5
  // (one row per sweep, rc's columns only), holding an rc fit, and tags of
  // version 7 (rc's five columns), holding an rc tag.
  const auto undo = [&] {
    db.execute_script(
        "BEGIN; ALTER TABLE tagged_npz_models DROP COLUMN model, DROP COLUMN params, ADD COLUMN rsh double precision NOT NULL, "
        "ADD COLUMN ra double precision NOT NULL, ADD COLUMN ca double precision NOT NULL, ADD COLUMN rb double precision NOT NULL, "
        "ADD COLUMN cb double precision NOT NULL; "
        "ALTER TABLE fit_results DROP CONSTRAINT fit_results_fitted, DROP CONSTRAINT fit_results_sweep_model, "
        "DROP COLUMN model, DROP COLUMN params, DROP COLUMN stderr, DROP COLUMN aic, DROP COLUMN bic, DROP COLUMN best_model, "
        "DROP COLUMN decisive_frequency, DROP COLUMN at_edge, "
        "ADD CONSTRAINT fit_results_measurement_id_sweep_index_key UNIQUE (measurement_id, sweep_index), "
        "ADD CONSTRAINT fit_results_check CHECK (status = 'invalid_data' OR (metric IS NOT NULL AND resnorm IS NOT NULL "
        "AND rs IS NOT NULL AND ter IS NOT NULL AND tec IS NOT NULL AND tau1 IS NOT NULL AND tau2 IS NOT NULL AND rsh IS NOT NULL "
        "AND ra IS NOT NULL AND ca IS NOT NULL AND rb IS NOT NULL AND cb IS NOT NULL)); "
        "DELETE FROM schema_migrations WHERE version >= 6; COMMIT");
  };
  // Migration 7 replaces the constraint that undo() drops, and its grants are
  // taken again when it runs again.
  ASSERT_EQ(newest, 8) << "undo() removes migrations 6 to 8: update it with the newest migration";
  undo();
  const double rsh = 0.1 + 0.2, ca = 1.0 / 3 * 1e-5;
  db.query(
      "INSERT INTO tagged_npz_models (owner_id, dataset_id, rank_index, resnorm, rsh, ra, ca, rb, cb, label) "
      "VALUES (?, ?, 1, 12.5, ?, 700, ?, 900, 4e-6, 'second')",
      {alice.user_id, dataset, rsh, ca});
  db.query(
      "INSERT INTO fit_results (owner_id, measurement_id, sweep_index, status, metric, resnorm, rs, ter, tec, tau1, tau2, rs_stderr, "
      "ter_stderr, rsh, ra, ca, rb, cb) VALUES (?, ?, 0, 'ok', 'modulus', 0.01, 20.5, 1500, 2.1e-6, 1.2e-3, 2.5e-5, 0.1, 3, 1800, 700, "
      "5e-6, 900, 4e-6)",
      {alice.user_id, measurement});
  try {
    (void)eisgrid::catalog::catalog::open("", engine_.server_url());
    ADD_FAILURE() << "the server's role migrated, or opened an old schema";
  } catch (const eisgrid::error& e) {
    EXPECT_EQ(e.kind(), eisgrid::error_kind::forbidden);
    EXPECT_NE(std::string(e.what()).find("schema is at version 5 and this eisgrid needs 8"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("as the operator"), std::string::npos) << e.what();
  }
  EXPECT_EQ(db.query("SELECT count(*) FROM schema_migrations").rows.at(0).get_int(0), 5);  // nothing half-applied
  EXPECT_EQ(eisgrid::catalog::migrate(db), newest);
  // The old row is an rc fit with its parameters by name, read by the server's role.
  auto server = eisgrid::catalog::catalog::open("", engine_.server_url());
  const auto fits = server.list_fit_results(alice, measurement);
  ASSERT_EQ(fits.size(), 1u);
  EXPECT_EQ(fits[0].fit.model, "rc");
  EXPECT_EQ(fits[0].fit.model_params, (std::vector<double>{20.5, 1800, 700, 5e-6, 900, 4e-6}));
  ASSERT_EQ(fits[0].fit.model_errors.size(), 6u);
  EXPECT_EQ(fits[0].fit.model_errors[0], 0.1);
  EXPECT_TRUE(std::isnan(fits[0].fit.model_errors[1]));
  EXPECT_EQ(fits[0].fit.ter, 1500);
  EXPECT_TRUE(fits[0].fit.at_edge.empty());
  EXPECT_FALSE(fits[0].fit.best_model.has_value());
  // The sweep takes a second model's fit now, which version 5 refused.
  auto rc = test_support::fake_fit(0);
  auto cpe = rc;
  cpe.model = "cpe";
  cpe.model_params = {20.5, 1800, 700, 5e-6, 0.9, 900, 4e-6, 0.95};
  server.save_fit_results(alice, measurement, {rc, cpe});
  EXPECT_EQ(server.list_fit_results(alice, measurement).size(), 2u);
  // The old tag is an rc tag with its five values by name, each the same double.
  const auto tags = server.list_tags(alice);
  ASSERT_EQ(tags.size(), 1u);
  EXPECT_EQ(tags[0].tag.model, "rc");
  EXPECT_EQ(tags[0].tag.params, (std::vector<double>{rsh, 700, ca, 900, 4e-6}));
  EXPECT_EQ(tags[0].tag.resnorm, 12.5);
  EXPECT_EQ(tags[0].tag.label, "second");
}

// Issue 21, item 7: the server's roles learn nothing of other users' rows from
// the database's bookkeeping: no sequence's position, no table's statistics,
// and no duplicate-key error for a fit's key that another user's row holds.
TEST_F(catalog_rls, the_server_roles_read_no_counters_and_meet_no_other_users_keys) {
  engine_.reset();
  const world w = populate(engine_.admin());
  eisgrid::catalog::pg_connection raw(engine_.server_url());
  const auto refused = [&](const principal& who, const std::string& sql) {
    eisgrid::catalog::transaction tx(raw, who, false);
    try {
      (void)raw.query(sql);
    } catch (const eisgrid::error& e) {
      return e.kind() == error_kind::forbidden;
    }
    return false;
  };
  for (const auto& who : {principal::anonymous(), principal::user(w.bob)}) {
    for (const char* sql : {"SELECT n_live_tup FROM pg_stat_user_tables", "SELECT n_tup_ins FROM pg_stat_all_tables",
                            "SELECT n_tup_ins FROM pg_stat_xact_user_tables", "SELECT heap_blks_read FROM pg_statio_user_tables",
                            "SELECT idx_scan FROM pg_stat_user_indexes", "SELECT pg_stat_get_live_tuples('measurements'::regclass)",
                            "SELECT pg_stat_get_tuples_inserted('api_keys'::regclass)", "SELECT last_value FROM users_id_seq",
                            "SELECT last_value FROM api_keys_id_seq", "SELECT last_value FROM fit_results_id_seq"}) {
      EXPECT_TRUE(refused(who, sql)) << sql;
    }
    eisgrid::catalog::transaction tx(raw, who, false);
    EXPECT_EQ(raw.query("SELECT count(*) FROM pg_sequences WHERE last_value IS NOT NULL").rows.at(0).get_int(0), 0);
    tx.commit();
  }
  // bob writing a fit on alice's measurement, at the sweep and model of her
  // fit: refused for the measurement he does not have, not as a duplicate.
  try {
    eisgrid::catalog::transaction tx(raw, principal::user(w.bob), true);
    raw.query("INSERT INTO fit_results (owner_id, measurement_id, sweep_index, status, model) VALUES (?, ?, 0, 'invalid_data', 'rc')",
              {w.bob, w.alice_measurement});
    ADD_FAILURE() << "a fit on another user's measurement was stored";
  } catch (const eisgrid::error& e) {
    EXPECT_EQ(std::string(e.what()).find(eisgrid::catalog::k_duplicate_row), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(eisgrid::catalog::k_missing_row), std::string::npos) << e.what();
  }
  // The server's roles still write rows with fresh ids.
  auto& server = engine_.server();
  const auto bob = principal::user(w.bob);
  const auto added = server.add_measurement(bob, test_support::fake_measurement("more.txt"));
  EXPECT_GT(added.id, w.bob_measurement);
  server.save_fit_results(bob, added.id, {test_support::fake_fit(0)});
  EXPECT_EQ(server.list_fit_results(bob, added.id).size(), 1u);
}

TEST_F(catalog_rls, two_requests_on_one_connection_leak_nothing) {
  engine_.reset();
  const world w = populate(engine_.admin());
  auto& server = engine_.server();  // one connection
  ASSERT_TRUE(server.find_dataset(principal::user(w.alice), w.alice_dataset).has_value());
  EXPECT_FALSE(server.find_dataset(principal::user(w.bob), w.alice_dataset).has_value());
  EXPECT_FALSE(server.find_dataset(principal::anonymous(), w.alice_dataset).has_value());
  // A request that fails half-way leaves nothing behind either.
  EXPECT_THROW(server.delete_dataset(principal::user(w.alice), w.bob_dataset), eisgrid::error);
  EXPECT_EQ(server.list_datasets(principal::user(w.bob)).size(), 2u);
  EXPECT_FALSE(server.find_dataset(principal::user(w.bob), w.alice_dataset).has_value());

  // Raw: between requests the connection is the bare login role with no user set.
  eisgrid::catalog::pg_connection raw(engine_.server_url());
  {
    eisgrid::catalog::transaction tx(raw, principal::user(w.alice), false);
    EXPECT_EQ(raw.query("SELECT count(*) FROM circuit_npz_datasets WHERE id = ?", {w.alice_dataset}).rows.at(0).get_int(0), 1);
    tx.commit();
  }
  const auto after = raw.query("SELECT current_user, coalesce(current_setting('eisgrid.user_id', true), '')");
  EXPECT_EQ(after.rows.at(0).get_text(0), "eisgrid_server");
  EXPECT_EQ(after.rows.at(0).get_text(1), "");
  {
    eisgrid::catalog::transaction tx(raw, principal::user(w.bob), false);
    EXPECT_EQ(raw.query("SELECT count(*) FROM circuit_npz_datasets WHERE id = ?", {w.alice_dataset}).rows.at(0).get_int(0), 0);
    tx.commit();
  }
}

}  // namespace
