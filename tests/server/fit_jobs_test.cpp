// Fit jobs over a real `eisgrid serve` (issue 21, item 1): a cancelled fit
// stops inside its sweep, so another user's queued job starts within 3 s;
// SIGTERM stops a server that is fitting within 2 s; and a fit beyond the
// stated limits (points per sweep, grid for a long sweep) is a 413 that says
// which sweep and what would do.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <complex>
#include <fstream>
#include <numbers>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "live_server.hpp"
#include "server_fixture.hpp"

namespace {

using json = nlohmann::json;
using test_support::client_socket;
using test_support::http_reply;
using test_support::live_server;
using clock_type = std::chrono::steady_clock;
namespace fs = std::filesystem;

double seconds_since(clock_type::time_point start) { return std::chrono::duration<double>(clock_type::now() - start).count(); }

// `sweeps` sweeps of `points` log-spaced points from 0.1 Hz to 100 kHz of an
// epithelium-like circuit (Rs 50 ohm, TER 1000 ohm, C 1 uF), as a CSV with a
// header line before each sweep.
std::string rc_csv(std::size_t sweeps, std::size_t points) {
  std::ostringstream out;
  out.precision(12);
  for (std::size_t s = 0; s < sweeps; ++s) {
    out << "f,re,im\n";
    for (std::size_t i = 0; i < points; ++i) {
      const double f = 0.1 * std::pow(1e6, static_cast<double>(i) / static_cast<double>(points - 1));
      const std::complex<double> jw(0, 2 * std::numbers::pi * f);
      const auto z = 50.0 + 1000.0 / (1.0 + jw * 1000.0 * 1e-6);
      out << f << ',' << z.real() << ',' << z.imag() << '\n';
    }
  }
  return out.str();
}

http_reply upload(const live_server& s, const std::string& key, const std::string& name, const std::string& bytes) {
  client_socket sock(s.port());
  sock.send_all("POST /api/measurements?name=" + name + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer " +
                key + "\r\nContent-Type: text/csv\r\nContent-Length: " + std::to_string(bytes.size()) + "\r\n\r\n" + bytes);
  return test_support::read_reply(sock);
}

std::string measurement_id(const http_reply& r) {
  EXPECT_EQ(r.status, 201) << r.body;
  return std::to_string(json::parse(r.body)["measurement"]["id"].get<std::int64_t>());
}

// Posts a fit; returns the job id.
std::string start_fit(const live_server& s, const std::string& key, const std::string& id, int grid) {
  const auto r = s.call("POST", "/api/fit", key, "{\"measurement\":" + id + ",\"grid\":" + std::to_string(grid) + "}");
  EXPECT_EQ(r.status, 202) << r.body;
  return r.status == 202 ? json::parse(r.body)["job"]["id"].get<std::string>() : std::string();
}

std::string state_of(const live_server& s, const std::string& key, const std::string& job) {
  return json::parse(s.call("GET", "/api/jobs/" + job, key).body)["job"]["state"].get<std::string>();
}

// Waits up to `seconds` for the job to leave `state`; returns the new state.
std::string wait_while(const live_server& s, const std::string& key, const std::string& job, const std::string& state, double seconds) {
  const auto start = clock_type::now();
  std::string now = state_of(s, key, job);
  while (now == state && seconds_since(start) < seconds) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    now = state_of(s, key, job);
  }
  return now;
}

// 1500 points at grid 12: just inside the limit of 2e9 model evaluations per
// sweep's grid, a few seconds each with the refinement; twenty of them keep a
// job running.
constexpr std::size_t k_long_points = 1500;
constexpr std::size_t k_long_sweeps = 20;
constexpr int k_grid = 12;

TEST(server_fit_jobs, a_cancelled_fit_lets_the_next_users_job_start_within_3_s) {
  test_support::server_data data;
  live_server s(data.root.path, "", {"--max-jobs", "1"});
  const auto long_id = measurement_id(upload(s, data.alice_key, "long.csv", rc_csv(k_long_sweeps, k_long_points)));
  const auto short_id = measurement_id(upload(s, data.bob_key, "short.csv", rc_csv(1, 50)));

  const auto alices = start_fit(s, data.alice_key, long_id, k_grid);
  ASSERT_EQ(wait_while(s, data.alice_key, alices, "queued", 10), "running");
  const auto bobs = start_fit(s, data.bob_key, short_id, 6);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // inside a sweep's grid
  ASSERT_EQ(state_of(s, data.bob_key, bobs), "queued");
  ASSERT_EQ(state_of(s, data.alice_key, alices), "running");

  const auto cancelled_at = clock_type::now();
  ASSERT_EQ(s.call("DELETE", "/api/jobs/" + alices, data.alice_key).status, 200);
  EXPECT_NE(wait_while(s, data.bob_key, bobs, "queued", 3), "queued") << "bob's job still queued 3 s after the cancel";
  EXPECT_LT(seconds_since(cancelled_at), 3.0);
  EXPECT_EQ(wait_while(s, data.alice_key, alices, "running", 3), "cancelled");
  EXPECT_EQ(wait_while(s, data.bob_key, bobs, "running", 30), "done");
}

TEST(server_fit_jobs, sigterm_stops_a_fitting_server_within_2_s) {
  test_support::server_data data;
  live_server s(data.root.path);
  const auto id = measurement_id(upload(s, data.alice_key, "long.csv", rc_csv(k_long_sweeps, k_long_points)));
  const auto job = start_fit(s, data.alice_key, id, k_grid);
  ASSERT_EQ(wait_while(s, data.alice_key, job, "queued", 10), "running");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto start = clock_type::now();
  s.stop(SIGTERM);  // SIGKILL after 5 s
  EXPECT_LT(seconds_since(start), 2.0);
}

TEST(server_fit_jobs, fits_beyond_the_stated_limits_are_413_naming_the_sweep) {
  test_support::server_data data;
  live_server s(data.root.path);
  // Over the points per sweep, whatever the grid.
  const auto huge = measurement_id(upload(s, data.alice_key, "huge.csv", rc_csv(1, 2001)));
  auto r = s.call("POST", "/api/fit", data.alice_key, "{\"measurement\":" + huge + ",\"grid\":2}");
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_NE(r.body.find("sweep 0 has 2001 points; a fit over the API takes at most 2000 points per sweep"), std::string::npos) << r.body;
  // Long for grid 12, not for grid 11 (161051 cells x 5 Rs values x 1700 points < 2e9).
  const auto longer = measurement_id(upload(s, data.alice_key, "longer.csv", rc_csv(2, 1700)));
  r = s.call("POST", "/api/fit", data.alice_key, "{\"measurement\":" + longer + ",\"grid\":12}");
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_NE(r.body.find("sweep 0 has 1700 points: fit it with a grid of at most 11"), std::string::npos) << r.body;
  r = s.call("POST", "/api/experiments", data.alice_key, R"({"name": "plate"})");
  const auto plate = std::to_string(json::parse(r.body)["experiment"]["id"].get<std::int64_t>());
  EXPECT_EQ(s.call("PATCH", "/api/measurements/" + longer, data.alice_key, "{\"experiment\":" + plate + "}").status, 200);
  r = s.call("POST", "/api/fit", data.alice_key, "{\"experiment\":" + plate + ",\"grid\":12}");
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_EQ(s.call("POST", "/api/fit", data.alice_key, "{\"measurement\":" + longer + ",\"grid\":11}").status, 202);
}

}  // namespace
