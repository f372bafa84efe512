// Issue 21, item 5, over a real `eisgrid serve` on SQLite and PostgreSQL: each
// user's stored measurement files are bounded by --quota-mb (413 naming the
// numbers, nothing stored) and their uploads by --uploads-per-minute (429 with
// Retry-After), and GET /api/whoami reports the usage the files' sizes add up to.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "catalog/pg_server.hpp"
#include "live_server.hpp"
#include "server_fixture.hpp"

namespace {

using json = nlohmann::json;
using test_support::client_socket;
using test_support::http_reply;
using test_support::live_server;
using test_support::read_file;
using test_support::upload_measurement;
namespace fs = std::filesystem;

const fs::path k_nova = fs::path(EISGRID_FIXTURES_DIR) / "measured" / "nova";

json usage_of(const live_server& s, const std::string& key) {
  const auto r = s.call("GET", "/api/whoami", key);
  EXPECT_EQ(r.status, 200) << r.body;
  return json::parse(r.body)["usage"];
}

std::uintmax_t bytes_under(const fs::path& dir) {
  std::uintmax_t total = 0;
  if (!fs::exists(dir)) return 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) total += e.file_size();
  }
  return total;
}

void check_quota_and_rate(const test_support::server_data& d, const std::string& db) {
  const std::vector<std::string> files = {"16HBE_TW01_d3_endohm1_freq", "16HBE_TW02_d3_endohm1_freq", "16HBE_TW03_d3_endohm1_freq",
                                          "16HBE_TW04_d3_endohm1_freq"};
  std::vector<std::string> contents;
  for (const auto& f : files) contents.push_back(read_file(k_nova / f));
  const std::size_t three = contents[0].size() + contents[1].size() + contents[2].size();
  // A quota that holds the first three files and not the fourth.
  const std::uint64_t quota = three + contents[3].size() / 2;
  const std::string quota_mb = std::to_string(static_cast<double>(quota) / (1 << 20));
  live_server s(d.root.path, db, {"--quota-mb", quota_mb, "--uploads-per-minute", "8"});
  const std::uint64_t quota_bytes = usage_of(s, d.alice_key)["quota_bytes"].get<std::uint64_t>();
  ASSERT_GE(quota_bytes, three);
  ASSERT_LT(quota_bytes, three + contents[3].size());

  for (std::size_t k = 0; k < 3; ++k) EXPECT_EQ(upload_measurement(s, d.alice_key, files[k] + ".txt", contents[k]).status, 201);
  auto usage = usage_of(s, d.alice_key);
  EXPECT_EQ(usage["measurements"], 3);
  EXPECT_EQ(usage["stored_bytes"].get<std::uintmax_t>(), three);
  EXPECT_EQ(bytes_under(d.root.path / "measured"), three);
  EXPECT_EQ(usage["uploads_last_minute"], 3);
  EXPECT_EQ(usage["uploads_per_minute"], 8);

  // Past the quota: refused with the numbers, nothing stored.
  auto r = upload_measurement(s, d.alice_key, files[3] + ".txt", contents[3]);
  EXPECT_EQ(r.status, 413) << r.body;
  const std::string message = json::parse(r.body)["message"];
  EXPECT_NE(message.find("you store " + std::to_string(three) + " bytes"), std::string::npos) << message;
  EXPECT_NE(message.find("this file is " + std::to_string(contents[3].size()) + " bytes"), std::string::npos) << message;
  EXPECT_NE(message.find("your quota is " + std::to_string(quota_bytes) + " bytes"), std::string::npos) << message;
  EXPECT_EQ(usage_of(s, d.alice_key)["stored_bytes"].get<std::uintmax_t>(), three);
  EXPECT_EQ(bytes_under(d.root.path / "measured"), three);
  // Another user's quota is their own.
  EXPECT_EQ(upload_measurement(s, d.bob_key, files[3] + ".txt", contents[3]).status, 201);
  EXPECT_EQ(usage_of(s, d.bob_key)["stored_bytes"].get<std::uintmax_t>(), contents[3].size());

  // Deleting makes room.
  const auto list = json::parse(s.call("GET", "/api/measurements", d.alice_key).body)["measurements"];
  EXPECT_EQ(s.call("DELETE", "/api/measurements/" + std::to_string(list[0]["id"].get<std::int64_t>()), d.alice_key).status, 200);
  EXPECT_EQ(upload_measurement(s, d.alice_key, files[3] + ".txt", contents[3]).status, 201);

  // The rate counts every upload, refused ones too: 5 so far, 3 more allowed
  // in this minute, then 429 with the numbers, and nothing stored.
  for (int k = 0; k < 3; ++k) EXPECT_EQ(upload_measurement(s, d.alice_key, files[3] + ".txt", contents[3]).status, 409);
  const auto before = usage_of(s, d.alice_key);
  r = upload_measurement(s, d.alice_key, files[0] + ".txt", contents[0]);
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_NE(r.body.find("at most 8 a minute"), std::string::npos) << r.body;
  const int retry = std::stoi(r.header("retry-after"));
  EXPECT_GE(retry, 1);
  EXPECT_LE(retry, 60);
  const auto after = usage_of(s, d.alice_key);
  EXPECT_EQ(after["stored_bytes"], before["stored_bytes"]);
  EXPECT_EQ(after["measurements"], before["measurements"]);
  EXPECT_EQ(after["uploads_last_minute"], 8);
  // bob's uploads are counted apart.
  EXPECT_EQ(upload_measurement(s, d.bob_key, files[0] + ".txt", contents[0]).status, 201);
  // Anonymous callers have no usage.
  EXPECT_TRUE(json::parse(s.call("GET", "/api/whoami").body)["usage"].is_null());
}

TEST(server_quota, uploads_past_the_quota_or_the_rate_are_refused_on_sqlite) {
  test_support::server_data data;
  check_quota_and_rate(data, "");
}

TEST(server_quota, uploads_past_the_quota_or_the_rate_are_refused_on_postgresql) {
  test_support::pg_server pg;
  const std::string admin_url = test_support::fresh_database(pg, "eisgrid_quota");
  test_support::server_data data(admin_url);
  test_support::add_server_role(admin_url);
  check_quota_and_rate(data, pg.url("eisgrid_quota", "eisgrid_server"));
}

}  // namespace
