// eisgrid sync through the catalog API on both engines, and its Supabase SQL
// run on a real PostgreSQL 15: hostile file names and descriptions, idempotence,
// deleted and changed files, invalid and legacy files.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "base/error.hpp"
#include "catalog/catalog_fixture.hpp"
#include "compute/emit_sql.hpp"
#include "compute/sync.hpp"
#include "dataset/metadata.hpp"

using eisgrid::catalog::principal;
using eisgrid::dataset::storage;
using test_support::run;
using test_support::shell_quote;

namespace {

const std::string k_cli = EISGRID_CLI_PATH;
const std::string k_hostile_description = "Robert'); DROP TABLE circuit_npz_datasets;-- \\ $$ $eisgrid$ \"q\" ünïcødé 数据";

const std::vector<std::string> k_hostile_names = {
    "it's; DROP TABLE users;--.npz", "quote\"d.npz",          "ünïcødé 数据.npz",
    "back\\slash E'x'.npz",          "$$dollar$eisgrid$.npz", "new\nline; SELECT 1.npz",
};

// Two small datasets made once by the eisgrid command (grid 3 and grid 4).
struct templates {
  test_support::temp_dir dir{"catalog_templates"};
  std::filesystem::path small, other;
  templates() {
    const std::string root = shell_quote(dir.path.string());
    const std::string db = shell_quote((dir.path / "scratch.sqlite3").string());
    auto r = run(shell_quote(k_cli) + " compute -q --grid 3 --points 20 --output small.npz --data " + root + " --db " + db +
                 " --description " + shell_quote(k_hostile_description));
    if (r.exit_code != 0) throw std::runtime_error(r.output);
    r = run(shell_quote(k_cli) + " compute -q --grid 4 --points 30 --output other.npz --data " + root + " --db " + db);
    if (r.exit_code != 0) throw std::runtime_error(r.output);
    small = dir.path / "npz/user_generated/small.npz";
    other = dir.path / "npz/user_generated/other.npz";
  }
};
const templates& files() {
  static const templates t;
  return t;
}

std::map<std::string, eisgrid::catalog::dataset_record> by_name(eisgrid::catalog::catalog& cat) {
  std::map<std::string, eisgrid::catalog::dataset_record> m;
  for (auto& d : cat.list_datasets(principal::admin())) m[d.file_name] = d;
  return m;
}

class catalog_sync : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    engine_ = test_support::make_engine(GetParam());
    engine_->reset();
    dir_.ensure();
    owner_ = engine_->admin().ensure_user("local").id;
  }
  void put(storage where, const std::string& name, const std::filesystem::path& from) {
    std::filesystem::copy_file(from, dir_.directory(where) / name, std::filesystem::copy_options::overwrite_existing);
  }
  eisgrid::compute::sync_report sync() { return eisgrid::compute::sync(engine_->admin(), dir_, owner_); }

  std::unique_ptr<test_support::engine_setup> engine_;
  test_support::temp_dir root_{"catalog_sync"};
  eisgrid::dataset::data_dir dir_{root_.path};
  eisgrid::catalog::row_id owner_ = 0;
};

TEST_P(catalog_sync, names_the_api_cannot_use_are_reported_not_registered) {
  // A file copied by hand may have any name; one that no API call can name
  // (spaces, quotes, ...) is refused with the reason, as an invalid file is.
  for (const auto& name : k_hostile_names) put(storage::user_generated, name, files().small);
  put(storage::precomputed, "copied by hand.npz", files().small);
  put(storage::precomputed, "public_sample.npz", files().small);
  const auto report = sync();
  EXPECT_EQ(report.files.size(), k_hostile_names.size() + 2);
  EXPECT_EQ(report.registered, 1) << report.summary();
  const auto summary = report.summary();
  EXPECT_NE(summary.find("copied by hand.npz: the file name cannot be used through the API ("), std::string::npos) << summary;
  const auto rows = by_name(engine_->admin());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows.at("public_sample.npz").is_public);
}

TEST_P(catalog_sync, hostile_descriptions_are_stored_exactly) {
  put(storage::user_generated, "hostile.npz", files().small);
  put(storage::precomputed, "public_sample.npz", files().small);
  const auto report = sync();
  EXPECT_EQ(report.registered, 2) << report.summary();
  const auto rows = by_name(engine_->admin());
  ASSERT_EQ(rows.size(), 2u);
  const auto& d = rows.at("hostile.npz");
  EXPECT_EQ(d.description, k_hostile_description);
  EXPECT_EQ(d.file_path, "npz/user_generated/hostile.npz");
  EXPECT_EQ(d.owner_id, owner_);
  EXPECT_FALSE(d.is_public);
  EXPECT_EQ(d.n_frequencies, 20);
  EXPECT_EQ(d.grid_size, 3);
  EXPECT_EQ(d.file_size, static_cast<std::int64_t>(std::filesystem::file_size(files().small)));
  EXPECT_EQ(d.short_hash, d.file_hash.substr(0, 16));
  EXPECT_TRUE(rows.at("public_sample.npz").is_public);
  EXPECT_FALSE(rows.at("public_sample.npz").owner_id.has_value());
  // Every file has the same configuration: one per owner, no more.
  EXPECT_EQ(engine_->admin().list_configurations(principal::admin()).size(), 2u);
  EXPECT_EQ(engine_->admin().list_users().size(), 1u);
}

TEST_P(catalog_sync, a_second_sync_changes_nothing) {
  put(storage::user_generated, "a.npz", files().small);
  put(storage::user_generated, "b.npz", files().other);
  put(storage::precomputed, "c.npz", files().small);
  const auto first = sync();
  EXPECT_EQ(first.registered, 3);
  const auto before = by_name(engine_->admin());
  const auto configs = engine_->admin().list_configurations(principal::admin()).size();
  const auto second = sync();
  EXPECT_EQ(second.registered + second.updated + second.marked_unavailable, 0) << second.summary();
  EXPECT_EQ(second.unchanged, 3);
  const auto after = by_name(engine_->admin());
  for (const auto& [name, d] : before) {
    EXPECT_EQ(after.at(name).updated_at, d.updated_at) << name;
    EXPECT_EQ(after.at(name).id, d.id) << name;
  }
  EXPECT_EQ(engine_->admin().list_configurations(principal::admin()).size(), configs);
  EXPECT_EQ(second.summary(), "3 files: 3 valid, 0 invalid\ncatalog: 0 registered, 0 updated, 3 unchanged, 0 marked unavailable");
}

TEST_P(catalog_sync, deleted_files_become_unavailable_and_changed_files_get_their_new_hash) {
  put(storage::user_generated, "a.npz", files().small);
  put(storage::user_generated, "b.npz", files().small);
  sync();
  const auto before = by_name(engine_->admin());
  std::filesystem::remove(dir_.directory(storage::user_generated) / "a.npz");
  put(storage::user_generated, "b.npz", files().other);
  const auto report = sync();
  EXPECT_EQ(report.marked_unavailable, 1);
  EXPECT_EQ(report.updated, 1);
  const auto after = by_name(engine_->admin());
  EXPECT_FALSE(after.at("a.npz").is_available);
  EXPECT_TRUE(after.at("b.npz").is_available);
  EXPECT_NE(after.at("b.npz").file_hash, before.at("b.npz").file_hash);
  EXPECT_EQ(after.at("b.npz").file_size, static_cast<std::int64_t>(std::filesystem::file_size(files().other)));
  EXPECT_EQ(after.at("b.npz").file_hash, eisgrid::sha256_file(files().other).sha256);
  EXPECT_EQ(after.at("b.npz").n_frequencies, 30);
  // Each file's configuration follows it; the one nobody uses any more is gone.
  EXPECT_EQ(engine_->admin().list_configurations(principal::admin()).size(), 2u);
  // The file comes back: available again.
  put(storage::user_generated, "a.npz", files().small);
  EXPECT_EQ(sync().updated, 1);
  EXPECT_TRUE(by_name(engine_->admin()).at("a.npz").is_available);
}

TEST_P(catalog_sync, invalid_files_are_reported_and_not_registered) {
  put(storage::user_generated, "good.npz", files().small);
  std::ofstream(dir_.directory(storage::user_generated) / "bad.npz") << "not a zip";
  const auto report = sync();
  EXPECT_EQ(report.registered, 1);
  const auto summary = report.summary();
  EXPECT_EQ(summary.rfind("2 files: 1 valid, 1 invalid (bad.npz: ", 0), 0u) << summary;
  EXPECT_EQ(by_name(engine_->admin()).count("bad.npz"), 0u);
  // A registered file that turns invalid is no longer available.
  std::ofstream(dir_.directory(storage::user_generated) / "good.npz", std::ios::trunc) << "broken now";
  EXPECT_EQ(sync().marked_unavailable, 1);
  EXPECT_FALSE(by_name(engine_->admin()).at("good.npz").is_available);
}

TEST_P(catalog_sync, a_file_name_that_is_not_utf8_is_reported_not_stored) {
  put(storage::user_generated, "caf\xe9.npz", files().small);  // Latin-1, as an old tool might write it
  put(storage::user_generated, "ok.npz", files().small);
  const auto report = sync();
  EXPECT_EQ(report.registered, 1);
  EXPECT_NE(report.summary().find("not valid UTF-8"), std::string::npos) << report.summary();
  EXPECT_EQ(by_name(engine_->admin()).size(), 1u);
}

TEST_P(catalog_sync, legacy_files_of_the_old_exporter_register_without_a_configuration) {
  const std::filesystem::path legacy = EISGRID_FIXTURES_DIR "/legacy";
  std::size_t copied = 0;
  for (const auto& e : std::filesystem::directory_iterator(legacy)) {
    if (e.path().extension() == ".npz") put(storage::precomputed, e.path().filename().string(), e.path()), ++copied;
  }
  ASSERT_GT(copied, 0u);
  const auto report = sync();
  EXPECT_EQ(report.valid_count(), copied) << report.summary();
  for (const auto& [name, d] : by_name(engine_->admin())) {
    EXPECT_TRUE(d.is_public) << name;
    EXPECT_EQ(d.resnorm_metric, "mae");
    EXPECT_GT(d.n_parameter_sets, 0);
  }
}

TEST_P(catalog_sync, files_registered_by_compute_keep_their_owner) {
  auto& cat = engine_->admin();
  const auto alice = cat.ensure_user("alice").id;
  put(storage::user_generated, "mine.npz", files().small);
  const auto described = eisgrid::compute::describe_file({dir_.directory(storage::user_generated) / "mine.npz", storage::user_generated});
  ASSERT_TRUE(described.valid) << described.reason;
  cat.register_dataset(principal::user(alice), described.input, alice);
  const auto report = sync();
  EXPECT_EQ(report.unchanged, 1) << report.summary();
  EXPECT_EQ(by_name(cat).at("mine.npz").owner_id, alice);
  EXPECT_EQ(cat.list_datasets(principal::user(alice)).size(), 1u);
  EXPECT_EQ(cat.list_datasets(principal::user(owner_)).size(), 0u);
}

// A sync that ran while a compute was writing registers the file for the
// default owner; the compute's registration then claims it: one row, the
// user's, and the default owner's configuration is not left behind.
TEST_P(catalog_sync, compute_claims_a_file_that_a_concurrent_sync_registered_first) {
  auto& cat = engine_->admin();
  const auto alice = cat.ensure_user("alice").id;
  put(storage::user_generated, "run.npz", files().small);
  EXPECT_EQ(sync().registered, 1);
  const auto described = eisgrid::compute::describe_file({dir_.directory(storage::user_generated) / "run.npz", storage::user_generated});
  EXPECT_EQ(cat.register_file(described.input, alice, true), eisgrid::catalog::register_outcome::updated);
  const auto rows = cat.list_datasets(principal::admin());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].owner_id, alice);
  EXPECT_EQ(cat.list_configurations(principal::admin()).size(), 1u);
  EXPECT_EQ(cat.list_configurations(principal::user(alice)).size(), 1u);
  EXPECT_EQ(cat.register_file(described.input, alice, true), eisgrid::catalog::register_outcome::unchanged);
  EXPECT_EQ(sync().unchanged, 1);
}

TEST_P(catalog_sync, a_link_in_precomputed_does_not_make_a_private_file_public) {
  put(storage::user_generated, "private.npz", files().small);
  std::filesystem::create_symlink("../user_generated/private.npz", dir_.directory(storage::precomputed) / "relative.npz");
  std::filesystem::create_symlink(dir_.directory(storage::user_generated) / "private.npz",
                                  dir_.directory(storage::precomputed) / "absolute.npz");
  const auto report = sync();
  EXPECT_EQ(report.registered, 1) << report.summary();
  EXPECT_NE(report.summary().find("3 files: 1 valid, 2 invalid (absolute.npz: cannot open 'absolute.npz': a symbolic link"),
            std::string::npos)
      << report.summary();
  const auto rows = by_name(engine_->admin());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_FALSE(rows.at("private.npz").is_public);
  EXPECT_TRUE(engine_->server().list_datasets(principal::anonymous()).empty());
}

TEST_P(catalog_sync, text_over_its_limits_is_reported_not_registered) {
  put(storage::user_generated, "good.npz", files().small);
  const auto py = test_support::python(R"PY(
import json, sys, numpy as np
z = np.load(sys.argv[1]); a = {k: z[k] for k in z.files}; m = json.loads(a["metadata"].item())
m["description"] = "d" * 2001; a["metadata"] = np.array(json.dumps(m)); np.savez_compressed(sys.argv[2], **a)
# Under the member's limit as UTF-32, over the catalog's as UTF-8 JSON.
m["description"] = ""; m["notes"] = "\u00e9" * 40000
a["metadata"] = np.array(json.dumps(m, ensure_ascii=False)); np.savez_compressed(sys.argv[3], **a)
)PY",
                                       shell_quote(files().small.string()) + " " +
                                           shell_quote((dir_.directory(storage::user_generated) / "long.npz").string()) + " " +
                                           shell_quote((dir_.directory(storage::user_generated) / "wide.npz").string()));
  ASSERT_EQ(py.exit_code, 0) << py.output;
  const auto report = sync();
  EXPECT_EQ(report.registered, 1) << report.summary();
  const auto summary = report.summary();
  EXPECT_NE(summary.find("long.npz: the description is 2001 bytes, over the limit of 2000"), std::string::npos) << summary;
  EXPECT_NE(summary.find("wide.npz: the metadata is "), std::string::npos) << summary;
  // The catalog itself refuses such text from any caller.
  auto in = report.files[0].input;
  in.file_name = "direct.npz";
  in.description = std::string(eisgrid::dataset::k_max_description_length + 1, 'd');
  EXPECT_THROW((void)engine_->admin().register_file(in, owner_, false), eisgrid::error);
  const auto id = by_name(engine_->admin()).at("good.npz").id;
  EXPECT_THROW(engine_->admin().set_dataset_description(principal::admin(), id, in.description), eisgrid::error);
  eisgrid::catalog::tag_input tag;
  tag.dataset_id = id;
  tag.label = "ok";
  tag.params = {1e4, 1778.3, 1.06e-5, 1778.3, 5e-5};
  tag.notes = std::string(eisgrid::catalog::k_max_notes_length + 1, 'n');
  EXPECT_THROW((void)engine_->admin().add_tag(principal::user(owner_), tag), eisgrid::error);
  tag.notes.pop_back();
  EXPECT_NO_THROW((void)engine_->admin().add_tag(principal::user(owner_), tag));
}

INSTANTIATE_TEST_SUITE_P(engines, catalog_sync, ::testing::Values("sqlite", "postgresql"), [](const auto& info) { return info.param; });

// ---- --emit-sql, run on a real PostgreSQL with a stub auth schema ----

class catalog_emit_sql : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& pg = test_support::shared_pg_server();
    static int counter = 0;
    database_ = "supabase_" + std::to_string(counter++);
    eisgrid::catalog::pg_connection super(pg.url());
    super.execute_script("DROP DATABASE IF EXISTS " + database_);
    super.execute_script("CREATE DATABASE " + database_);
    db_ = std::make_unique<eisgrid::catalog::pg_connection>(pg.url(database_));
    // Supabase's auth.uid(): the signed-in user, from the request's JWT claims.
    db_->execute_script(
        "CREATE SCHEMA auth; CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS "
        "$$ SELECT nullif(current_setting('request.jwt.claim.sub', true), '')::uuid $$;");
    dir_.ensure();
  }
  test_support::run_result apply(const std::string& sql) {
    const auto file = root_.path / "registration.sql";
    std::ofstream(file, std::ios::trunc) << sql;
    return test_support::shared_pg_server().psql(database_, file.string());
  }
  void put(storage where, const std::string& name, const std::filesystem::path& from) {
    std::filesystem::copy_file(from, dir_.directory(where) / name, std::filesystem::copy_options::overwrite_existing);
  }

  std::string database_;
  std::unique_ptr<eisgrid::catalog::pg_connection> db_;
  test_support::temp_dir root_{"catalog_emit"};
  eisgrid::dataset::data_dir dir_{root_.path / "data"};
};

constexpr const char* k_owner = "123e4567-e89b-12d3-a456-426614174000";

TEST_F(catalog_emit_sql, hostile_names_give_exact_rows_and_no_injection) {
  for (const auto& name : k_hostile_names) put(storage::user_generated, name, files().small);
  put(storage::precomputed, "public 'sample'.npz", files().other);
  std::ofstream(dir_.directory(storage::user_generated) / "bad'; DROP SCHEMA auth CASCADE;--.npz") << "junk";
  const std::string sql = eisgrid::compute::supabase_sql(eisgrid::compute::scan(dir_), k_owner);
  const auto r = apply(sql);
  ASSERT_EQ(r.exit_code, 0) << r.output;

  const auto rows = db_->query(
      "SELECT file_name, description, user_id::text, is_public, file_hash, short_hash, file_size, "
      "circuit_config_id IS NOT NULL FROM public.circuit_npz_datasets ORDER BY id");
  ASSERT_EQ(rows.rows.size(), k_hostile_names.size() + 1);
  std::map<std::string, std::size_t> seen;
  for (const auto& row : rows.rows) {
    seen[row.get_text(0)]++;
    EXPECT_EQ(row.get_text(2), k_owner);
    EXPECT_EQ(row.get_text(5), row.get_text(4).substr(0, 16));
    EXPECT_TRUE(row.get_bool(7));
  }
  for (const auto& name : k_hostile_names) EXPECT_EQ(seen[name], 1u) << name;
  const auto d = db_->query("SELECT description FROM public.circuit_npz_datasets WHERE file_name = ?", {k_hostile_names[0]});
  ASSERT_EQ(d.rows.size(), 1u);
  EXPECT_EQ(d.rows[0].get_text(0), k_hostile_description);
  // Nothing else was created or dropped: two tables in public, auth intact.
  EXPECT_EQ(db_->query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").rows.at(0).get_int(0), 2);
  EXPECT_EQ(db_->query("SELECT count(*) FROM pg_namespace WHERE nspname = 'auth'").rows.at(0).get_int(0), 1);
  // Two configurations (grid 3 and grid 4), reused by every file.
  EXPECT_EQ(db_->query("SELECT count(*) FROM public.circuit_configurations").rows.at(0).get_int(0), 2);

  // Running it again changes nothing.
  const auto before = db_->query("SELECT id, updated_at::text FROM public.circuit_npz_datasets ORDER BY id");
  ASSERT_EQ(apply(sql).exit_code, 0);
  const auto after = db_->query("SELECT id, updated_at::text FROM public.circuit_npz_datasets ORDER BY id");
  ASSERT_EQ(after.rows.size(), before.rows.size());
  for (std::size_t i = 0; i < after.rows.size(); ++i) EXPECT_EQ(after.rows[i].get_text(1), before.rows[i].get_text(1));
  EXPECT_EQ(db_->query("SELECT count(*) FROM public.circuit_configurations").rows.at(0).get_int(0), 2);

  // A deleted file is marked unavailable; a changed file gets its new hash.
  std::filesystem::remove(dir_.directory(storage::user_generated) / k_hostile_names[1]);
  put(storage::user_generated, k_hostile_names[2], files().other);
  ASSERT_EQ(apply(eisgrid::compute::supabase_sql(eisgrid::compute::scan(dir_), k_owner)).exit_code, 0);
  EXPECT_FALSE(
      db_->query("SELECT is_available FROM public.circuit_npz_datasets WHERE file_name = ?", {k_hostile_names[1]}).rows.at(0).get_bool(0));
  EXPECT_EQ(
      db_->query("SELECT file_hash FROM public.circuit_npz_datasets WHERE file_name = ?", {k_hostile_names[2]}).rows.at(0).get_text(0),
      eisgrid::sha256_file(files().other).sha256);
}

TEST_F(catalog_emit_sql, owner_is_auth_uid_or_the_script_refuses) {
  put(storage::user_generated, "a.npz", files().small);
  const std::string placeholder = eisgrid::compute::supabase_sql(eisgrid::compute::scan(dir_), "");
  const auto refused = apply(placeholder);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.output.find("no owner"), std::string::npos) << refused.output;
  // Signed in (auth.uid() set), the placeholder script runs and the rows are the user's.
  const std::string signed_in = "SELECT set_config('request.jwt.claim.sub', '" + std::string(k_owner) + "', false);\n" + placeholder;
  const auto r = apply(signed_in);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(db_->query("SELECT user_id::text FROM public.circuit_npz_datasets").rows.at(0).get_text(0), k_owner);
  EXPECT_THROW((void)eisgrid::compute::supabase_sql({}, "x'; DROP TABLE y;--"), eisgrid::error);
}

TEST(catalog_sql_literal, quotes_and_backslashes_are_escaped) {
  EXPECT_EQ(eisgrid::compute::sql_literal("it's"), "E'it''s'");
  EXPECT_EQ(eisgrid::compute::sql_literal("a\\b"), "E'a\\\\b'");
  EXPECT_EQ(eisgrid::compute::sql_literal(std::string("nul\0byte", 8)), "E'nulbyte'");
  EXPECT_TRUE(eisgrid::compute::is_uuid(k_owner));
  EXPECT_FALSE(eisgrid::compute::is_uuid("123e4567-e89b-12d3-a456-42661417400'"));
}

}  // namespace
