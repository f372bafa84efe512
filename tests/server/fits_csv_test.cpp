// The API's fits CSV over a real `eisgrid serve` (issue 21, item 3): a
// measurement named as a spreadsheet formula is a text cell, not a formula.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "live_server.hpp"
#include "server_fixture.hpp"

namespace {

using json = nlohmann::json;
using test_support::client_socket;
using test_support::live_server;
namespace fs = std::filesystem;

TEST(server_fits_csv, a_file_named_as_a_formula_is_a_text_cell) {
  test_support::server_data data;
  live_server s(data.root.path);
  std::ifstream in(fs::path(EISGRID_FIXTURES_DIR) / "measured" / "nova" / "RPEmedia_TW1-1_d1_chamber1_channel1_5freq5sine_freq",
                   std::ios::binary);
  const std::string nova{std::istreambuf_iterator<char>(in), {}};
  client_socket sock(s.port());
  sock.send_all("POST /api/measurements?name=%2BSUM(1%2B1) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer " +
                data.alice_key + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + std::to_string(nova.size()) +
                "\r\n\r\n" + nova);
  auto r = test_support::read_reply(sock);
  ASSERT_EQ(r.status, 201) << r.body;
  const auto id = std::to_string(json::parse(r.body)["measurement"]["id"].get<std::int64_t>());
  EXPECT_EQ(json::parse(r.body)["measurement"]["file_name"], "+SUM(1+1)");

  r = s.call("POST", "/api/fit", data.alice_key, "{\"measurement\":" + id + "}");
  ASSERT_EQ(r.status, 202) << r.body;
  const auto job = json::parse(r.body)["job"]["id"].get<std::string>();
  ASSERT_EQ(test_support::wait_for_job(s, data.alice_key, job)["state"], "done");

  r = s.call("GET", "/api/measurements/" + id + "/fits?format=csv", data.alice_key);
  ASSERT_EQ(r.status, 200) << r.body;
  std::istringstream csv(r.body);
  std::string line;
  std::getline(csv, line);
  int rows = 0;
  while (std::getline(csv, line)) {
    ++rows;
    EXPECT_EQ(line.rfind("\"'+SUM(1+1)\",", 0), 0u) << line;
  }
  EXPECT_EQ(rows, 3);
}

}  // namespace
