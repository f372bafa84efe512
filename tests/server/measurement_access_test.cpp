// Issue 21, items 4 and 7, over a real `eisgrid serve`: an anonymous upload
// is refused before its body is read; an anonymous read of a
// measurement or experiment is the 404 docs/API.md promises; a PATCH that
// moves a measurement into another user's experiment changes nothing, on
// SQLite and on PostgreSQL; and reads of a large measurement run beside the
// light requests, not in their place.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

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
using clock_type = std::chrono::steady_clock;
namespace fs = std::filesystem;

const fs::path k_nova = fs::path(EISGRID_FIXTURES_DIR) / "measured" / "nova";

std::string id_of(const http_reply& r, const char* what) {
  const auto j = json::parse(r.body, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.status << " " << r.body;
  return std::to_string(j[what]["id"].get<std::int64_t>());
}

void check_access(const live_server& s, const test_support::server_data& d) {
  auto r = upload_measurement(s, d.alice_key, "rpe.txt", read_file(k_nova / "RPEmedia_TW1-1_d1_chamber1_channel1_5freq5sine_freq"));
  ASSERT_EQ(r.status, 201) << r.body;
  const auto measurement = id_of(r, "measurement");
  r = s.call("POST", "/api/experiments", d.bob_key, R"({"name": "bob's plate"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto bobs_experiment = id_of(r, "experiment");

  // Anonymous reads: 404, the same as an id that does not exist; writes: 401.
  for (const auto& path : {"/api/measurements/" + measurement, "/api/measurements/" + measurement + "/fits",
                           "/api/experiments/" + bobs_experiment, std::string("/api/measurements/999999")}) {
    EXPECT_EQ(s.call("GET", path).status, 404) << path;
  }
  EXPECT_EQ(s.call("PATCH", "/api/measurements/" + measurement, "", R"({"notes": "x"})").status, 401);
  EXPECT_EQ(s.call("DELETE", "/api/experiments/" + bobs_experiment).status, 401);

  // Notes and a move into bob's experiment: refused as a whole.
  r = s.call("PATCH", "/api/measurements/" + measurement, d.alice_key, R"({"notes": "X", "experiment": )" + bobs_experiment + "}");
  EXPECT_EQ(r.status, 404) << r.body;
  r = s.call("GET", "/api/measurements/" + measurement, d.alice_key);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["measurement"]["notes"], "") << r.body;
  EXPECT_TRUE(json::parse(r.body)["measurement"]["experiment"].is_null());
  // And with her own experiment, both in one request.
  r = s.call("POST", "/api/experiments", d.alice_key, R"({"name": "plate"})");
  const auto own = id_of(r, "experiment");
  r = s.call("PATCH", "/api/measurements/" + measurement, d.alice_key, R"({"notes": "X", "experiment": )" + own + "}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["measurement"]["notes"], "X");
  EXPECT_EQ(std::to_string(json::parse(r.body)["measurement"]["experiment"].get<std::int64_t>()), own);
}

TEST(server_measurement_access, anonymous_reads_are_404_and_a_patch_is_one_transaction_on_sqlite) {
  test_support::server_data data;
  live_server s(data.root.path);
  check_access(s, data);
}

TEST(server_measurement_access, anonymous_reads_are_404_and_a_patch_is_one_transaction_on_postgresql) {
  test_support::pg_server pg;
  const std::string admin_url = test_support::fresh_database(pg, "eisgrid_access");
  test_support::server_data data(admin_url);
  test_support::add_server_role(admin_url);
  live_server s(data.root.path, pg.url("eisgrid_access", "eisgrid_server"));
  check_access(s, data);
}

// Issue 21, item 4: an anonymous upload is refused at its header, before its
// body is read: 32 connections each announcing 16 MiB get their 401 without
// sending a byte of it, and the health check answers meanwhile.
TEST(server_measurement_access, anonymous_uploads_are_refused_before_their_body) {
  test_support::server_data data;
  live_server s(data.root.path);
  std::vector<client_socket> connections;
  for (int i = 0; i < 32; ++i) {
    connections.emplace_back(s.port());
    connections.back().send_all(
        "POST /api/measurements?name=big.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
        "Content-Length: " +
        std::to_string(16 << 20) + "\r\n\r\n");
  }
  for (const auto& c : connections) {
    const auto start = clock_type::now();
    const auto r = test_support::read_reply(c);
    EXPECT_EQ(r.status, 401) << r.body;
    test_support::expect_within_a_second(std::chrono::duration<double, std::milli>(clock_type::now() - start).count(),
                                         "an anonymous upload's 401");
  }
  const auto start = clock_type::now();
  EXPECT_EQ(s.call("GET", "/api/health").status, 200);
  test_support::expect_within_a_second(std::chrono::duration<double, std::milli>(clock_type::now() - start).count(),
                                       "a health check after 64 anonymous uploads");
  // With a key, the same header waits for its body, which then uploads.
  EXPECT_EQ(
      upload_measurement(s, data.alice_key, "rpe.txt", read_file(k_nova / "RPEmedia_TW1-1_d1_chamber1_channel1_5freq5sine_freq")).status,
      201);
}

// A 1,500,000-point measurement read as JSON takes a handler thread a second
// or more; two such reads at once used to take both handler threads, and
// every other user waited.
TEST(server_measurement_access, large_reads_leave_light_requests_their_threads) {
#if defined(__SANITIZE_ADDRESS__)
  // The property is one of time (light answers within 1 s while heavy reads
  // run); under AddressSanitizer the heavy reads alone outlast the client's
  // timeout. The release build runs it.
  std::fprintf(stderr, "\n*** SKIPPED under AddressSanitizer: a timing test; the release build runs it ***\n\n");
  GTEST_SKIP() << "timing test; run by the release build";
#endif
  test_support::server_data data;
  live_server s(data.root.path);
  constexpr std::size_t k_points = 1'500'000;
  constexpr std::size_t k_distinct_frequencies = 99'999;
  std::string csv = "f,re,im\n";
  for (std::size_t i = 0; i < k_points; ++i) csv += std::to_string(i % k_distinct_frequencies + 1) + ",1,-1\n";
  auto r = upload_measurement(s, data.alice_key, "large.csv", csv);
  ASSERT_EQ(r.status, 201) << r.body.substr(0, 500);
  const auto id = id_of(r, "measurement");

  std::atomic<int> running{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i) {
    readers.emplace_back([&] {
      ++running;
      const auto reply = s.call("GET", "/api/measurements/" + id, data.alice_key);
      EXPECT_EQ(reply.status, 200);
      --running;
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  int checks = 0;
  double slowest = 0;
  while (running > 0) {
    const auto start = clock_type::now();
    EXPECT_EQ(s.call("GET", "/api/measurements", data.bob_key).status, 200);
    slowest = std::max(slowest, std::chrono::duration<double>(clock_type::now() - start).count());
    ++checks;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (auto& t : readers) t.join();
  EXPECT_GT(checks, 0) << "the large reads ended before a light request was sent";
  EXPECT_LT(slowest, 1.0) << checks << " light requests";
}

}  // namespace
