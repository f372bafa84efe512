// Issue 21, item 4, over a real `eisgrid serve`: a write's credential is
// checked from its header, before its body is read; the bodies being received
// take at most --body-memory-mb together (503 beyond) and the connections at
// most --max-connections (503 and closed beyond), while /api/health answers
// within a second each and the server's peak memory stays within the bound.
#include <gtest/gtest.h>
#include <poll.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "catalog/pg_server.hpp"
#include "live_server.hpp"
#include "server_fixture.hpp"

namespace {

using json = nlohmann::json;
using test_support::client_socket;
using test_support::live_server;
using clock_type = std::chrono::steady_clock;

constexpr std::size_t k_upload_bytes = std::size_t{16} << 20;

std::string upload_header(const std::string& key) {
  std::string h = "POST /api/measurements?name=big.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n";
  if (!key.empty()) h += "Authorization: Bearer " + key + "\r\n";
  return h + "Content-Length: " + std::to_string(k_upload_bytes) + "\r\n\r\n";
}

// Whether the server answered within `ms` (without the client sending more).
bool answers_within(const client_socket& c, int ms) {
  pollfd p{c.fd(), POLLIN, 0};
  return ::poll(&p, 1, ms) == 1;
}

// The server's peak resident memory in bytes (VmHWM).
std::uint64_t peak_rss(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) << 10;
  }
  return 0;
}

// Health checks every 50 ms on fresh connections until stopped; the slowest.
class health_watch {
 public:
  explicit health_watch(const live_server& s)
      : thread_([this, &s] {
          while (!stop_) {
            const auto start = clock_type::now();
            const int status = s.call("GET", "/api/health").status;
            const double took = std::chrono::duration<double>(clock_type::now() - start).count();
            std::lock_guard lock(mutex_);
            if (status != 200) ++failed_;
            slowest_ = std::max(slowest_, took);
            ++checks_;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
          }
        }) {}
  ~health_watch() { finish(); }
  health_watch(const health_watch&) = delete;
  health_watch& operator=(const health_watch&) = delete;
  void finish() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  void check() {
    finish();
    EXPECT_GT(checks_, 5);
    EXPECT_EQ(failed_, 0);
    EXPECT_LT(slowest_, 1.0) << checks_ << " health checks";
  }

 private:
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  int checks_ = 0, failed_ = 0;
  double slowest_ = 0;
  std::thread thread_;
};

// The credential itself is checked at the header: a revoked or unknown key
// announcing 16 MiB, and an anonymous write of any kind, get their 401 without
// sending a byte of the body.
void check_credentials_at_header(const live_server& s) {
  for (const std::string& head :
       {upload_header("eg_not_a_key_of_anyone"), upload_header("a.b.c"),
        std::string("POST /api/tags HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n"),
        std::string("PATCH /api/measurements/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 60000\r\n\r\n"),
        std::string("POST /api/compute HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")}) {
    client_socket c(s.port());
    c.send_all(head);
    ASSERT_TRUE(answers_within(c, 1000)) << head;
    const auto r = test_support::read_reply(c);
    EXPECT_EQ(r.status, 401) << head << r.body;
  }
}

TEST(server_admission, bad_credentials_are_refused_at_the_header_on_sqlite) {
  test_support::server_data data;
  live_server s(data.root.path);
  check_credentials_at_header(s);
}

TEST(server_admission, bad_credentials_are_refused_at_the_header_on_postgresql) {
  test_support::pg_server pg;
  const std::string admin_url = test_support::fresh_database(pg, "eisgrid_admission");
  test_support::server_data data(admin_url);
  test_support::add_server_role(admin_url);
  live_server s(data.root.path, pg.url("eisgrid_admission", "eisgrid_server"));
  check_credentials_at_header(s);
}

// 64 anonymous connections and 64 signed-in ones, each announcing and sending
// a 16 MiB upload, against a body budget of 64 MiB: the anonymous ones get
// 401 and the signed-in ones past the budget 503 from their header, four are
// read (and refused by the reader: their bytes are not text), the health
// check answers within a second each, and the peak memory stays near the budget.
TEST(server_admission, bodies_in_flight_take_at_most_the_budget) {
  test_support::server_data data;
  live_server s(data.root.path, "", {"--body-memory-mb", "64"});
  const std::uint64_t before = peak_rss(s.pid());
  ASSERT_GT(before, 0u);
  health_watch health(s);
  const std::string body(k_upload_bytes, '\0');

  std::mutex mutex;
  std::map<int, int> statuses;  // status -> connections
  std::vector<std::thread> clients;
  for (int i = 0; i < 128; ++i) {
    clients.emplace_back([&, signed_in = i % 2 == 1] {
      client_socket c(s.port());
      c.send_all(upload_header(signed_in ? data.alice_key : ""));
      // Refused at the header, or waiting for the body.
      if (!answers_within(c, 3000)) c.send_all(body);
      const int status = test_support::read_reply(c).status;
      std::lock_guard lock(mutex);
      ++statuses[status];
    });
  }
  for (auto& t : clients) t.join();
  health.check();
  EXPECT_EQ(statuses[401], 64);
  EXPECT_EQ(statuses[503], 60);
  EXPECT_EQ(statuses[400], 4);
  const std::uint64_t peak = peak_rss(s.pid());
  // 64 MiB of bodies; without the budget, 64 of them would take 1 GiB.
  EXPECT_LT(peak, before + (std::uint64_t{160} << 20)) << "peak " << (peak >> 20) << " MiB, before " << (before >> 20) << " MiB";
  EXPECT_NE(s.log().find("\"status\":503"), std::string::npos);
  // The budget is free again: an upload goes through.
  client_socket c(s.port());
  c.send_all(upload_header(data.alice_key) + body);
  EXPECT_EQ(test_support::read_reply(c).status, 400);
}

// Past --max-connections a connection gets a 503 and is closed; once one of the
// others closes, the server takes new ones again.
TEST(server_admission, connections_past_the_limit_are_refused) {
  test_support::server_data data;
  live_server s(data.root.path, "", {"--max-connections", "8"});
  std::vector<client_socket> idle;
  for (int i = 0; i < 8; ++i) idle.emplace_back(s.port());
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // accepted
  {
    client_socket extra(s.port());
    const auto r = test_support::read_reply(extra);
    EXPECT_EQ(r.status, 503);
    EXPECT_NE(r.body.find("too many connections"), std::string::npos) << r.body;
  }
  idle.pop_back();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // its session ended
  EXPECT_EQ(s.call("GET", "/api/health").status, 200);
}

}  // namespace
