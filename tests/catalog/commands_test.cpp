// The catalog commands of the eisgrid executable end to end: user add/list/revoke,
// compute registering its result, tag add/list/delete, sync and --emit-sql,
// on SQLite and on PostgreSQL (--db), and two processes at once.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "catalog_fixture.hpp"

using eisgrid::catalog::principal;
using test_support::run;
using test_support::shell_quote;

namespace {

const std::string k_cli = EISGRID_CLI_PATH;

test_support::run_result eisgrid(const std::string& args) { return run(shell_quote(k_cli) + " " + args); }

std::string last_line(const std::string& s) {
  std::string t = s;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  const auto nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

class catalog_commands : public ::testing::Test {
 protected:
  test_support::temp_dir root_{"catalog_cli"};
  std::string data_ = " --data " + shell_quote(root_.path.string());
};

TEST_F(catalog_commands, user_add_prints_the_key_once_on_the_last_line) {
  const auto r = eisgrid("user add alice" + data_);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string key = last_line(r.output);
  EXPECT_TRUE(std::regex_match(key, std::regex("eisgrid_[0-9a-f]{64}"))) << r.output;
  auto cat = eisgrid::catalog::catalog::open(root_.path, "");
  ASSERT_TRUE(cat.authenticate(key).has_value());

  const auto again = eisgrid("user add alice" + data_);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.output.find("already exists"), std::string::npos) << again.output;
  EXPECT_EQ(eisgrid("user add 'bad;name'" + data_).exit_code, 2);

  const auto list = eisgrid("user list" + data_);
  ASSERT_EQ(list.exit_code, 0) << list.output;
  EXPECT_TRUE(std::regex_search(list.output, std::regex("alice +1 "))) << list.output;
  EXPECT_EQ(list.output.find(key), std::string::npos);

  const auto revoke = eisgrid("user revoke alice" + data_);
  ASSERT_EQ(revoke.exit_code, 0) << revoke.output;
  EXPECT_NE(revoke.output.find("revoked 1 key"), std::string::npos);
  EXPECT_FALSE(cat.authenticate(key).has_value());
  EXPECT_TRUE(std::regex_search(eisgrid("user list" + data_).output, std::regex("alice +0 ")));
  EXPECT_EQ(eisgrid("user revoke nobody" + data_).exit_code, 1);
  EXPECT_EQ(eisgrid("user list --db mysql://localhost/x" + data_).exit_code, 2);
}

TEST_F(catalog_commands, compute_registers_its_result_for_the_user_who_ran_it) {
  auto r = eisgrid("compute -q --grid 3 --points 10 --output alice-run.npz --user alice" + data_);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "");
  r = eisgrid("compute --grid 3 --points 10 --output mine.npz" + data_);
  ASSERT_EQ(r.exit_code, 0) << r.output;

  auto cat = eisgrid::catalog::catalog::open(root_.path, "");
  const auto alice = cat.find_user("alice");
  const auto local = cat.find_user("local");
  ASSERT_TRUE(alice && local);
  const auto alices = cat.list_datasets(principal::user(alice->id));
  ASSERT_EQ(alices.size(), 1u);
  EXPECT_EQ(alices[0].file_name, "alice-run.npz");
  EXPECT_EQ(alices[0].file_hash, eisgrid::sha256_file(root_.path / "npz/user_generated/alice-run.npz").sha256);
  EXPECT_EQ(alices[0].n_frequencies, 10);
  EXPECT_EQ(cat.list_datasets(principal::user(local->id)).size(), 1u);
  EXPECT_EQ(cat.list_datasets(principal::anonymous()).size(), 0u);
  // Both runs share one configuration per owner; a second run of the same configuration reuses it.
  r = eisgrid("compute -q --grid 3 --points 10 --output mine2.npz" + data_);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(cat.list_configurations(principal::user(local->id)).size(), 1u);
  // The catalog already knows everything: sync changes nothing.
  const auto s = eisgrid("sync" + data_);
  ASSERT_EQ(s.exit_code, 0) << s.output;
  EXPECT_NE(s.output.find("3 files: 3 valid, 0 invalid\ncatalog: 0 registered, 0 updated, 3 unchanged, 0 marked unavailable"),
            std::string::npos)
      << s.output;
  // A precomputed result is public.
  ASSERT_EQ(eisgrid("compute -q --grid 3 --points 10 --into precomputed --output sample.npz" + data_).exit_code, 0);
  const auto shipped = cat.list_datasets(principal::anonymous());
  ASSERT_EQ(shipped.size(), 1u);
  EXPECT_FALSE(shipped[0].owner_id) << "owned by " << shipped[0].owner_name;
  EXPECT_EQ(eisgrid("compute -q --grid 3 --user 'x y'" + data_).exit_code, 2);
}

TEST_F(catalog_commands, tags_are_added_listed_and_deleted) {
  ASSERT_EQ(eisgrid("compute -q --grid 3 --points 10 --output t.npz --user alice" + data_).exit_code, 0);
  auto r = eisgrid("tag add t.npz 1 --label 'second best' --category candidate --notes \"it's; fine\" --user alice" + data_);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("on row 1 of t.npz"), std::string::npos) << r.output;
  EXPECT_EQ(eisgrid("tag add t.npz 243 --label x --user alice" + data_).exit_code, 2);  // 3^5 rows: 0..242
  EXPECT_EQ(eisgrid("tag add t.npz 0 --label x --user bob" + data_).exit_code, 1);      // not bob's to see
  r = eisgrid("tag list --user alice" + data_);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("second best"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("it's; fine"), std::string::npos) << r.output;
  EXPECT_EQ(eisgrid("tag list --user bob" + data_).output.find("second best"), std::string::npos);

  auto cat = eisgrid::catalog::catalog::open(root_.path, "");
  const auto tags = cat.list_tags(principal::admin());
  ASSERT_EQ(tags.size(), 1u);
  EXPECT_EQ(tags[0].tag.rank, 1);
  EXPECT_GT(tags[0].tag.resnorm, 0);
  const std::string id = std::to_string(tags[0].id);
  EXPECT_EQ(eisgrid("tag delete " + id + " --user bob" + data_).exit_code, 1);
  ASSERT_EQ(eisgrid("tag delete " + id + " --user alice" + data_).exit_code, 0);
  EXPECT_TRUE(cat.list_tags(principal::admin()).empty());
}

// A row of a cpe dataset is tagged from the command line, on SQLite and on
// PostgreSQL: the tag holds the file's model and the row's parameters by the
// model's names, the very values numpy reads from the file.
TEST_F(catalog_commands, a_cpe_row_is_tagged_with_its_models_parameters_on_both_engines) {
  auto& pg = test_support::shared_pg_server();
  {
    eisgrid::catalog::pg_connection super(pg.url());
    super.execute_script("DROP DATABASE IF EXISTS eisgrid_cli_cpe");
    super.execute_script("CREATE DATABASE eisgrid_cli_cpe");
  }
  for (const std::string& url : {std::string(), pg.url("eisgrid_cli_cpe")}) {
    SCOPED_TRACE(url.empty() ? "sqlite" : "postgresql");
    const std::string db = url.empty() ? "" : " --db " + shell_quote(url);
    const std::string file = url.empty() ? "cpe.npz" : "cpe_pg.npz";
    auto r = eisgrid("compute -q --model cpe --grid 2 --points 10 --output " + file + " --user alice" + data_ + db);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    r = eisgrid("tag add " + file + " 5 --label fifth --user alice" + data_ + db);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("on row 5 of " + file + " (cpe, resnorm"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(" alpha_a="), std::string::npos) << r.output;
    r = eisgrid("tag list --user alice" + data_ + db);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(std::regex_search(r.output, std::regex(" 5 +cpe +[0-9.e+-]+ +fifth .*Rsh=.* Qb=.* alpha_b="))) << r.output;

    auto cat = eisgrid::catalog::catalog::open(root_.path, url);
    const auto tags = cat.list_tags(principal::admin());
    ASSERT_EQ(tags.size(), 1u);
    EXPECT_EQ(tags[0].tag.model, "cpe");
    EXPECT_EQ(tags[0].tag.rank, 5);
    ASSERT_EQ(tags[0].tag.params.size(), 7u);
    const nlohmann::json stored = {{"params", tags[0].tag.params}, {"resnorm", tags[0].tag.resnorm}};
    const auto py =
        test_support::python(R"PY(
import json, sys, numpy as np
z = np.load(sys.argv[1]); tag = json.loads(sys.argv[2])
assert json.loads(z["metadata"].item())["model"] == "cpe"
row = z["parameters"][5].astype(np.float64)
assert np.array_equal(np.array(tag["params"], dtype=np.float64), row), (tag["params"], row.tolist())
assert np.float64(z["resnorms"][5]) == tag["resnorm"], (z["resnorms"][5], tag["resnorm"])
print("ok")
)PY",
                             shell_quote((root_.path / "npz/user_generated" / file).string()) + " " + shell_quote(stored.dump()));
    EXPECT_EQ(py.exit_code, 0) << py.output;
  }
}

TEST_F(catalog_commands, sync_and_emit_sql_from_the_command_line) {
  ASSERT_EQ(eisgrid("compute -q --grid 3 --points 10 --output a.npz" + data_).exit_code, 0);
  std::filesystem::copy_file(root_.path / "npz/user_generated/a.npz", root_.path / "npz/user_generated/b'; --.npz");
  std::ofstream(root_.path / "npz/user_generated/bad.npz") << "junk";
  auto r = eisgrid("sync" + data_);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // A name the API cannot serve is refused at sync, with the reason (issue 12).
  EXPECT_EQ(r.output.rfind("3 files: 1 valid, 2 invalid (b'; --.npz: the file name cannot be used through the API", 0), 0u) << r.output;
  EXPECT_NE(r.output.find("bad.npz: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("0 registered, 0 updated, 1 unchanged"), std::string::npos) << r.output;
  const auto sql = root_.path / "out.sql";
  r = eisgrid("sync --emit-sql " + shell_quote(sql.string()) + " --user-uuid 123e4567-e89b-12d3-a456-426614174000" + data_);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::stringstream text;
  text << std::ifstream(sql).rdbuf();
  EXPECT_NE(text.str().find("E'b''; --.npz'"), std::string::npos);
  EXPECT_EQ(eisgrid("sync --emit-sql x.sql --user-uuid nope" + data_).exit_code, 2);
}

TEST_F(catalog_commands, every_catalog_command_takes_a_postgresql_url) {
  auto& pg = test_support::shared_pg_server();
  {
    eisgrid::catalog::pg_connection super(pg.url());
    super.execute_script("DROP DATABASE IF EXISTS eisgrid_cli");
    super.execute_script("CREATE DATABASE eisgrid_cli");
  }
  const std::string db = " --db " + shell_quote(pg.url("eisgrid_cli"));
  auto r = eisgrid("compute -q --grid 3 --points 10 --output pg.npz --user alice" + data_ + db);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = eisgrid("user add bob" + data_ + db);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string key = last_line(r.output);
  ASSERT_EQ(eisgrid("tag add pg.npz 0 --label best --user alice" + data_ + db).exit_code, 0);
  r = eisgrid("sync" + data_ + db);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("1 file: 1 valid, 0 invalid\ncatalog: 0 registered, 0 updated, 1 unchanged"), std::string::npos) << r.output;
  auto cat = eisgrid::catalog::catalog::open("", pg.url("eisgrid_cli"));
  const auto bob = cat.authenticate(key);
  ASSERT_TRUE(bob.has_value());
  EXPECT_TRUE(cat.list_datasets(*bob).empty());
  EXPECT_EQ(cat.list_datasets(principal::user(cat.find_user("alice")->id)).size(), 1u);
  EXPECT_FALSE(std::filesystem::exists(root_.path / eisgrid::catalog::k_sqlite_file_name));
}

// Two syncs and two computes at once, several rounds: every file ends up
// registered exactly once, available, and a final sync finds nothing to do.
void concurrent_rounds(const std::filesystem::path& root, const std::string& db) {
  constexpr int k_files = 12;
  constexpr int k_rounds = 3;
  const std::string data = " --data " + shell_quote(root.string()) + db;
  const std::string cli = shell_quote(k_cli);
  // Two processes meet a fresh catalog: both migrate, one after the other.
  const std::string m = shell_quote((root / "migrate").string());
  const auto first = run("(" + cli + " user list" + data + " > " + m + "1 2>&1 && " + cli + " user list" + data + " > " + m +
                         "1 2>&1) & (" + cli + " user list" + data + " > " + m + "2 2>&1) & wait; cat " + m + "1 " + m + "2");
  EXPECT_EQ(first.output.find("eisgrid:"), std::string::npos) << first.output;
  ASSERT_EQ(eisgrid("compute -q --grid 3 --points 10 --output seed.npz" + data).exit_code, 0);
  for (int i = 0; i < k_files; ++i) {
    std::filesystem::copy_file(root / "npz/user_generated/seed.npz", root / ("npz/user_generated/copy" + std::to_string(i) + ".npz"));
  }
  for (int round = 0; round < k_rounds; ++round) {
    const std::string n = std::to_string(round);
    const auto out = root / ("round" + n);
    std::filesystem::create_directories(out);
    const std::string o = shell_quote(out.string());
    const auto r =
        run("(" + cli + " sync" + data + " > " + o + "/s1 2>&1; echo $? > " + o + "/r1) & (" + cli + " sync" + data + " > " + o +
            "/s2 2>&1; echo $? > " + o + "/r2) & (" + cli + " compute -q --grid 4 --points 12 --output c" + n + "a.npz --user alice" +
            data + " > " + o + "/s3 2>&1; echo $? > " + o + "/r3) & (" + cli + " compute -q --grid 4 --points 12 --output c" + n +
            "b.npz --user bob" + data + " > " + o + "/s4 2>&1; echo $? > " + o + "/r4) & wait");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    for (int k = 1; k <= 4; ++k) {
      std::ifstream rc(out / ("r" + std::to_string(k)));
      int code = -1;
      rc >> code;
      std::stringstream log;
      log << std::ifstream(out / ("s" + std::to_string(k))).rdbuf();
      EXPECT_EQ(code, 0) << "process " << k << " of round " << round << ":\n" << log.str();
    }
  }
  const auto again = eisgrid("sync" + data);
  EXPECT_NE(again.output.find(std::to_string(1 + k_files + 2 * k_rounds) + " files: "), std::string::npos) << again.output;
  EXPECT_NE(again.output.find("0 registered, 0 updated"), std::string::npos) << again.output;
  EXPECT_NE(again.output.find("0 marked unavailable"), std::string::npos) << again.output;
}

void expect_each_file_once(eisgrid::catalog::catalog& cat, std::size_t expected) {
  const auto rows = cat.list_datasets(principal::admin());
  std::set<std::string> names;
  for (const auto& d : rows) {
    EXPECT_TRUE(names.insert(d.file_name).second) << "registered twice: " << d.file_name;
    EXPECT_TRUE(d.is_available) << d.file_name;
  }
  EXPECT_EQ(rows.size(), expected);
  EXPECT_EQ(cat.list_users().size(), 3u);  // local, alice, bob
}

TEST_F(catalog_commands, concurrent_syncs_and_computes_do_not_corrupt_the_catalog) {
  concurrent_rounds(root_.path, "");
  auto cat = eisgrid::catalog::catalog::open(root_.path, "");
  expect_each_file_once(cat, 19);
  EXPECT_EQ(cat.db().query("PRAGMA integrity_check").rows.at(0).get_text(0), "ok");
}

TEST_F(catalog_commands, concurrent_syncs_and_computes_on_postgresql) {
  auto& pg = test_support::shared_pg_server();
  {
    eisgrid::catalog::pg_connection super(pg.url());
    super.execute_script("DROP DATABASE IF EXISTS eisgrid_concurrent");
    super.execute_script("CREATE DATABASE eisgrid_concurrent");
  }
  concurrent_rounds(root_.path, " --db " + shell_quote(pg.url("eisgrid_concurrent")));
  auto cat = eisgrid::catalog::catalog::open("", pg.url("eisgrid_concurrent"));
  expect_each_file_once(cat, 19);
}

}  // namespace
