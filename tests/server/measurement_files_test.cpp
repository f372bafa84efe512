// Issue 21, item 6, over a real `eisgrid serve` on SQLite and PostgreSQL: a
// stored measurement file that no row names (left by a server killed between
// writing an upload's file and recording its row) is removed when the server
// starts, the files rows name stay, and a row whose file is gone is reported
// at start-up and marked `file_missing` in the API.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "base/sha256.hpp"
#include "catalog/pg_server.hpp"
#include "live_server.hpp"
#include "server_fixture.hpp"

namespace {

using json = nlohmann::json;
using test_support::client_socket;
using test_support::live_server;
using test_support::read_file;
namespace fs = std::filesystem;

const fs::path k_nova = fs::path(EISGRID_FIXTURES_DIR) / "measured" / "nova";

std::int64_t upload(const live_server& s, const std::string& key, const std::string& name, const std::string& bytes) {
  client_socket sock(s.port());
  sock.send_all("POST /api/measurements?name=" + name + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer " +
                key + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + std::to_string(bytes.size()) + "\r\n\r\n" + bytes);
  const auto r = test_support::read_reply(sock);
  EXPECT_EQ(r.status, 201) << r.body;
  return r.status == 201 ? json::parse(r.body)["measurement"]["id"].get<std::int64_t>() : 0;
}

void check_start_up_pass(const test_support::server_data& d, const std::string& db) {
  const std::string kept = read_file(k_nova / "16HBE_TW01_d3_endohm1_freq");
  const std::string lost = read_file(k_nova / "16HBE_TW02_d3_endohm1_freq");
  std::int64_t lost_id = 0;
  {
    live_server s(d.root.path, db);
    upload(s, d.alice_key, "kept.txt", kept);
    lost_id = upload(s, d.alice_key, "lost.txt", lost);
  }
  const fs::path measured = d.root.path / "measured";
  ASSERT_TRUE(fs::is_directory(measured));
  const fs::path dir = fs::directory_iterator(measured)->path();  // alice's, the only user who uploaded
  const fs::path kept_file = dir / (eisgrid::sha256_hex(kept) + ".txt");
  const fs::path lost_file = dir / (eisgrid::sha256_hex(lost) + ".txt");
  ASSERT_TRUE(fs::exists(kept_file));
  ASSERT_TRUE(fs::remove(lost_file));
  // What a server killed before recording the row leaves behind.
  const fs::path orphan = dir / (eisgrid::sha256_hex("orphan") + ".csv");
  std::ofstream(orphan) << "f,re,im\n1,2,-3\n";

  live_server s(d.root.path, db);
  EXPECT_FALSE(fs::exists(orphan));
  EXPECT_TRUE(fs::exists(kept_file));
  const auto log = s.log();
  EXPECT_NE(log.find("removed 1 stored measurement files that no measurement named; 1 measurements miss their file"), std::string::npos)
      << log;
  EXPECT_NE(log.find("measurement " + std::to_string(lost_id) + " of user "), std::string::npos) << log;
  const auto list = json::parse(s.call("GET", "/api/measurements", d.alice_key).body)["measurements"];
  ASSERT_EQ(list.size(), 2u);
  for (const auto& m : list) EXPECT_EQ(m["file_missing"], m["id"] == lost_id) << m.dump();
  // The row says so instead of failing: its sweeps are empty, and a fit of it
  // is refused in words.
  const std::string lost_text = std::to_string(lost_id);
  auto r = s.call("GET", "/api/measurements/" + lost_text, d.alice_key);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto one = json::parse(r.body)["measurement"];
  EXPECT_EQ(one["file_missing"], true);
  EXPECT_TRUE(one["sweeps"].empty());
  r = s.call("POST", "/api/fit", d.alice_key, "{\"measurement\":" + lost_text + ",\"grid\":4}");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("the stored file of measurement " + lost_text + " is missing"), std::string::npos) << r.body;
  EXPECT_EQ(s.call("GET", "/api/measurements/" + lost_text + "?format=npy", d.alice_key).status, 409);
  // Deleting it still works, and the file of the other is untouched.
  EXPECT_EQ(s.call("DELETE", "/api/measurements/" + lost_text, d.alice_key).status, 200);
  EXPECT_TRUE(fs::exists(kept_file));
}

TEST(server_measurement_files, the_start_up_pass_removes_files_without_rows_on_sqlite) {
  test_support::server_data data;
  check_start_up_pass(data, "");
}

TEST(server_measurement_files, the_start_up_pass_removes_files_without_rows_on_postgresql) {
  test_support::pg_server pg;
  const std::string admin_url = test_support::fresh_database(pg, "eisgrid_files");
  test_support::server_data data(admin_url);
  test_support::add_server_role(admin_url);
  check_start_up_pass(data, pg.url("eisgrid_files", "eisgrid_server"));
}

}  // namespace
