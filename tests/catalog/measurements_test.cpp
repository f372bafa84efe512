// Experiments, measurements and fit results in the catalog, on SQLite and on
// a real PostgreSQL 15 server (as the server's unprivileged login role): the
// limits on what users and files bring, re-uploads, moves and deletes, and
// numbers that must round-trip.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "base/fit_row.hpp"
#include "catalog/lab_fields.hpp"
#include "catalog/sqlite_connection.hpp"
#include "catalog_fixture.hpp"
#include "support/fit_row_fields.hpp"

using eisgrid::error_kind;
using eisgrid::fit_status;
using eisgrid::sha256_hex;
using eisgrid::catalog::principal;
using eisgrid::catalog::row_id;

namespace {

constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();
constexpr double k_inf = std::numeric_limits<double>::infinity();

// The kind of error `f` throws; internal if it throws none.
template <typename F>
error_kind kind_of(F&& f) {
  try {
    f();
  } catch (const eisgrid::error& e) {
    return e.kind();
  }
  return error_kind::internal;
}

// What the database says must never reach a user.
void expect_no_sql_text(const std::string& message) {
  for (const char* word : {"UNIQUE", "constraint", "duplicate key", "SQL", "violates", "measurements."}) {
    EXPECT_EQ(message.find(word), std::string::npos) << message;
  }
}

class catalog_measurements : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    engine_ = test_support::make_engine(GetParam());
    engine_->reset();
    alice_ = principal::user(engine_->admin().ensure_user("alice").id);
    bob_ = principal::user(engine_->admin().ensure_user("bob").id);
  }
  // The server's connection: on PostgreSQL the unprivileged login role.
  eisgrid::catalog::catalog& cat() { return engine_->server(); }

  std::unique_ptr<test_support::engine_setup> engine_;
  principal alice_, bob_;
};

TEST_P(catalog_measurements, a_measurement_round_trips_with_its_lab_fields) {
  auto in = test_support::fake_measurement("RPEmedia_TW1-1_d1 (2).TXT");
  in.fields.notes = "line one\nline two\twith a tab";
  in.file_size = 5'000'000'000ULL;
  const auto stored = cat().add_measurement(alice_, in);
  EXPECT_EQ(stored.owner_id, alice_.user_id);
  EXPECT_EQ(stored.file_path, "measured/" + std::to_string(alice_.user_id) + "/" + in.file_hash + ".txt");
  const auto read = cat().find_measurement(alice_, stored.id);
  ASSERT_TRUE(read.has_value());
  const auto& m = read->measurement;
  EXPECT_EQ(m.file_name, in.file_name);
  EXPECT_EQ(m.file_size, in.file_size);
  EXPECT_EQ(m.file_hash, in.file_hash);
  EXPECT_EQ(m.format, "nova");
  EXPECT_EQ(m.n_sweeps, 3);
  EXPECT_EQ(m.n_points, 183);
  EXPECT_EQ(m.freq_min, 1);
  EXPECT_EQ(m.freq_max, 1e5);
  EXPECT_EQ(m.warnings_json, in.warnings_json);
  EXPECT_EQ(m.fields.sample, "TW1-1");
  EXPECT_EQ(m.fields.condition, "RPE media");
  EXPECT_EQ(m.fields.day, 1);
  EXPECT_EQ(m.fields.area_cm2, 1.12);
  EXPECT_EQ(m.fields.notes, in.fields.notes);
  EXPECT_FALSE(m.experiment_id.has_value());
  EXPECT_FALSE(read->created_at.empty());
  EXPECT_EQ(cat().find_measurement_by_hash(alice_, in.file_hash)->id, stored.id);
  EXPECT_FALSE(cat().find_measurement_by_hash(bob_, in.file_hash).has_value());
  // Empty fields are cleared, not kept.
  cat().update_measurement_fields(alice_, stored.id, {});
  const auto cleared = cat().find_measurement(alice_, stored.id)->measurement.fields;
  EXPECT_TRUE(cleared.sample.empty() && cleared.condition.empty() && cleared.notes.empty());
  EXPECT_FALSE(cleared.day.has_value());
  EXPECT_FALSE(cleared.area_cm2.has_value());
}

TEST_P(catalog_measurements, the_same_file_twice_is_a_clean_conflict_and_another_user_may_store_it) {
  const auto first = cat().add_measurement(alice_, test_support::fake_measurement("plate.txt"));
  // The same content under another name is still the same file.
  auto again = test_support::fake_measurement("plate.txt");
  again.file_name = "plate copy.txt";
  try {
    cat().add_measurement(alice_, again);
    ADD_FAILURE() << "a second copy was stored";
  } catch (const eisgrid::error& e) {
    EXPECT_EQ(e.kind(), error_kind::conflict);
    const std::string message = e.what();
    EXPECT_NE(message.find("already stored as measurement " + std::to_string(first.id)), std::string::npos) << message;
    EXPECT_NE(message.find("'plate.txt'"), std::string::npos) << message;
    expect_no_sql_text(message);
  }
  EXPECT_EQ(cat().list_measurements(alice_).size(), 1u);
  // Bob's copy is his own row, and tells him nothing about alice's.
  const auto bobs = cat().add_measurement(bob_, again);
  EXPECT_NE(bobs.id, first.id);
  EXPECT_EQ(cat().list_measurements(bob_).size(), 1u);
}

TEST_P(catalog_measurements, hostile_file_names_are_refused_before_any_row_is_written) {
  const std::vector<std::string> hostile = {"",
                                            "../etc/passwd",
                                            "a/b.txt",
                                            "a\\b.txt",
                                            std::string("nul\0byte.txt", 12),
                                            "line\nbreak.txt",
                                            ".hidden",
                                            "..",
                                            "-rf.txt",
                                            " leading.txt",
                                            "trailing.txt ",
                                            "quote\".txt",
                                            "semi;colon.txt",
                                            "dollar$(x).txt",
                                            "caf\xc3\xa9.txt",
                                            "bad\xff.txt",
                                            std::string(eisgrid::catalog::k_max_measurement_file_name_length + 1, 'a')};
  for (const auto& name : hostile) {
    auto in = test_support::fake_measurement("hostile");
    in.file_name = name;
    EXPECT_EQ(kind_of([&] { cat().add_measurement(alice_, in); }), error_kind::usage) << name;
    EXPECT_FALSE(eisgrid::catalog::measurement_file_name_problem(name).empty()) << name;
  }
  EXPECT_TRUE(cat().list_measurements(alice_).empty());
  for (const std::string& ok :
       std::vector<std::string>{"16HBE_TW01_d3_endohm1_freq", "exampleDataGamry.DTA", "RPE (1).txt", "a+b-c_d.e f.csv",
                                std::string(eisgrid::catalog::k_max_measurement_file_name_length, 'a')}) {
    EXPECT_EQ(eisgrid::catalog::measurement_file_name_problem(ok), "") << ok;
  }
}

TEST_P(catalog_measurements, the_stored_path_is_the_owner_and_the_hash_never_the_name) {
  using eisgrid::catalog::measurement_file_path;
  const std::string hash(64, 'a');
  EXPECT_EQ(measurement_file_path(7, hash, "x.DTA"), "measured/7/" + hash + ".dta");
  EXPECT_EQ(measurement_file_path(7, hash, "16HBE_TW01_d3_endohm1_freq"), "measured/7/" + hash);
  EXPECT_EQ(measurement_file_path(7, hash, "archive.tar.gz"), "measured/7/" + hash + ".gz");
  EXPECT_EQ(measurement_file_path(7, hash, "x.verylongext"), "measured/7/" + hash);
  EXPECT_EQ(measurement_file_path(7, hash, "x.a b"), "measured/7/" + hash);
  EXPECT_EQ(measurement_file_path(7, hash, "x."), "measured/7/" + hash);
  auto in = test_support::fake_measurement("upload");
  in.file_hash = "A" + std::string(63, 'b');  // upper case is not how the catalog hashes
  EXPECT_EQ(kind_of([&] { cat().add_measurement(alice_, in); }), error_kind::usage);
  in.file_hash = std::string(63, 'b');
  EXPECT_EQ(kind_of([&] { cat().add_measurement(alice_, in); }), error_kind::usage);
}

TEST_P(catalog_measurements, lab_fields_have_limits) {
  const auto id = cat().add_measurement(alice_, test_support::fake_measurement("limits.txt")).id;
  const auto refused = [&](const eisgrid::catalog::measurement_fields& f) {
    return kind_of([&] { cat().update_measurement_fields(alice_, id, f); }) == error_kind::usage;
  };
  eisgrid::catalog::measurement_fields f;
  f.notes = std::string(eisgrid::catalog::k_max_notes_length, 'n');
  EXPECT_NO_THROW(cat().update_measurement_fields(alice_, id, f));
  EXPECT_EQ(cat().find_measurement(alice_, id)->measurement.fields.notes.size(), eisgrid::catalog::k_max_notes_length);
  f.notes += "n";
  EXPECT_TRUE(refused(f));
  f.notes = "bell\a";
  EXPECT_TRUE(refused(f));
  f.notes = "bad utf-8 \xc3";
  EXPECT_TRUE(refused(f));
  f = {};
  f.sample = "two\nlines";
  EXPECT_TRUE(refused(f));
  f.sample = std::string(eisgrid::catalog::k_max_label_length + 1, 's');
  EXPECT_TRUE(refused(f));
  f = {};
  f.condition = "TNF\x7f";
  EXPECT_TRUE(refused(f));
  f = {};
  for (const double area : {0.0, -1.12, k_nan, k_inf, -k_inf, eisgrid::catalog::k_max_area_cm2 * 2}) {
    f.area_cm2 = area;
    EXPECT_TRUE(refused(f)) << area;
  }
  f.area_cm2 = eisgrid::catalog::k_max_area_cm2;
  EXPECT_FALSE(refused(f));
  f = {};
  f.day = eisgrid::catalog::k_max_abs_day + 1;
  EXPECT_TRUE(refused(f));
  f.day = -3;  // days before a treatment
  EXPECT_FALSE(refused(f));
  // Nothing refused was written.
  const auto kept = cat().find_measurement(alice_, id)->measurement.fields;
  EXPECT_EQ(kept.day, -3);
  EXPECT_TRUE(kept.notes.empty());
  // What the reader found has limits too.
  auto in = test_support::fake_measurement("reader.txt");
  for (const std::string warnings : {"", "{}", "[", "not json", "[1] [2]"}) {
    in.warnings_json = warnings;
    EXPECT_EQ(kind_of([&] { cat().add_measurement(alice_, in); }), error_kind::usage) << warnings;
  }
  in = test_support::fake_measurement("reader.txt");
  in.warnings_json = std::string(eisgrid::catalog::k_max_json_list_length, '[');
  EXPECT_EQ(kind_of([&] { cat().add_measurement(alice_, in); }), error_kind::usage);
  in = test_support::fake_measurement("reader.txt");
  in.format = "NOVA; DROP TABLE";
  EXPECT_EQ(kind_of([&] { cat().add_measurement(alice_, in); }), error_kind::usage);
  for (const auto& [lo, hi] : {std::pair{0.0, 1e5}, std::pair{10.0, 1.0}, std::pair{k_nan, 1e5}, std::pair{1.0, k_inf}}) {
    in = test_support::fake_measurement("reader.txt");
    in.freq_min = lo;
    in.freq_max = hi;
    EXPECT_EQ(kind_of([&] { cat().add_measurement(alice_, in); }), error_kind::usage) << lo << " " << hi;
  }
  in = test_support::fake_measurement("reader.txt");
  in.n_sweeps = 0;
  EXPECT_EQ(kind_of([&] { cat().add_measurement(alice_, in); }), error_kind::usage);
  EXPECT_EQ(cat().list_measurements(alice_).size(), 1u);
  // Tags too (DELETE /api/tags/<id>).
  cat().register_dataset(alice_, test_support::fake_dataset("alice.npz", eisgrid::dataset::storage::user_generated), alice_.user_id);
  const auto dataset = cat().list_datasets(alice_).at(0).id;
  eisgrid::catalog::tag_input tag;
  tag.dataset_id = dataset;
  tag.label = "good";
  tag.params = {1e4, 1778.3, 1.06e-5, 1778.3, 5e-5};
  const auto old_tag = cat().add_tag(alice_, tag);
  cat().delete_tag(alice_, old_tag);
  EXPECT_GT(cat().add_tag(alice_, tag), old_tag);
}

// A tag holds its row's model and the parameters after Rs by the model's
// names (schema version 8), so a cpe row is tagged as an rc row is, read back
// to the bit; a count that is not the model's, or an unknown model, is refused.
TEST_P(catalog_measurements, a_tag_holds_any_models_parameters_by_name) {
  cat().register_dataset(alice_, test_support::fake_dataset("cpe.npz", eisgrid::dataset::storage::user_generated), alice_.user_id);
  eisgrid::catalog::tag_input tag;
  tag.dataset_id = cat().list_datasets(alice_).at(0).id;
  tag.rank = 3;
  tag.resnorm = 0.1 + 0.2;
  tag.model = "cpe";
  tag.params = {1800.0000000000002, 700, 5e-6 / 3, 0.9, 900, 4e-6, 0.95};
  tag.label = "cpe row";
  const auto id = cat().add_tag(alice_, tag);
  const auto tags = cat().list_tags(alice_);
  ASSERT_EQ(tags.size(), 1u);
  EXPECT_EQ(tags[0].id, id);
  EXPECT_EQ(tags[0].tag.model, "cpe");
  EXPECT_EQ(tags[0].tag.params, tag.params);
  EXPECT_EQ(tags[0].tag.resnorm, tag.resnorm);
  // Stored by name, as the operator reads the table.
  const auto stored = engine_->admin().db().query("SELECT params FROM tagged_npz_models WHERE id = ?", {id});
  const auto by_name = nlohmann::json::parse(stored.rows.at(0).get_text(0));
  EXPECT_EQ(by_name.at("alpha_a").get<double>(), 0.9);
  EXPECT_EQ(by_name.at("Qb").get<double>(), 4e-6);
  EXPECT_EQ(by_name.size(), 7u);
  auto wrong = tag;
  wrong.model = "rc";  // rc has five parameters after Rs, not seven
  wrong.label = "wrong";
  EXPECT_EQ(kind_of([&] { cat().add_tag(alice_, wrong); }), error_kind::usage);
  wrong.model = "rq";
  EXPECT_EQ(kind_of([&] { cat().add_tag(alice_, wrong); }), error_kind::usage);
  EXPECT_EQ(cat().list_tags(alice_).size(), 1u);
}

TEST_P(catalog_measurements, experiments_are_named_once_per_owner) {
  const auto plate = cat().create_experiment(alice_, {"plate 1", "16HBE, days 1 to 3"});
  try {
    cat().create_experiment(alice_, {"plate 1", ""});
    ADD_FAILURE() << "a second 'plate 1'";
  } catch (const eisgrid::error& e) {
    EXPECT_EQ(e.kind(), error_kind::conflict);
    EXPECT_NE(std::string(e.what()).find("'plate 1' already exists"), std::string::npos) << e.what();
    expect_no_sql_text(e.what());
  }
  EXPECT_NO_THROW(cat().create_experiment(bob_, {"plate 1", ""}));  // bob's own name space
  const auto other = cat().create_experiment(alice_, {"plate 2", ""});
  try {
    cat().update_experiment(alice_, other, {"plate 1", ""});
    ADD_FAILURE() << "renamed onto 'plate 1'";
  } catch (const eisgrid::error& e) {
    EXPECT_EQ(e.kind(), error_kind::conflict);
    expect_no_sql_text(e.what());
  }
  cat().update_experiment(alice_, other, {"plate 2b", "renamed"});
  EXPECT_EQ(cat().find_experiment(alice_, other)->experiment.name, "plate 2b");
  EXPECT_EQ(cat().find_experiment(alice_, plate)->experiment.description, "16HBE, days 1 to 3");
  for (const std::string& name :
       std::vector<std::string>{"", "   ", "tab\tname", std::string(eisgrid::catalog::k_max_label_length + 1, 'x')}) {
    EXPECT_EQ(kind_of([&] { cat().create_experiment(alice_, {name, ""}); }), error_kind::usage) << name;
  }
  EXPECT_EQ(kind_of([&] {
              cat().create_experiment(alice_, {"long", std::string(eisgrid::catalog::k_max_notes_length + 1, 'd')});
            }),
            error_kind::usage);
  EXPECT_EQ(cat().list_experiments(alice_).size(), 2u);
  // Only a user owns experiments and measurements.
  EXPECT_EQ(kind_of([&] { cat().create_experiment(principal::anonymous(), {"anon", ""}); }), error_kind::forbidden);
  EXPECT_EQ(kind_of([&] { cat().create_experiment(principal::admin(), {"operator", ""}); }), error_kind::forbidden);
  EXPECT_EQ(kind_of([&] { cat().add_measurement(principal::admin(), test_support::fake_measurement("op.txt")); }), error_kind::forbidden);
  // Anonymous callers see nothing, and are told nothing.
  EXPECT_TRUE(cat().list_experiments(principal::anonymous()).empty());
  EXPECT_TRUE(cat().list_measurements(principal::anonymous()).empty());
  EXPECT_EQ(kind_of([&] { (void)cat().list_measurements(principal::anonymous(), plate); }), error_kind::not_found);
  // The operator sees everyone's.
  EXPECT_EQ(engine_->admin().list_experiments(principal::admin()).size(), 3u);
}

TEST_P(catalog_measurements, fits_follow_their_measurement_into_experiments_and_out) {
  const auto plate = cat().create_experiment(alice_, {"plate", ""});
  auto in = test_support::fake_measurement("tw1.txt");
  in.experiment_id = plate;
  const auto tw1 = cat().add_measurement(alice_, in).id;
  const auto tw2 = cat().add_measurement(alice_, test_support::fake_measurement("tw2.txt")).id;
  cat().save_fit_results(alice_, tw1, {test_support::fake_fit(0), test_support::fake_fit(1), test_support::fake_fit(2)});
  cat().save_fit_results(alice_, tw2, {test_support::fake_fit(0)});
  EXPECT_EQ(cat().list_experiment_fit_results(alice_, plate).size(), 3u);
  EXPECT_EQ(cat().find_experiment(alice_, plate)->n_measurements, 1);
  // Moving tw2 in brings its fit along; the listing is by measurement, then sweep.
  cat().move_measurement(alice_, tw2, plate);
  auto fits = cat().list_experiment_fit_results(alice_, plate);
  ASSERT_EQ(fits.size(), 4u);
  EXPECT_EQ(fits[0].measurement_id, tw1);
  EXPECT_EQ(fits[2].fit.sweep, 2);
  EXPECT_EQ(fits[3].measurement_id, tw2);
  for (const auto& f : fits) EXPECT_EQ(f.experiment_id, plate);
  EXPECT_EQ(cat().list_measurements(alice_, plate).size(), 2u);
  // Out again.
  cat().move_measurement(alice_, tw2, std::nullopt);
  EXPECT_EQ(cat().list_experiment_fit_results(alice_, plate).size(), 3u);
  EXPECT_FALSE(cat().list_fit_results(alice_, tw2).at(0).experiment_id.has_value());
  // Bob can neither move his measurement into her experiment nor hers into his.
  const auto bobs = cat().add_measurement(bob_, test_support::fake_measurement("bob.txt")).id;
  const auto bob_plate = cat().create_experiment(bob_, {"plate", ""});
  EXPECT_EQ(kind_of([&] { cat().move_measurement(bob_, bobs, plate); }), error_kind::not_found);
  EXPECT_EQ(kind_of([&] { cat().move_measurement(bob_, tw1, bob_plate); }), error_kind::not_found);
  // Nor can the operator mix two owners' rows.
  EXPECT_EQ(kind_of([&] { engine_->admin().move_measurement(principal::admin(), bobs, plate); }), error_kind::usage);
  // Deleting the experiment keeps its measurements and fits, in no experiment.
  cat().delete_experiment(alice_, plate);
  EXPECT_FALSE(cat().find_measurement(alice_, tw1)->measurement.experiment_id.has_value());
  EXPECT_EQ(cat().list_fit_results(alice_, tw1).size(), 3u);
  EXPECT_EQ(kind_of([&] { (void)cat().list_experiment_fit_results(alice_, plate); }), error_kind::not_found);
  // Deleting a measurement deletes its fits and hands back the file to remove.
  const auto path = cat().delete_measurement(alice_, tw1);
  EXPECT_EQ(path, "measured/" + std::to_string(alice_.user_id) + "/" + test_support::fake_measurement("tw1.txt").file_hash + ".txt");
  EXPECT_EQ(engine_->admin().db().query("SELECT count(*) FROM fit_results WHERE measurement_id = ?", {tw1}).rows.at(0).get_int(0), 0);
  EXPECT_EQ(kind_of([&] { (void)cat().list_fit_results(alice_, tw1); }), error_kind::not_found);
  EXPECT_EQ(cat().delete_fit_results(alice_, tw2), 1);
  EXPECT_TRUE(cat().list_fit_results(alice_, tw2).empty());
}

TEST_P(catalog_measurements, a_fit_replaces_the_earlier_fit_of_its_sweep_and_keeps_its_numbers) {
  const auto id = cat().add_measurement(alice_, test_support::fake_measurement("fit.txt")).id;
  cat().save_fit_results(alice_, id, {test_support::fake_fit(0), test_support::fake_fit(1)});
  auto refit = test_support::fake_fit(1);
  refit.status = fit_status::poor_fit;
  refit.reasons_json = R"(["modulus residual 0.12 above 0.05"])";
  refit.ter = 1e5;  // the old SQL's numeric columns overflowed here
  refit.resnorm = 0.12;
  refit.grid_resnorm = k_inf;   // no grid cell fitted
  refit.std_errors[1] = k_nan;  // not determined
  refit.rsh_interval = {k_nan, k_nan};
  refit.area_cm2 = std::nullopt;
  cat().save_fit_results(alice_, id, {refit});
  const auto fits = cat().list_fit_results(alice_, id);
  ASSERT_EQ(fits.size(), 2u);
  const auto& kept = fits[0];
  const auto expected = test_support::fake_fit(0);
  EXPECT_EQ(kept.fit.status, fit_status::ok);
  EXPECT_EQ(kept.fit.start_time, expected.start_time);
  EXPECT_EQ(kept.fit.metric, "modulus");
  EXPECT_EQ(kept.fit.resnorm, expected.resnorm);
  EXPECT_EQ(kept.fit.grid_resnorm, expected.grid_resnorm);
  EXPECT_EQ(kept.fit.rs, expected.rs);
  EXPECT_EQ(kept.fit.ter, expected.ter);
  EXPECT_EQ(kept.fit.tec, expected.tec);
  EXPECT_EQ(kept.fit.tau1, expected.tau1);
  EXPECT_EQ(kept.fit.tau2, expected.tau2);
  EXPECT_EQ(kept.fit.std_errors, expected.std_errors);
  EXPECT_EQ(kept.fit.parameters, expected.parameters);
  EXPECT_EQ(kept.fit.rsh_interval, expected.rsh_interval);
  EXPECT_EQ(kept.fit.area_cm2, 1.12);
  EXPECT_DOUBLE_EQ(*kept.ter_ohm_cm2(), expected.ter * 1.12);
  EXPECT_DOUBLE_EQ(*kept.tec_uf_per_cm2(), expected.tec * 1e6 / 1.12);
  const auto& replaced = fits[1];
  EXPECT_EQ(replaced.fit.status, fit_status::poor_fit);
  EXPECT_EQ(replaced.fit.reasons_json, refit.reasons_json);
  EXPECT_EQ(replaced.fit.ter, 1e5);
  EXPECT_TRUE(std::isinf(replaced.fit.grid_resnorm));
  EXPECT_TRUE(std::isnan(replaced.fit.std_errors[1]));
  EXPECT_EQ(replaced.fit.std_errors[2], expected.std_errors[2]);
  EXPECT_TRUE(std::isnan(replaced.fit.rsh_interval[0]) && std::isnan(replaced.fit.rsh_interval[1]));
  EXPECT_FALSE(replaced.ter_ohm_cm2().has_value());
  // Invalid data has no numbers to give: NaN is stored as NULL and read back as NaN.
  eisgrid::catalog::fit_input invalid;
  invalid.sweep = 2;
  invalid.reasons_json = R"(["Re Z < 0 at 12 of 61 frequencies: electrode disconnected?"])";
  cat().save_fit_results(alice_, id, {invalid});
  const auto third = cat().list_fit_results(alice_, id).at(2);
  EXPECT_EQ(third.fit.status, fit_status::invalid_data);
  EXPECT_TRUE(std::isnan(third.fit.ter) && std::isnan(third.fit.resnorm) && std::isnan(third.fit.parameters[0]));
  EXPECT_TRUE(third.fit.metric.empty() && third.fit.start_time.empty());
}

TEST_P(catalog_measurements, a_fit_without_its_numbers_or_past_the_last_sweep_is_refused) {
  const auto id = cat().add_measurement(alice_, test_support::fake_measurement("refused.txt")).id;
  const auto refused = [&](const eisgrid::catalog::fit_input& f) {
    return kind_of([&] { cat().save_fit_results(alice_, id, {f}); }) == error_kind::usage;
  };
  // NaN where a fit that ran must have a number.
  for (double eisgrid::catalog::fit_input::*field :
       {&eisgrid::catalog::fit_input::resnorm, &eisgrid::catalog::fit_input::rs, &eisgrid::catalog::fit_input::ter,
        &eisgrid::catalog::fit_input::tec, &eisgrid::catalog::fit_input::tau1, &eisgrid::catalog::fit_input::tau2}) {
    auto f = test_support::fake_fit(0);
    f.*field = k_nan;
    EXPECT_TRUE(refused(f));
    f.*field = k_inf;
    EXPECT_TRUE(refused(f));
    f.status = fit_status::invalid_data;
    f.*field = k_nan;
    EXPECT_FALSE(refused(f));  // invalid data may lack it
  }
  auto f = test_support::fake_fit(0);
  f.parameters[2] = k_nan;
  EXPECT_TRUE(refused(f));
  f = test_support::fake_fit(0);
  f.metric.clear();
  EXPECT_TRUE(refused(f));
  f = test_support::fake_fit(0);
  f.std_errors[0] = -1;
  EXPECT_TRUE(refused(f));
  f = test_support::fake_fit(0);
  f.rsh_interval = {1600, k_nan};
  EXPECT_TRUE(refused(f));
  f.rsh_interval = {2100, 1600};
  EXPECT_TRUE(refused(f));
  f = test_support::fake_fit(0);
  f.resnorm = -0.5;
  EXPECT_TRUE(refused(f));
  f = test_support::fake_fit(0);
  f.area_cm2 = 0;
  EXPECT_TRUE(refused(f));
  f = test_support::fake_fit(0);
  f.reasons_json = "reasons";
  EXPECT_TRUE(refused(f));
  f = test_support::fake_fit(0);
  f.start_time = "2024\n";
  EXPECT_TRUE(refused(f));
  EXPECT_TRUE(refused(test_support::fake_fit(3)));  // the file has sweeps 0, 1, 2
  EXPECT_TRUE(refused(test_support::fake_fit(-1)));
  EXPECT_EQ(kind_of([&] {
              cat().save_fit_results(alice_, id, {test_support::fake_fit(1), test_support::fake_fit(1)});
            }),
            error_kind::usage);
  // A refused batch leaves no part of itself behind.
  auto bad = test_support::fake_fit(2);
  bad.ter = k_nan;
  EXPECT_EQ(kind_of([&] { cat().save_fit_results(alice_, id, {test_support::fake_fit(0), bad}); }), error_kind::usage);
  // Only invalid_data rows with NaN were stored above, one per sweep 0.
  const auto fits = cat().list_fit_results(alice_, id);
  ASSERT_EQ(fits.size(), 1u);
  EXPECT_EQ(fits[0].fit.status, fit_status::invalid_data);
  // Nobody stores fits on another user's measurement, nor anonymously.
  EXPECT_EQ(kind_of([&] { cat().save_fit_results(bob_, id, {test_support::fake_fit(0)}); }), error_kind::not_found);
  EXPECT_EQ(kind_of([&] { cat().save_fit_results(principal::anonymous(), id, {test_support::fake_fit(0)}); }), error_kind::forbidden);
}

// Every field of the one definition of a fit row comes back from the catalog
// as it went in: a field added to base/fit_row.hpp that this test does not
// set, or that the catalog's columns do not carry, fails here by name.
TEST_P(catalog_measurements, every_field_of_a_fit_row_round_trips) {
  const auto id = cat().add_measurement(alice_, test_support::fake_measurement("every_field.txt")).id;
  const auto f = test_support::every_field_set();
  test_support::expect_every_field_set(f);
  cat().save_fit_results(alice_, id, {f});
  const auto fits = cat().list_fit_results(alice_, id);
  ASSERT_EQ(fits.size(), 1u);
  test_support::expect_same_fields(fits[0].fit, f);
}

// One row per sweep and model, the model's parameters by its own names
// (SPEC 12); a new fit of a sweep replaces every model's fit of it.
TEST_P(catalog_measurements, a_sweep_has_one_fit_per_model_with_the_models_parameters) {
  const auto id = cat().add_measurement(alice_, test_support::fake_measurement("models.txt")).id;
  auto rc = test_support::fake_fit(0);
  rc.aic = -512.5;
  rc.bic = -500.25;
  rc.best_model = false;
  rc.decisive_frequency = 0.05;
  auto cpe = test_support::fake_fit(0);
  cpe.model = "cpe";
  cpe.tau1 = cpe.tau2 = k_nan;  // rc's alone
  cpe.parameters = {1800, 700, k_nan, 900, k_nan};
  cpe.model_params = {20.5, 1800, 700, 5e-6, 0.9, 900, 4e-6, 0.95};
  cpe.model_errors = {0.1, k_nan, 20, 1e-7, 0.01, 30, 1e-7, 0.5};
  cpe.aic = -530.5;
  cpe.bic = -510.75;
  cpe.best_model = true;
  cpe.decisive_frequency = 0.05;
  cpe.at_edge = {"alpha_a at min", "Qb at max"};
  auto electrode = test_support::fake_fit(0);
  electrode.model = "rc_electrode";
  electrode.status = fit_status::invalid_data;
  cat().save_fit_results(alice_, id, {rc, cpe, electrode, test_support::fake_fit(1)});
  auto fits = cat().list_fit_results(alice_, id);
  ASSERT_EQ(fits.size(), 4u);
  EXPECT_EQ(fits[0].fit.model, "rc");
  EXPECT_EQ(fits[0].fit.model_params, (std::vector<double>{20.5, 1800, 700, 5e-6, 900, 4e-6}));
  EXPECT_EQ(fits[0].fit.best_model, false);
  EXPECT_EQ(fits[0].fit.aic, -512.5);
  EXPECT_EQ(fits[0].fit.decisive_frequency, 0.05);
  const auto& c = fits[1].fit;
  EXPECT_EQ(c.model, "cpe");
  EXPECT_EQ(c.model_params, cpe.model_params);
  ASSERT_EQ(c.model_errors.size(), 8u);
  EXPECT_TRUE(std::isnan(c.model_errors[1]));
  EXPECT_EQ(c.model_errors[4], 0.01);
  EXPECT_EQ(c.aic, -530.5);
  EXPECT_EQ(c.bic, -510.75);
  EXPECT_EQ(c.best_model, true);
  EXPECT_EQ(c.at_edge, cpe.at_edge);
  EXPECT_TRUE(std::isnan(c.tau1) && std::isnan(c.parameters[2]));
  EXPECT_EQ(fits[2].fit.model, "rc_electrode");
  EXPECT_TRUE(fits[2].fit.model_params.empty());
  EXPECT_FALSE(fits[2].fit.best_model.has_value());
  EXPECT_EQ(fits[3].fit.sweep, 1);
  // The refit of sweep 0 with rc alone leaves no stale cpe row to compare with.
  cat().save_fit_results(alice_, id, {test_support::fake_fit(0)});
  fits = cat().list_fit_results(alice_, id);
  ASSERT_EQ(fits.size(), 2u);
  EXPECT_EQ(fits[0].fit.model, "rc");
  EXPECT_EQ(fits[1].fit.sweep, 1);
  // What a model's fit is refused for.
  const auto refused = [&](const eisgrid::catalog::fit_input& f) {
    return kind_of([&] { cat().save_fit_results(alice_, id, {f}); }) == error_kind::usage;
  };
  auto bad = cpe;
  bad.model = "rc2";
  EXPECT_TRUE(refused(bad));
  bad = cpe;
  bad.model_params.pop_back();
  EXPECT_TRUE(refused(bad));
  bad = cpe;
  bad.model_params.clear();
  EXPECT_TRUE(refused(bad));
  bad = cpe;
  bad.model_params[4] = k_nan;
  EXPECT_TRUE(refused(bad));
  bad = cpe;
  bad.model_errors[2] = -1;
  EXPECT_TRUE(refused(bad));
  bad = cpe;
  bad.decisive_frequency = -3;
  EXPECT_TRUE(refused(bad));
  bad = cpe;
  bad.aic = k_inf;
  EXPECT_TRUE(refused(bad));
  EXPECT_EQ(kind_of([&] { cat().save_fit_results(alice_, id, {cpe, cpe}); }), error_kind::usage);
  EXPECT_FALSE(refused(cpe));
}

TEST_P(catalog_measurements, an_experiments_fits_are_saved_all_together_or_not_at_all) {
  const auto tw1 = cat().add_measurement(alice_, test_support::fake_measurement("tw1.txt")).id;
  const auto tw2 = cat().add_measurement(alice_, test_support::fake_measurement("tw2.txt")).id;
  const auto bobs = cat().add_measurement(bob_, test_support::fake_measurement("bob.txt")).id;
  cat().save_fit_results(alice_, tw1, {test_support::fake_fit(0)});
  const auto before = cat().list_fit_results(alice_, tw1).at(0).id;
  // The second measurement fails in the database (a sweep it does not have,
  // another user's row): the first measurement's refit is rolled back too.
  EXPECT_EQ(
      kind_of([&] {
        cat().save_fit_results(alice_, {{tw1, {test_support::fake_fit(0), test_support::fake_fit(1)}}, {tw2, {test_support::fake_fit(3)}}});
      }),
      error_kind::usage);
  EXPECT_EQ(kind_of([&] {
              cat().save_fit_results(alice_, {{tw1, {test_support::fake_fit(1)}}, {bobs, {test_support::fake_fit(0)}}});
            }),
            error_kind::not_found);
  const auto kept = cat().list_fit_results(alice_, tw1);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].id, before);
  EXPECT_TRUE(cat().list_fit_results(alice_, tw2).empty());
  EXPECT_TRUE(cat().list_fit_results(bob_, bobs).empty());
  // A good batch stores every measurement's fits.
  cat().save_fit_results(alice_, {{tw1, {test_support::fake_fit(0), test_support::fake_fit(1)}}, {tw2, {test_support::fake_fit(2)}}});
  EXPECT_EQ(cat().list_fit_results(alice_, tw1).size(), 2u);
  ASSERT_EQ(cat().list_fit_results(alice_, tw2).size(), 1u);
  EXPECT_EQ(cat().list_fit_results(alice_, tw2)[0].fit.sweep, 2);
}

TEST_P(catalog_measurements, ids_of_deleted_rows_are_never_given_again) {
  // The newest row deleted: SQLite without AUTOINCREMENT would hand its id to
  // the next row, and a stale link (or a retried DELETE) would reach that one.
  const auto plate = cat().create_experiment(alice_, {"plate", ""});
  cat().delete_experiment(alice_, plate);
  EXPECT_GT(cat().create_experiment(alice_, {"plate", ""}), plate);
  const auto first = cat().add_measurement(alice_, test_support::fake_measurement("first.txt")).id;
  (void)cat().delete_measurement(alice_, first);
  const auto second = cat().add_measurement(alice_, test_support::fake_measurement("first.txt")).id;
  EXPECT_GT(second, first);
  EXPECT_EQ(kind_of([&] { (void)cat().delete_measurement(alice_, first); }), error_kind::not_found);
  EXPECT_EQ(cat().list_measurements(alice_).size(), 1u);
}

TEST_P(catalog_measurements, removing_a_user_removes_their_lab_rows) {
  const auto plate = cat().create_experiment(alice_, {"plate", ""});
  auto in = test_support::fake_measurement("gone.txt");
  in.experiment_id = plate;
  const auto id = cat().add_measurement(alice_, in).id;
  cat().save_fit_results(alice_, id, {test_support::fake_fit(0)});
  cat().add_measurement(bob_, test_support::fake_measurement("stays.txt"));
  auto& db = engine_->admin().db();
  db.query("DELETE FROM users WHERE id = ?", {alice_.user_id});
  for (const char* table : {"experiments", "measurements", "fit_results"}) {
    EXPECT_EQ(db.query(std::string("SELECT count(*) FROM ") + table + " WHERE owner_id = ?", {alice_.user_id}).rows.at(0).get_int(0), 0)
        << table;
  }
  EXPECT_EQ(cat().list_measurements(bob_).size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(engines, catalog_measurements, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace

namespace {

// Inside an open transaction: the SQLite schema as the eisgrid of `version` left it.
void migrate_sqlite_to(eisgrid::catalog::sqlite_connection& db, int version) {
  db.execute_script(
      "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT "
      "CURRENT_TIMESTAMP)");
  for (const auto& m : eisgrid::catalog::sqlite_migrations()) {
    if (m.version > version) break;
    db.execute_script(m.sql);
    db.query("INSERT INTO schema_migrations (version, description) VALUES (?, ?)",
             {static_cast<std::int64_t>(m.version), std::string(m.description)});
  }
}

}  // namespace

// A catalog made by an eisgrid of schema version 4 keeps its rows, their ids
// and their links when version 5 rebuilds the tables.
TEST(catalog_sqlite_upgrade, version_5_keeps_every_row_of_version_4) {
  using namespace eisgrid::catalog;
  test_support::temp_dir dir("catalog_v4");
  const auto hash = [](const char* name) { return sha256_hex(name); };
  {
    sqlite_connection db(dir.path / k_sqlite_file_name);
    db.begin(principal::admin(), true);
    migrate_sqlite_to(db, 4);
    db.execute_script("INSERT INTO users (id, name) VALUES (1, 'alice')");
    db.query("INSERT INTO experiments (id, owner_id, name) VALUES (4, 1, 'plate')");
    for (const auto& [id, name] : {std::pair<std::int64_t, const char*>{7, "a.txt"}, {9, "b.txt"}}) {
      db.query(
          "INSERT INTO measurements (id, owner_id, experiment_id, file_name, file_path, file_size, file_hash, format, n_sweeps, n_points, "
          "freq_min, freq_max) VALUES (?, 1, 4, ?, ?, 10, ?, 'nova', 1, 29, 2, 50000)",
          {id, std::string(name), "measured/1/" + hash(name), hash(name)});
    }
    db.query("INSERT INTO fit_results (owner_id, measurement_id, experiment_id, sweep_index, status) VALUES (1, 9, 4, 0, 'invalid_data')");
    db.commit();
  }
  auto cat = catalog::open(dir.path, "");
  const auto alice = principal::user(1);
  const auto rows = cat.list_measurements(alice, row_id{4});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].id + rows[1].id, 16);
  ASSERT_EQ(cat.list_experiment_fit_results(alice, 4).size(), 1u);
  EXPECT_EQ(cat.list_experiment_fit_results(alice, 4)[0].measurement_id, 9);
  // The links still hold: deleting a measurement deletes its fits, and a new
  // row after a deleted newest one gets a new id.
  (void)cat.delete_measurement(alice, 9);
  EXPECT_TRUE(cat.list_experiment_fit_results(alice, 4).empty());
  const auto next = cat.add_measurement(alice, test_support::fake_measurement("c.txt")).id;
  EXPECT_GT(next, 9);
  (void)cat.delete_measurement(alice, next);
  EXPECT_GT(cat.add_measurement(alice, test_support::fake_measurement("d.txt")).id, next);
}

// A catalog of schema version 5 keeps its fits, their ids and the counter
// past a deleted newest fit when version 6 rebuilds fit_results; every old
// fit is rc's, with its parameters by name.
TEST(catalog_sqlite_upgrade, version_6_keeps_every_fit_of_version_5_as_rc) {
  using namespace eisgrid::catalog;
  test_support::temp_dir dir("catalog_v5");
  {
    sqlite_connection db(dir.path / k_sqlite_file_name);
    db.begin(principal::admin(), true);
    migrate_sqlite_to(db, 5);
    db.execute_script("INSERT INTO users (id, name) VALUES (1, 'alice')");
    db.query(
        "INSERT INTO measurements (id, owner_id, file_name, file_path, file_size, file_hash, format, n_sweeps, n_points, freq_min, "
        "freq_max) VALUES (3, 1, 'a.txt', ?, 10, ?, 'nova', 3, 87, 2, 50000)",
        {"measured/1/" + sha256_hex("a.txt"), sha256_hex("a.txt")});
    db.execute_script(
        "INSERT INTO fit_results (id, owner_id, measurement_id, sweep_index, status, metric, resnorm, rs, ter, tec, tau1, tau2, "
        "rs_stderr, ter_stderr, rsh, ra, ca, rb, cb) VALUES (5, 1, 3, 0, 'ok', 'modulus', 0.01, 20.5, 1500, 2.1e-6, 1.2e-3, 2.5e-5, "
        "0.1, 3, 1800, 700, 5e-6, 900, 4e-6);"
        "INSERT INTO fit_results (id, owner_id, measurement_id, sweep_index, status) VALUES (6, 1, 3, 1, 'invalid_data');"
        "INSERT INTO fit_results (id, owner_id, measurement_id, sweep_index, status) VALUES (8, 1, 3, 2, 'invalid_data');"
        "DELETE FROM fit_results WHERE id = 8;");
    db.commit();
  }
  auto cat = catalog::open(dir.path, "");
  const auto alice = principal::user(1);
  const auto fits = cat.list_fit_results(alice, 3);
  ASSERT_EQ(fits.size(), 2u);
  EXPECT_EQ(fits[0].id, 5);
  EXPECT_EQ(fits[0].fit.model, "rc");
  EXPECT_EQ(fits[0].fit.model_params, (std::vector<double>{20.5, 1800, 700, 5e-6, 900, 4e-6}));
  ASSERT_EQ(fits[0].fit.model_errors.size(), 6u);
  EXPECT_EQ(fits[0].fit.model_errors[0], 0.1);
  EXPECT_TRUE(std::isnan(fits[0].fit.model_errors[3]));
  EXPECT_EQ(fits[0].fit.ter, 1500);
  EXPECT_EQ(fits[1].id, 6);
  EXPECT_EQ(fits[1].fit.model, "rc");
  EXPECT_TRUE(fits[1].fit.model_params.empty());
  EXPECT_EQ(fits[1].fit.status, fit_status::invalid_data);
  // Sweep 0 takes two models now; no new fit gets the id of the deleted one.
  auto rc = test_support::fake_fit(0);
  auto cpe = rc;
  cpe.model = "cpe";
  cpe.model_params = {20.5, 1800, 700, 5e-6, 0.9, 900, 4e-6, 0.95};
  cat.save_fit_results(alice, 3, {rc, cpe});
  const auto after = cat.list_fit_results(alice, 3);
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[0].fit.model, "rc");
  EXPECT_EQ(after[1].fit.model, "cpe");
  EXPECT_GT(after[0].id, 8);
  EXPECT_GT(after[1].id, after[0].id);
}

// A catalog of schema version 7 keeps its tags, their ids and the counter past
// a deleted newest tag when version 8 rebuilds the table; every old tag is
// rc's, with its five values by name, each the same double.
TEST(catalog_sqlite_upgrade, version_8_keeps_every_tag_of_version_7_as_rc) {
  using namespace eisgrid::catalog;
  test_support::temp_dir dir("catalog_v7");
  const double rsh = 0.1 + 0.2, ca = 1.0 / 3 * 1e-5;
  {
    sqlite_connection db(dir.path / k_sqlite_file_name);
    db.begin(principal::admin(), true);
    migrate_sqlite_to(db, 7);
    db.execute_script(
        "INSERT INTO users (id, name) VALUES (1, 'alice');"
        "INSERT INTO circuit_npz_datasets (id, owner_id, file_name, storage_location, file_path, n_frequencies, n_parameter_sets, "
        "n_spectra, file_size, file_hash, short_hash, computation_metadata) VALUES (2, 1, 'a.npz', 'user_generated', "
        "'npz/user_generated/a.npz', 10, 243, 243, 1000, '" +
        sha256_hex("a.npz") + "', '" + sha256_hex("a.npz").substr(0, 16) + "', '{}')");
    db.query(
        "INSERT INTO tagged_npz_models (id, owner_id, dataset_id, rank_index, resnorm, rsh, ra, ca, rb, cb, label, category, notes, "
        "quality_score, is_reference) VALUES (5, 1, 2, 1, 12.5, ?, 700, ?, 900, 4e-6, 'second', 'candidate', 'n', 0.5, 1)",
        {rsh, ca});
    db.execute_script(
        "INSERT INTO tagged_npz_models (id, owner_id, dataset_id, rank_index, rsh, ra, ca, rb, cb, label) "
        "VALUES (8, 1, 2, 0, 1, 1, 1, 1, 1, 'gone'); DELETE FROM tagged_npz_models WHERE id = 8;");
    db.commit();
  }
  auto cat = catalog::open(dir.path, "");
  const auto alice = principal::user(1);
  const auto tags = cat.list_tags(alice);
  ASSERT_EQ(tags.size(), 1u);
  EXPECT_EQ(tags[0].id, 5);
  EXPECT_EQ(tags[0].tag.model, "rc");
  EXPECT_EQ(tags[0].tag.params, (std::vector<double>{rsh, 700, ca, 900, 4e-6}));
  EXPECT_EQ(tags[0].tag.rank, 1);
  EXPECT_EQ(tags[0].tag.resnorm, 12.5);
  EXPECT_EQ(tags[0].tag.label, "second");
  EXPECT_EQ(tags[0].tag.category, "candidate");
  EXPECT_EQ(tags[0].tag.quality_score, 0.5);
  EXPECT_TRUE(tags[0].tag.is_reference);
  // A cpe tag beside it; no new tag gets the id of the deleted one.
  eisgrid::catalog::tag_input cpe;
  cpe.dataset_id = 2;
  cpe.model = "cpe";
  cpe.params = {1800, 700, 5e-6, 0.9, 900, 4e-6, 0.95};
  cpe.label = "cpe";
  EXPECT_GT(cat.add_tag(alice, cpe), 8);
}
