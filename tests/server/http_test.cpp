// A real `eisgrid serve` over real sockets: every endpoint on SQLite and on
// PostgreSQL, limits and timeouts of the session, idle connections, and a
// job started over the API against the command line with the same options.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include <nlohmann/json.hpp>

#include "catalog/pg_connection.hpp"
#include "catalog/pg_server.hpp"
#include "dataset/dataset.hpp"
#include "live_server.hpp"
#include "npz/reader.hpp"
#include "server/jwt.hpp"
#include "server_fixture.hpp"

namespace {

using json = nlohmann::json;
using test_support::client_socket;
using test_support::expect_within_a_second;
using test_support::live_server;
using test_support::make_request;
using test_support::read_reply;
using test_support::wait_for_job;

json json_of(const test_support::http_reply& r) {
  auto j = json::parse(r.body, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.status << " " << r.body;
  return j;
}

std::vector<std::string> names(const live_server& s, const std::string& key) {
  const auto r = s.call("GET", "/api/datasets", key);
  EXPECT_EQ(r.status, 200) << r.body;
  std::vector<std::string> out;
  const auto j = json_of(r);
  for (const auto& d : j["datasets"]) out.push_back(d["filename"]);
  std::sort(out.begin(), out.end());
  return out;
}

// The endpoints and visibility, the same on both engines.
void check_endpoints(const live_server& s, const test_support::server_data& d, const char* engine) {
  auto r = s.call("GET", "/api/health");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json_of(r)["catalog"], engine);
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(json_of(s.call("GET", "/api/status"))["status"], "online");
  EXPECT_EQ(json_of(s.call("GET", "/api/whoami", d.alice_key))["user"]["name"], "alice");
  EXPECT_EQ(s.call("GET", "/api/whoami", "eisgrid_bogus").status, 401);

  EXPECT_EQ(names(s, ""), std::vector<std::string>{"public.npz"});
  EXPECT_EQ(names(s, d.alice_key), (std::vector<std::string>{"alice.npz", "public.npz"}));
  EXPECT_EQ(names(s, d.bob_key), (std::vector<std::string>{"bob.npz", "public.npz"}));
  for (const auto& key : {std::string(), d.bob_key}) {
    EXPECT_EQ(s.call("POST", "/api/load/alice.npz", key).status, 404);
    EXPECT_EQ(s.call("GET", "/api/best-results/alice.npz?n=5", key).status, 404);
    EXPECT_EQ(s.call("POST", "/api/spectrum/alice.npz", key, R"({"indices":[0]})").status, 404);
    EXPECT_EQ(s.call("POST", "/api/search/alice.npz", key, R"({"max_resnorm":1e9})").status, 404);
    EXPECT_EQ(s.call("GET", "/api/download/alice.npz", key).status, 404);
    EXPECT_EQ(s.call("HEAD", "/api/download/alice.npz", key).status, 404);
  }
  r = s.call("POST", "/api/load/alice.npz", d.alice_key);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_of(r)["dataset_info"]["n_parameters"], 1024);
  r = s.call("GET", "/api/best-results/alice.npz?n=5", d.alice_key);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json_of(r)["data"]["parameters"].size(), 5u);
  r = s.call("POST", "/api/spectrum/public.npz", "", R"({"indices":[0,1]})");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json_of(r)["data"]["spectra"].size(), 2u);
  r = s.call("POST", "/api/search/public.npz", "", R"({"max_resnorm":1e9,"limit":3})");
  EXPECT_EQ(json_of(r)["data"]["count"], 3);

  // Downloads: whole, range, HEAD, ETag.
  std::ifstream in(d.root.path / "npz/user_generated/alice.npz", std::ios::binary);
  const std::string whole((std::istreambuf_iterator<char>(in)), {});
  r = s.call("GET", "/api/download/alice.npz", d.alice_key);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, whole);
  EXPECT_EQ(r.header("content-type"), "application/octet-stream");
  const std::string etag = r.header("etag");
  r = s.call("GET", "/api/download/alice.npz", d.alice_key, "", {"Range: bytes=100-199"});
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.body, whole.substr(100, 100));
  EXPECT_EQ(s.call("GET", "/api/download/alice.npz", d.alice_key, "", {"Range: bytes=99999999-"}).status, 416);
  r = s.call("HEAD", "/api/download/alice.npz", d.alice_key);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-length"), std::to_string(whole.size()));
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(s.call("GET", "/api/download/alice.npz", d.alice_key, "", {"If-None-Match: " + etag}).status, 304);

  // Tags and configurations.
  r = s.call("POST", "/api/tags", d.alice_key, R"({"filename":"alice.npz","rank":1,"label":"good"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto tag_id = std::to_string(json_of(r)["tag"]["id"].get<std::int64_t>());
  EXPECT_EQ(json_of(s.call("GET", "/api/tags?filename=alice.npz", d.alice_key))["tags"].size(), 1u);
  EXPECT_EQ(s.call("GET", "/api/tags?filename=alice.npz", d.bob_key).status, 404);
  EXPECT_EQ(json_of(s.call("GET", "/api/tags", d.bob_key))["tags"].size(), 0u);
  EXPECT_NE(s.call("DELETE", "/api/tags/" + tag_id, d.bob_key).status, 200);
  EXPECT_EQ(s.call("DELETE", "/api/tags/" + tag_id, d.alice_key).status, 200);
  EXPECT_EQ(s.call("GET", "/api/configurations").status, 200);
  EXPECT_EQ(s.call("GET", "/api/openapi.json").status, 200);
  EXPECT_EQ(s.call("GET", "/api/nothing").status, 404);

  // A job over the API, visible to its owner only.
  r = s.call("POST", "/api/compute", d.bob_key, R"({"grid":3,"points":10,"spacing":"linear","output":"bobjob.npz"})");
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string id = json_of(r)["job"]["id"];
  EXPECT_EQ(s.call("GET", "/api/jobs/" + id, d.alice_key).status, 404);
  const auto job = wait_for_job(s, d.bob_key, id);
  EXPECT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(names(s, d.bob_key), (std::vector<std::string>{"bob.npz", "bobjob.npz", "public.npz"}));
  EXPECT_EQ(names(s, d.alice_key), (std::vector<std::string>{"alice.npz", "public.npz"}));
  EXPECT_EQ(s.call("GET", "/api/best-results/bobjob.npz", d.alice_key).status, 404);
  EXPECT_EQ(s.call("GET", "/api/best-results/bobjob.npz", d.bob_key).status, 200);
  const auto listing = json_of(s.call("GET", "/api/datasets", d.bob_key));
  for (const auto& listed : listing["datasets"]) {
    EXPECT_EQ(listed.value("frequency_spacing", ""), listed["filename"] == "bobjob.npz" ? "linear" : "log") << listed["filename"];
  }
}

class http_sqlite : public ::testing::Test {
 protected:
  static inline std::unique_ptr<test_support::server_data> data;
  static inline std::unique_ptr<live_server> server;
  static void SetUpTestSuite() {
    data = std::make_unique<test_support::server_data>();
    // An empty page directory: the placeholder, whatever web/dist holds.
    std::filesystem::create_directories(data->root.path / "noweb");
    server = std::make_unique<live_server>(data->root.path, "", std::vector<std::string>{"--web", (data->root.path / "noweb").string()},
                                           "http-test-secret");
  }
  static void TearDownTestSuite() {
    server.reset();
    data.reset();
  }
};

TEST_F(http_sqlite, every_endpoint) { check_endpoints(*server, *data, "sqlite"); }

TEST_F(http_sqlite, jwt_over_the_wire) {
  const auto token = eisgrid::server::sign_jwt(R"({"sub":"jwt-user","exp":4000000000,"aud":"authenticated"})", "http-test-secret");
  EXPECT_EQ(json_of(server->call("GET", "/api/whoami", token))["user"]["name"], "jwt:jwt-user");
  const auto forged = eisgrid::server::sign_jwt(R"({"sub":"alice","exp":4000000000,"aud":"authenticated"})", "wrong-secret");
  EXPECT_EQ(server->call("GET", "/api/whoami", forged).status, 401);
  // `eisgrid user revoke` stops a JWT user's tokens on the running server.
  const auto revoke = test_support::run(std::string(EISGRID_CLI_PATH) + " user revoke jwt:jwt-user --data " +
                                        test_support::shell_quote(data->root.path.string()));
  ASSERT_EQ(revoke.exit_code, 0) << revoke.output;
  EXPECT_EQ(server->call("GET", "/api/whoami", token).status, 401);
  const auto listed =
      test_support::run(std::string(EISGRID_CLI_PATH) + " user list --data " + test_support::shell_quote(data->root.path.string()));
  EXPECT_NE(listed.output.find("jwt:jwt-user"), std::string::npos) << listed.output;
}

TEST_F(http_sqlite, one_log_line_per_request) {
  const auto logged_before = server->log().size();  // the suite shares the server
  (void)server->call("GET", "/api/status?x=1");
  (void)server->call("GET", "/api/best-results/public.npz?n=0");
  // The server logs a request after sending its reply, from its own process:
  // wait until both lines are there instead of sleeping.
  constexpr auto k_log_timeout = std::chrono::seconds(30);
  const auto deadline = std::chrono::steady_clock::now() + k_log_timeout;
  auto fresh_log = [&] { return server->log().substr(logged_before); };
  std::string log = fresh_log();
  while ((log.find(R"("path":"/api/status")") == std::string::npos || log.find("/api/best-results/public.npz") == std::string::npos) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    log = fresh_log();
  }
  EXPECT_NE(log.find(R"({"bytes":)"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("method":"GET","ms":)"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("path":"/api/best-results/public.npz","status":400})"), std::string::npos) << log;
  EXPECT_EQ(log.find("x=1"), std::string::npos);
}

TEST_F(http_sqlite, keep_alive_serves_several_requests) {
  client_socket s(server->port());
  for (int i = 0; i < 3; ++i) {
    s.send_all(make_request("GET", "/api/health", "", "", {}, false));
    const auto r = read_reply(s);
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.complete);
  }
  // Two pipelined requests in one write.
  s.send_all(make_request("GET", "/api/health", "", "", {}, false) + make_request("GET", "/api/status", "", "", {}, false));
  EXPECT_EQ(json_of(read_reply(s))["healthy"], true);
  EXPECT_EQ(json_of(read_reply(s))["status"], "online");
}

TEST_F(http_sqlite, limits_of_the_session) {
  {
    client_socket s(server->port());
    s.send_all("GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(17 * 1024, 'a') + "\r\n\r\n");
    const auto r = read_reply(s);
    EXPECT_EQ(r.status, 431);
    EXPECT_EQ(json_of(r)["status"], "error");
  }
  {
    client_socket s(server->port());
    s.send_all(make_request("POST", "/api/search/public.npz", "", std::string(65 * 1024, ' ')));
    const auto r = read_reply(s);
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(json_of(r)["status"], "error");
  }
  {
    client_socket s(server->port());
    s.send_all("NOT AN HTTP REQUEST\r\n\r\n");
    EXPECT_EQ(read_reply(s).status, 400);
  }
  // Malformed JSON and wrong types.
  EXPECT_EQ(server->call("POST", "/api/spectrum/public.npz", "", "{\"indices\": [0,").status, 400);
  EXPECT_EQ(server->call("POST", "/api/spectrum/public.npz", "", R"({"indices": "0"})").status, 400);
  EXPECT_EQ(server->call("POST", "/api/spectrum/public.npz", "", R"({"indices": [-1]})").status, 400);
  EXPECT_EQ(server->call("GET", "/api/best-results/public.npz?n=100000000").status, 400);
  // Traversal over the wire, raw.
  for (const char* target : {"/api/download/..%2f..%2fcatalog.sqlite3", "/api/download/%2e%2e%2fcatalog.sqlite3",
                             "/api/download/../../etc/passwd", "/api/download//etc/passwd", "/api/download/..%5c..%5ccatalog.sqlite3",
                             "/api/download/public.npz%00", "/assets/..%2f..%2fcatalog.sqlite3", "/../../etc/passwd"}) {
    const auto r = server->call("GET", target);
    EXPECT_TRUE(r.status == 400 || r.status == 404) << target << " " << r.status;
    EXPECT_EQ(r.body.find("SQLite"), std::string::npos);
    EXPECT_EQ(r.body.find("root:"), std::string::npos);
  }
}

// Sends `head`, then `filler` over and over until `total` bytes are sent or
// the server stops reading, then `end`, while health checks run on other
// connections.
// Returns the status the attacker got (0 if the server only closed) and the
// slowest health check in milliseconds.
struct flood_outcome {
  int status = 0;
  double slowest_health_ms = 0;
};
flood_outcome flood(const live_server& server, const std::string& head, const std::string& filler, const std::string& end,
                    std::size_t total) {
  flood_outcome out;
  std::atomic<bool> attacking{true};
  std::thread attacker([&] {
    client_socket s(server.port());
    s.send_all(head);
    std::string block;
    while (block.size() < 256 * 1024) block += filler;
    bool open = true;
    for (std::size_t sent = head.size(); open && sent < total; sent += block.size()) {
      open = ::send(s.fd(), block.data(), block.size(), MSG_NOSIGNAL) > 0;
    }
    if (open) s.send_all(end);
    out.status = read_reply(s).status;
    attacking = false;
  });
  do {
    const auto start = std::chrono::steady_clock::now();
    const auto r = server.call("GET", "/api/health");
    const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(r.status, 200);
    out.slowest_health_ms = std::max(out.slowest_health_ms, ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (attacking);
  attacker.join();
  return out;
}

// Issue 11 item 1: megabytes of trailer lines after a tiny chunked body froze
// every request; so did any other part of a request outside the header and
// body limits (chunk extensions, chunk lines padded with zeros).
TEST_F(http_sqlite, chunked_framing_is_bounded_while_health_answers) {
  const std::string head =
      "POST /api/search/public.npz HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  constexpr std::size_t k_attack_bytes = 16 << 20;
  struct attack {
    const char* what;
    std::string start, filler, end;
    int status;
  };
  const std::vector<attack> attacks{
      {"trailer lines", head + "2\r\n{}\r\n0\r\n", "X-Trailer: " + std::string(50, 'a') + "\r\n", "\r\n", 431},
      {"one trailer field", head + "2\r\n{}\r\n0\r\nX-Trailer: ", std::string(64, 'a'), "\r\n\r\n", 431},
      {"empty trailer fields", head + "2\r\n{}\r\n0\r\n", "a:\r\n", "\r\n", 431},
      {"one chunk extension", head + "2;ext=", std::string(64, 'a'), "\r\n{}\r\n0\r\n\r\n", 431},
      {"an extension on every chunk", head, "1;" + std::string(60, 'e') + "\r\n \r\n", "0\r\n\r\n", 431},
      {"chunk sizes padded with zeros", head, std::string(8000, '0') + "1\r\n \r\n", "0\r\n\r\n", 413},
      {"a body in one-byte chunks", head, "1\r\n \r\n", "0\r\n\r\n", 413},
  };
  for (const auto& a : attacks) {
    const auto out = flood(*server, a.start, a.filler, a.end, k_attack_bytes);
    expect_within_a_second(out.slowest_health_ms, std::string("the slowest health check during ") + a.what);
    EXPECT_EQ(out.status, a.status) << a.what;
  }
  // The server still answers, and a chunked request within the limits works.
  client_socket s(server->port());
  s.send_all(head + "10\r\n{\"max_resnorm\":1\r\nd;name=value\r\ne9,\"limit\":2}\r\n0\r\nX-Checksum: none\r\n\r\n");
  const auto r = read_reply(s);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_of(r)["data"]["count"], 2);
}

// Issue 11 item 11: an unknown Transfer-Encoding was ignored, so the body was
// read as the next request. A trailer never stands in for a header either.
TEST_F(http_sqlite, transfer_encodings_other_than_chunked_are_refused) {
  const std::string smuggled = "GET /api/whoami HTTP/1.1\r\nHost: x\r\n\r\n";
  for (const auto& [coding, status] : std::vector<std::pair<std::string, int>>{{"gzip", 501},
                                                                               {"gzip, chunked", 501},
                                                                               {"chunked, gzip", 501},
                                                                               {"xchunked", 501},
                                                                               {"identity", 501},
                                                                               {"chunked, chunked", 400},
                                                                               {",", 400}}) {
    client_socket s(server->port());
    s.send_all("POST /api/search/public.npz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + coding + "\r\n\r\n" + smuggled);
    const auto r = read_reply(s);
    EXPECT_EQ(r.status, status) << coding;
    EXPECT_EQ(json_of(r)["status"], "error") << coding;
    // Nothing after the refused request is read as another one: the connection closes.
    char c;
    EXPECT_EQ(s.read_some(&c, 1), 0u) << coding;
  }
  {
    client_socket s(server->port());
    s.send_all("POST /api/search/public.npz HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
    EXPECT_EQ(read_reply(s).status, 400);
  }
  {
    client_socket s(server->port());
    s.send_all("GET /api/whoami HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nAuthorization: Bearer " + data->alice_key +
               "\r\n\r\n");
    const auto r = read_reply(s);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(json_of(r)["user"], nullptr);
  }
}

TEST_F(http_sqlite, idle_connections_do_not_starve_others) {
  constexpr int k_idle = 300;
  std::vector<client_socket> idle;
  idle.reserve(k_idle);
  for (int i = 0; i < k_idle; ++i) idle.emplace_back(server->port());
  // Half of them also start a request and stop in the middle of its header.
  for (int i = 0; i < k_idle; i += 2) idle[static_cast<std::size_t>(i)].send_all("GET /api/status HTTP/1.1\r\nHost: x\r\n");
  double slowest_ms = 0;
  for (int i = 0; i < 20; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const auto r = server->call("GET", "/api/best-results/public.npz?n=100");
    slowest_ms = std::max(slowest_ms, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    EXPECT_EQ(r.status, 200);
  }
  expect_within_a_second(slowest_ms, "the slowest request among 300 idle connections");
}

// Seconds until the server closes `s` (reads return 0), or -1 after `limit`.
double seconds_until_closed(const client_socket& s, double limit) {
  const auto start = std::chrono::steady_clock::now();
  char buf[4096];
  for (;;) {
    const auto n = ::recv(s.fd(), buf, sizeof buf, 0);
    const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) return t;
    if (t > limit) return -1;
  }
}

// The defaults (30 s to send a request, 15 s idle) are what `serve --help`
// shows; the closing itself is timed on a server with short timeouts, so the
// test waits seconds rather than half a minute.
TEST(http_timeouts, idle_and_slow_connections_time_out) {
  const auto help = test_support::run(std::string(EISGRID_CLI_PATH) + " serve --help");
  ASSERT_EQ(help.exit_code, 0) << help.output;
  EXPECT_NE(help.output.find("--request-timeout UINT:INT in [1 - 3600]=30\n"), std::string::npos) << help.output;
  EXPECT_NE(help.output.find("--idle-timeout UINT:INT in [1 - 3600]=15\n"), std::string::npos) << help.output;

  test_support::temp_dir root("http_timeouts");
  const live_server server(root.path, "", {"--request-timeout", "5", "--idle-timeout", "2"});
  client_socket idle(server.port()), slow(server.port());
  idle.send_all(make_request("GET", "/api/health", "", "", {}, false));
  ASSERT_EQ(read_reply(idle).status, 200);
  slow.send_all("GET /api/health HTTP/1.1\r\nHost: x\r\n");
  double idle_closed = -1;
  std::thread watcher([&] { idle_closed = seconds_until_closed(idle, 20); });
  const double slow_closed = seconds_until_closed(slow, 20);
  watcher.join();
  // Each closes at its own timeout: the idle one well before the request's.
  // The slow connection's clock started when it connected, a moment before
  // these measure from.
  EXPECT_GT(idle_closed, 1.5);  // --idle-timeout 2
  EXPECT_LT(idle_closed, 4.5);
  EXPECT_GT(slow_closed, 4.5);  // --request-timeout 5
  EXPECT_LT(slow_closed, 11.0);
}

TEST_F(http_sqlite, the_page_placeholder_without_a_build) {
  const auto r = server->call("GET", "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.header("content-type").find("text/html"), std::string::npos);
  EXPECT_EQ(server->call("GET", "/assets/app.js").status, 404);
}

TEST_F(http_sqlite, cors_preflight_and_allowlist) {
  const std::string own = "Origin: http://127.0.0.1:" + std::to_string(server->port());
  auto r = server->call("OPTIONS", "/api/compute", "", "", {own, "Access-Control-Request-Method: POST"});
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.header("access-control-allow-origin"), own.substr(8));
  r = server->call("GET", "/api/status", "", "", {"Origin: http://localhost:5173"});
  EXPECT_EQ(r.header("access-control-allow-origin"), "http://localhost:5173");
  r = server->call("GET", "/api/status", "", "", {"Origin: http://attacker.example"});
  EXPECT_EQ(r.header("access-control-allow-origin"), "");
}

// The same options through the API and through the command line give the
// same arrays (the metadata differs only in timestamps and timings).
TEST_F(http_sqlite, a_job_writes_what_the_cli_writes) {
  const json options = json::parse(R"({"grid": 4, "preset": "fast", "points": 30, "metric": "rmse", "keep": 100, "spectra": 20,
      "ref": {"Rsh": 900, "Ca": 2e-6}, "ranges": {"Rb": {"min": 50, "max": 5000, "count": 3}}, "store": true,
      "output": "same.npz", "description": "api vs cli"})");
  auto r = server->call("POST", "/api/compute", data->alice_key, options.dump());
  ASSERT_EQ(r.status, 202) << r.body;
  const auto job = wait_for_job(*server, data->alice_key, json_of(r)["job"]["id"]);
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(job["dataset"]["filename"], "same.npz");
  EXPECT_NE(std::find(names(*server, data->alice_key).begin(), names(*server, data->alice_key).end(), "same.npz"),
            names(*server, data->alice_key).end());
  const auto bob = names(*server, data->bob_key);
  EXPECT_EQ(std::find(bob.begin(), bob.end(), "same.npz"), bob.end());

  test_support::temp_dir cli_root("server_cli");
  const auto cli =
      test_support::run(std::string(EISGRID_CLI_PATH) + " compute -q --grid 4 --preset fast --points 30 --metric rmse --keep 100 " +
                        "--spectra 20 --ref Rsh=900,Ca=2e-6 --range Rb=50:5000:3 --store --output same.npz " +
                        "--description 'api vs cli' --threads 1 --data " + test_support::shell_quote(cli_root.path.string()));
  ASSERT_EQ(cli.exit_code, 0) << cli.output;
  const auto api_file = eisgrid::npz::reader::open(data->root.path / "npz/user_generated/same.npz");
  const auto cli_file = eisgrid::npz::reader::open(cli_root.path / "npz/user_generated/same.npz");
  ASSERT_EQ(api_file.members().size(), cli_file.members().size());
  for (const auto& m : cli_file.members()) {
    ASSERT_TRUE(api_file.contains(m.name)) << m.name;
    const auto a = api_file.read(m.name), b = cli_file.read(m.name);
    if (m.name == "metadata") {
      auto ma = json::parse(eisgrid::npz::unicode_scalar_text(a)), mb = json::parse(eisgrid::npz::unicode_scalar_text(b));
      for (const char* volatile_key : {"export_timestamp", "compute_seconds"}) {
        ma.erase(volatile_key);
        mb.erase(volatile_key);
      }
      EXPECT_EQ(ma, mb);
      EXPECT_EQ(ma["description"], "api vs cli");
    } else {
      EXPECT_EQ(a.header.shape, b.header.shape) << m.name;
      EXPECT_EQ(a.header.type, b.header.type) << m.name;
      EXPECT_TRUE(a.data == b.data) << m.name << " differs";
    }
  }
}

// Polls until the job runs, and returns it.
json wait_until_running(const live_server& s, const std::string& key, const std::string& id) {
  for (int i = 0; i < 1200; ++i) {
    const auto job = json_of(s.call("GET", "/api/jobs/" + id, key))["job"];
    if (job["state"] != "queued") return job;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ADD_FAILURE() << "job " << id << " never started";
  return {};
}

std::string start_job(const live_server& s, const std::string& key, const std::string& body) {
  const auto r = s.call("POST", "/api/compute", key, body);
  EXPECT_EQ(r.status, 202) << r.body;
  return json_of(r)["job"]["id"];
}

TEST(http_jobs, a_restart_forgets_no_job_and_says_which_were_interrupted) {
  test_support::server_data data;
  // Long enough (5e8 points on one thread) to be stopped while it runs.
  const std::string long_job = R"({"grid":55,"preset":"fast","keep":100,"output":"long.npz"})";
  std::string finished, killed, stopped;
  {
    live_server first(data.root.path);
    finished = start_job(first, data.bob_key, R"({"grid":3,"points":10,"output":"before.npz"})");
    EXPECT_EQ(wait_for_job(first, data.bob_key, finished)["state"], "done");
    killed = start_job(first, data.bob_key, long_job);
    EXPECT_EQ(wait_until_running(first, data.bob_key, killed)["state"], "running");
    first.stop(SIGKILL);
  }
  {
    live_server second(data.root.path);
    auto jobs = json_of(second.call("GET", "/api/jobs", data.bob_key))["jobs"];
    ASSERT_EQ(jobs.size(), 2u) << jobs.dump();
    EXPECT_EQ(jobs[0]["id"], killed);  // newest first
    EXPECT_EQ(jobs[0]["state"], "failed");
    EXPECT_NE(jobs[0]["error"].get<std::string>().find("interrupted"), std::string::npos);
    EXPECT_EQ(jobs[0]["output"], "long.npz");
    EXPECT_EQ(jobs[0]["request"], json::parse(long_job));
    EXPECT_EQ(jobs[1]["id"], finished);
    EXPECT_EQ(jobs[1]["state"], "done");
    EXPECT_EQ(jobs[1]["dataset"]["filename"], "before.npz");
    EXPECT_EQ(json_of(second.call("GET", "/api/jobs/" + killed, data.bob_key))["job"]["state"], "failed");
    EXPECT_EQ(json_of(second.call("DELETE", "/api/jobs/" + finished, data.bob_key))["job"]["state"], "done");
    EXPECT_EQ(second.call("GET", "/api/jobs/" + killed, data.alice_key).status, 404);
    EXPECT_TRUE(json_of(second.call("GET", "/api/jobs", data.alice_key))["jobs"].empty());
    EXPECT_FALSE(std::filesystem::exists(data.root.path / "npz/user_generated/long.npz"));
    // A graceful stop records its running job as interrupted, not as cancelled by its owner.
    stopped = start_job(second, data.bob_key, R"({"grid":55,"preset":"fast","keep":100,"output":"long2.npz"})");
    EXPECT_EQ(wait_until_running(second, data.bob_key, stopped)["state"], "running");
  }
  live_server third(data.root.path);
  const auto job = json_of(third.call("GET", "/api/jobs/" + stopped, data.bob_key))["job"];
  EXPECT_EQ(job["state"], "failed");
  EXPECT_NE(job["error"].get<std::string>().find("interrupted"), std::string::npos);
  EXPECT_EQ(json_of(third.call("GET", "/api/jobs", data.bob_key))["jobs"].size(), 3u);
}

TEST(http_serve_command, refuses_bad_options) {
  test_support::temp_dir root("server_opts");
  const std::string cli = std::string(EISGRID_CLI_PATH) + " serve --data " + test_support::shell_quote(root.path.string());
  for (const char* args : {" --cors-origin '*'", " --cors-origin example.org", " --host not-an-address --port 1", " --port 0",
                           " --port 70000", " --web /nonexistent/dir", " --cache-mb 0", " --max-jobs 0", " --bogus"}) {
    const auto r = test_support::run(cli + args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
  }
}

TEST(http_postgresql, every_endpoint_under_row_level_security) {
  test_support::pg_server pg;
  const std::string admin_url = test_support::fresh_database(pg, "eisgrid_http");
  test_support::server_data data(admin_url);
  test_support::add_server_role(admin_url);
  live_server server(data.root.path, pg.url("eisgrid_http", "eisgrid_server"), {}, "http-test-secret");
  check_endpoints(server, data, "postgresql");
  // A JWT subject the catalog has never seen becomes a user under row-level security, with no operator step.
  const auto token = eisgrid::server::sign_jwt(R"({"sub":"7c9e6679-7425-40de-944b-e07fc1f90ae7","exp":4000000000,"aud":"authenticated"})",
                                               "http-test-secret");
  EXPECT_EQ(json_of(server.call("GET", "/api/whoami", token))["user"]["name"], "jwt:7c9e6679-7425-40de-944b-e07fc1f90ae7");
  EXPECT_EQ(names(server, token), std::vector<std::string>{"public.npz"});
  // A subject named like an API-key user is a user of its own, under row-level security too.
  const auto as_alice = eisgrid::server::sign_jwt(R"({"sub":"alice","exp":4000000000,"aud":"authenticated"})", "http-test-secret");
  EXPECT_EQ(json_of(server.call("GET", "/api/whoami", as_alice))["user"]["name"], "jwt:alice");
  EXPECT_EQ(names(server, as_alice), std::vector<std::string>{"public.npz"});
  EXPECT_EQ(server.call("GET", "/api/download/alice.npz", as_alice).status, 404);
  {
    auto cat = eisgrid::catalog::catalog::open("", admin_url);
    (void)cat.revoke_user("jwt:alice");
  }
  EXPECT_EQ(server.call("GET", "/api/whoami", as_alice).status, 401);
  EXPECT_EQ(json_of(server.call("GET", "/api/whoami", data.alice_key))["user"]["name"], "alice");
  const auto r = server.call("POST", "/api/tags", token, R"({"filename":"public.npz","rank":0,"label":"mine"})");
  EXPECT_EQ(r.status, 201) << r.body;
}

}  // namespace
