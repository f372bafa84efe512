// Measurements, experiments and fits over a real `eisgrid serve`, on SQLite
// and on PostgreSQL: uploads of the NOVA files (tests/data) read back and fitted as
// jobs against expected_fits.json, an experiment's CSV, a flagged file,
// hostile uploads that leave nothing behind, .npy arrays read by numpy, and
// who may see what between two users.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "catalog/pg_connection.hpp"
#include "catalog/pg_server.hpp"
#include "live_server.hpp"
#include "server_fixture.hpp"

namespace {

using json = nlohmann::json;
using test_support::client_socket;
using test_support::http_reply;
using test_support::live_server;
using test_support::read_file;
using test_support::wait_for_job;
namespace fs = std::filesystem;

const fs::path k_nova = fs::path(EISGRID_FIXTURES_DIR) / "measured" / "nova";
constexpr const char* k_rpe = "RPEmedia_TW1-1_d1_chamber1_channel1_5freq5sine_freq";
constexpr double k_rpe_area_cm2 = 1.12;

json json_of(const http_reply& r) {
  auto j = json::parse(r.body, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.status << " " << r.body;
  return j;
}

// A request with a body of any type, on a fresh connection.
http_reply send(const live_server& s, const std::string& method, const std::string& target, const std::string& key, const std::string& body,
                const std::string& type) {
  client_socket sock(s.port());
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!key.empty()) req += "Authorization: Bearer " + key + "\r\n";
  req += "Content-Type: " + type + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  sock.send_all(req + body);
  return test_support::read_reply(sock);
}

http_reply upload(const live_server& s, const std::string& key, const std::string& name, const std::string& bytes,
                  const std::string& query = "") {
  return send(s, "POST", "/api/measurements?name=" + name + query, key, bytes, "application/octet-stream");
}

double expected_ter(const std::string& file, int sweep) {
  const auto expected = json::parse(read_file(k_nova / "expected_fits.json"));
  for (const auto& e : expected["good"]) {
    if (e["file"] == file && e.value("sweep", 0) == sweep) return e["TER"];
  }
  ADD_FAILURE() << "no expected fit for " << file << " sweep " << sweep;
  return 0;
}

// Regular files under the data root's measured/ directory.
std::size_t stored_files(const fs::path& root) {
  std::size_t n = 0;
  if (!fs::exists(root / "measured")) return 0;
  for (const auto& e : fs::recursive_directory_iterator(root / "measured")) n += e.is_regular_file() ? 1 : 0;
  return n;
}

std::size_t count(const live_server& s, const std::string& key) {
  return json_of(s.call("GET", "/api/measurements", key))["measurements"].size();
}

// Rows of the measurements table of every user, counted in the database itself.
std::int64_t measurement_rows(const test_support::server_data& d) {
  auto cat = eisgrid::catalog::catalog::open(d.root.path, d.db);
  return cat.db().query("SELECT count(*) FROM measurements").rows.at(0).get_int(0);
}

// The most resident memory the process has used so far (VmHWM), in bytes.
std::size_t peak_memory(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  }
  ADD_FAILURE() << "no VmHWM for process " << pid;
  return 0;
}

// A zip whose one member inflates to 1 GiB of zeros from about 1 MiB: a bomb
// to any reader that inflates it. Written by Python's zlib in streamed blocks,
// once for the program's tests (3 s of processor time each time).
const std::string& deflate_bomb() {
  static const std::string bytes = [] {
    test_support::temp_dir dir("bomb");
    const auto path = dir.path / "bomb.zip";
    const auto py = test_support::python(R"PY(
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    with z.open('spectrum.txt', 'w', force_zip64=True) as m:
        zero = bytes(1 << 24)
        for _ in range(64): m.write(zero)
)PY",
                                         test_support::shell_quote(path.string()));
    EXPECT_EQ(py.exit_code, 0) << py.output;
    return read_file(path);
  }();
  return bytes;
}

// Each hostile upload is a clear 4xx and leaves no file and no row.
void check_hostile_uploads(const live_server& s, const test_support::server_data& d) {
  const auto files_before = stored_files(d.root.path);
  const auto rows_before = count(s, d.alice_key);
  const auto table_rows_before = measurement_rows(d);
  const std::string nova = read_file(k_nova / k_rpe);
  std::string junk(4096, '\0');
  for (std::size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<char>((i * 7919 + 13) % 256);
  const std::string& zip_bomb = deflate_bomb();
  ASSERT_LT(zip_bomb.size(), std::size_t{2} << 20);
  std::string fuzzed = nova;
  for (std::size_t i = 300; i < fuzzed.size(); i += 97) fuzzed[i] = static_cast<char>(fuzzed[i] ^ 0x5a);
  struct hostile {
    const char* what;
    std::string name, bytes;
  };
  {
    // The bomb is refused as what it is, not inflated: the server's peak
    // memory grows by far less than the 1 GiB inside.
    const auto peak_before = peak_memory(s.pid());
    const auto r = upload(s, d.alice_key, "bomb.zip", zip_bomb);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(json_of(r).value("message", "").find("'bomb.zip': binary content"), std::string::npos) << r.body;
    EXPECT_LT(peak_memory(s.pid()), peak_before + (std::size_t{128} << 20));
  }
  for (const auto& h : std::vector<hostile>{{"binary junk", "junk.txt", junk},
                                            {"dot-dot name", "..%2Fescape.txt", nova},
                                            {"slash name", "a%2Fb.txt", nova},
                                            {"fuzzed NOVA", "fuzzed.txt", fuzzed},
                                            {"empty", "empty.txt", ""}}) {
    const auto r = upload(s, d.alice_key, h.name, h.bytes);
    EXPECT_GE(r.status, 400) << h.what << ": " << r.body;
    EXPECT_LT(r.status, 500) << h.what << ": " << r.body;
    EXPECT_EQ(json_of(r)["status"], "error") << h.what;
    EXPECT_FALSE(json_of(r).value("message", "").empty()) << h.what;
  }
  {
    // 100 MB announced: refused from its header, before the body is read.
    client_socket sock(s.port());
    sock.send_all("POST /api/measurements?name=big.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + d.alice_key +
                  "\r\nContent-Type: text/plain\r\nContent-Length: 100000000\r\n\r\n");
    const auto r = test_support::read_reply(sock);
    EXPECT_EQ(r.status, 413) << r.body;
    EXPECT_NE(r.body.find("16 MiB"), std::string::npos) << r.body;
  }
  {
    // Over the limit by a little, really sent: the same 413.
    const auto r = upload(s, d.alice_key, "big.txt", std::string((16 << 20) + 1, '1'));
    EXPECT_EQ(r.status, 413) << r.body;
    EXPECT_NE(r.body.find("16 MiB"), std::string::npos) << r.body;
  }
  {
    // The ordinary body limit holds for every other route.
    const auto r = send(s, "POST", "/api/experiments", d.alice_key, std::string(65 * 1024, ' '), "application/json");
    EXPECT_EQ(r.status, 413) << r.body;
  }
  EXPECT_EQ(upload(s, "", "anonymous.txt", nova).status, 401);
  EXPECT_EQ(stored_files(d.root.path), files_before);
  EXPECT_EQ(count(s, d.alice_key), rows_before);
  EXPECT_EQ(measurement_rows(d), table_rows_before);
  fs::path temp = d.root.path / "npz" / "temp";
  std::size_t parts = 0;
  if (fs::exists(temp)) {
    for (const auto& e : fs::directory_iterator(temp)) parts += e.path().extension() == ".part" ? 1 : 0;
  }
  EXPECT_EQ(parts, 0u);
}

void check_measurements(const live_server& s, const test_support::server_data& d) {
  const std::string rpe = read_file(k_nova / k_rpe);
  // Upload, raw body; the same content again is a conflict naming the first.
  auto r = upload(s, d.alice_key, k_rpe, rpe);
  ASSERT_EQ(r.status, 201) << r.body;
  const auto m = json_of(r)["measurement"];
  const auto id = std::to_string(m["id"].get<std::int64_t>());
  EXPECT_EQ(m["format"], "nova");
  EXPECT_EQ(m["n_sweeps"], 3);
  EXPECT_EQ(m["n_points"], 3 * 66);
  r = upload(s, d.alice_key, "again.txt", rpe);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(json_of(r)["message"].get<std::string>().find("measurement " + id), std::string::npos);
  EXPECT_EQ(stored_files(d.root.path), 1u);

  // Read back: three sweeps of 66 points.
  r = s.call("GET", "/api/measurements/" + id, d.alice_key);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto sweeps = json_of(r)["measurement"]["sweeps"];
  ASSERT_EQ(sweeps.size(), 3u);
  for (const auto& sw : sweeps) {
    EXPECT_EQ(sw["frequencies"].size(), 66u);
    EXPECT_EQ(sw["real"].size(), 66u);
    EXPECT_EQ(sw["imag"].size(), 66u);
  }

  // The user fields; the area gives per-area results.
  r = s.call("PATCH", "/api/measurements/" + id, d.alice_key, R"({"sample":"TW1-1","day":1,"area_cm2":1.12,"notes":"RPE"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_of(r)["measurement"]["sample"], "TW1-1");
  EXPECT_DOUBLE_EQ(json_of(r)["measurement"]["area_cm2"].get<double>(), k_rpe_area_cm2);
  EXPECT_EQ(s.call("PATCH", "/api/measurements/" + id, d.alice_key, R"({"area_cm2":-1})").status, 400);
  EXPECT_EQ(s.call("PATCH", "/api/measurements/" + id, d.alice_key, R"({"colour":"red"})").status, 400);

  // Fit as a job; TER within 1% of expected_fits.json, and per area.
  r = s.call("POST", "/api/fit", d.alice_key, "{\"measurement\":" + id + "}");
  ASSERT_EQ(r.status, 202) << r.body;
  const auto job = wait_for_job(s, d.alice_key, json_of(r)["job"]["id"]);
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(job["total"], 3);
  EXPECT_DOUBLE_EQ(job["progress"].get<double>(), 1.0);
  r = s.call("GET", "/api/measurements/" + id + "/fits", d.alice_key);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto fits = json_of(r)["fits"];
  ASSERT_EQ(fits.size(), 3u);
  for (int k = 0; k < 3; ++k) {
    const double ter = fits[k]["ter"];
    EXPECT_EQ(fits[k]["sweep"], k);
    EXPECT_NEAR(ter, expected_ter(k_rpe, k), 1e-3 * expected_ter(k_rpe, k)) << "sweep " << k;
    EXPECT_NEAR(fits[k]["ter_ohm_cm2"].get<double>(), ter * k_rpe_area_cm2, 1e-6 * ter);
    EXPECT_NE(fits[k]["status"], "invalid_data");
  }

  // Arrays as .npy, read by numpy.
  r = s.call("GET", "/api/measurements/" + id + "?format=npy", d.alice_key);
  ASSERT_EQ(r.status, 200);
  const auto npy = d.root.path / "measurement.npy";
  std::ofstream(npy, std::ios::binary) << r.body;
  const auto py =
      test_support::python("import numpy, sys\na = numpy.load(sys.argv[1])\nprint(a.shape, a.dtype, int(a[:, 0].max()), a[0, 1] > 0)",
                           test_support::shell_quote(npy.string()));
  EXPECT_EQ(py.exit_code, 0) << py.output;
  EXPECT_NE(py.output.find("(198, 4) float64 2 True"), std::string::npos) << py.output;
  fs::remove(npy);

  r = s.call("GET", "/api/best-results/public.npz?n=5&format=npy");
  ASSERT_EQ(r.status, 200) << r.body;
  std::ofstream(npy, std::ios::binary) << r.body;
  auto listed = test_support::python(
      "import numpy, sys\na = numpy.load(sys.argv[1])\nprint(a.shape, a.dtype, bool((numpy.diff(a[:, 5]) >= 0).all()))",
      test_support::shell_quote(npy.string()));
  EXPECT_NE(listed.output.find("(5, 6) float64 True"), std::string::npos) << listed.output;
  r = send(s, "POST", "/api/spectrum/public.npz?format=npy", "", R"({"indices":[0,1]})", "application/json");
  ASSERT_EQ(r.status, 200) << r.body;
  std::ofstream(npy, std::ios::binary | std::ios::trunc) << r.body;
  listed = test_support::python("import numpy, sys\na = numpy.load(sys.argv[1])\nprint(a.shape, a.dtype)",
                                test_support::shell_quote(npy.string()));
  EXPECT_NE(listed.output.find("(2, 20, 4) float64"), std::string::npos) << listed.output;
  fs::remove(npy);
  EXPECT_EQ(s.call("GET", "/api/best-results/public.npz?format=xml").status, 400);

  // A stored sweep as the reference of a compute, for its owner only.
  r = s.call("POST", "/api/compute", d.alice_key,
             "{\"grid\":2,\"keep\":10,\"output\":\"alice_ref.npz\",\"reference\":{\"measurement\":" + id + ",\"sweep\":1}}");
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(wait_for_job(s, d.alice_key, json_of(r)["job"]["id"])["state"], "done");
  r = s.call("POST", "/api/load/alice_ref.npz", d.alice_key);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_of(r)["dataset_info"]["n_frequencies"], 66);
  // Its rows swept Rs too (issue 18, item 11): best-results gives each row's Rs, as the file holds it.
  r = s.call("GET", "/api/best-results/alice_ref.npz?n=4", d.alice_key);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto series = json_of(r)["data"]["series_resistance"];
  ASSERT_EQ(series.size(), 4u) << r.body;
  r = s.call("GET", "/api/download/alice_ref.npz", d.alice_key);
  ASSERT_EQ(r.status, 200);
  const auto ref_file = d.root.path / "alice_ref_copy.npz";
  std::ofstream(ref_file, std::ios::binary) << r.body;
  const auto rs =
      test_support::python("import numpy, sys\nprint(' '.join(repr(float(v)) for v in numpy.load(sys.argv[1])['series_resistance'][:4]))",
                           test_support::shell_quote(ref_file.string()));
  fs::remove(ref_file);
  ASSERT_EQ(rs.exit_code, 0) << rs.output;
  std::istringstream rs_values(rs.output);
  for (const auto& v : series) {
    double expected = 0;
    rs_values >> expected;
    EXPECT_GT(v.get<double>(), 0);
    EXPECT_FLOAT_EQ(v.get<float>(), static_cast<float>(expected));
  }
  EXPECT_TRUE(json_of(s.call("GET", "/api/best-results/public.npz?n=2"))["data"]["series_resistance"].is_null());
  EXPECT_EQ(s.call("POST", "/api/compute", d.bob_key, "{\"grid\":2,\"reference\":{\"measurement\":" + id + "}}").status, 404);
  EXPECT_EQ(s.call("POST", "/api/compute", d.alice_key, "{\"grid\":2,\"reference\":{\"measurement\":" + id + ",\"sweep\":3}}").status, 400);

  // Another user sees and changes none of it.
  EXPECT_EQ(count(s, d.bob_key), 0u);
  EXPECT_EQ(s.call("GET", "/api/measurements/" + id, d.bob_key).status, 404);
  EXPECT_EQ(s.call("GET", "/api/measurements/" + id + "/fits", d.bob_key).status, 404);
  EXPECT_EQ(s.call("GET", "/api/measurements/" + id + "?format=npy", d.bob_key).status, 404);
  EXPECT_EQ(s.call("PATCH", "/api/measurements/" + id, d.bob_key, R"({"notes":"mine"})").status, 404);
  EXPECT_EQ(s.call("DELETE", "/api/measurements/" + id, d.bob_key).status, 404);
  EXPECT_EQ(s.call("POST", "/api/fit", d.bob_key, "{\"measurement\":" + id + "}").status, 404);
  EXPECT_EQ(s.call("GET", "/api/measurements/" + id).status, 404);  // anonymous: as if it did not exist (docs/API.md)
  // Bob may upload the same file: his own copy, his own row.
  r = upload(s, d.bob_key, k_rpe, rpe);
  EXPECT_EQ(r.status, 201) << r.body;
  const auto bobs = std::to_string(json_of(r)["measurement"]["id"].get<std::int64_t>());
  EXPECT_EQ(stored_files(d.root.path), 2u);

  // An experiment of the four 16HBE inserts, fitted together, as CSV.
  r = s.call("POST", "/api/experiments", d.alice_key, R"({"name":"16HBE day 3","description":"plate 1"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto exp = std::to_string(json_of(r)["experiment"]["id"].get<std::int64_t>());
  EXPECT_EQ(s.call("POST", "/api/experiments", d.alice_key, R"({"name":"16HBE day 3"})").status, 409);
  for (const char* tw : {"TW01", "TW02", "TW03", "TW04"}) {
    const std::string name = std::string("16HBE_") + tw + "_d3_endohm1_freq";
    r = upload(s, d.alice_key, name, read_file(k_nova / name), "&experiment=" + exp);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(json_of(r)["measurement"]["experiment"].dump(), exp);
  }
  EXPECT_EQ(json_of(s.call("GET", "/api/measurements?experiment=" + exp, d.alice_key))["measurements"].size(), 4u);
  EXPECT_EQ(json_of(s.call("GET", "/api/experiments/" + exp, d.alice_key))["experiment"]["n_measurements"], 4);
  EXPECT_EQ(s.call("GET", "/api/experiments/" + exp, d.bob_key).status, 404);
  EXPECT_EQ(s.call("POST", "/api/fit", d.bob_key, "{\"experiment\":" + exp + "}").status, 404);
  EXPECT_EQ(upload(s, d.bob_key, "x.txt", read_file(k_nova / "16HBE_TW01_d3_endohm1_freq"), "&experiment=" + exp).status, 404);
  EXPECT_EQ(s.call("PATCH", "/api/measurements/" + bobs, d.bob_key, "{\"experiment\":" + exp + "}").status, 404);
  r = s.call("POST", "/api/fit", d.alice_key, "{\"experiment\":" + exp + ",\"area\":1.12}");
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(wait_for_job(s, d.alice_key, json_of(r)["job"]["id"])["state"], "done");
  r = s.call("GET", "/api/experiments/" + exp + "/fits?format=csv", d.alice_key);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type").rfind("text/csv", 0), 0u);
  std::vector<std::string> lines;
  std::istringstream csv(r.body);
  for (std::string line; std::getline(csv, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 5u) << r.body;
  EXPECT_EQ(lines[0].rfind("file,sweep,start_time,status,reasons,metric,resnorm,grid_resnorm,Rs_ohm,Rs_se,TER_ohm,", 0), 0u);
  EXPECT_NE(lines[0].find(",area_cm2,TER_ohm_cm2,"), std::string::npos);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string tw = lines[i].substr(7, 4);  // "16HBE_TW0n..."
    EXPECT_EQ(lines[i].rfind("\"16HBE_TW0", 0), 0u) << lines[i];
    std::vector<std::string> cells;
    std::istringstream row(lines[i]);
    for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
    ASSERT_GE(cells.size(), 11u);
    const double ter = std::stod(cells[10]);
    const double expected = expected_ter("16HBE_" + tw + "_d3_endohm1_freq", 0);
    EXPECT_NEAR(ter, expected, 1e-3 * expected) << lines[i];
  }
  EXPECT_EQ(s.call("GET", "/api/experiments/" + exp + "/fits?format=csv", d.bob_key).status, 404);
  EXPECT_EQ(json_of(s.call("GET", "/api/experiments/" + exp + "/fits", d.alice_key))["fits"].size(), 4u);

  // The disconnected electrode: uploaded with warnings, fitted as invalid_data.
  r = upload(s, d.alice_key, "16HBEmedia_disconnect_freq.txt", read_file(k_nova / "16HBEmedia_disconnect_freq.txt"));
  ASSERT_EQ(r.status, 201) << r.body;
  const auto bad = json_of(r)["measurement"];
  EXPECT_FALSE(bad["warnings"].empty()) << bad.dump();
  const auto bad_id = std::to_string(bad["id"].get<std::int64_t>());
  r = s.call("POST", "/api/fit", d.alice_key, "{\"measurement\":" + bad_id + "}");
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(wait_for_job(s, d.alice_key, json_of(r)["job"]["id"])["state"], "done");
  const auto bad_fits = json_of(s.call("GET", "/api/measurements/" + bad_id + "/fits", d.alice_key))["fits"];
  ASSERT_EQ(bad_fits.size(), 1u);
  EXPECT_EQ(bad_fits[0]["status"], "invalid_data") << bad_fits.dump();
  EXPECT_FALSE(bad_fits[0]["reasons"].empty());

  // Multipart, as a browser form sends it.
  const std::string boundary = "----eisgridtest";
  const std::string form =
      "--" + boundary +
      "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"16HBEmedia_8TWclean_d1_chamber1_channel1_freq\"\r\n"
      "Content-Type: application/octet-stream\r\n\r\n" +
      read_file(k_nova / "16HBEmedia_8TWclean_d1_chamber1_channel1_freq") + "\r\n--" + boundary + "--\r\n";
  r = send(s, "POST", "/api/measurements", d.alice_key, form, "multipart/form-data; boundary=" + boundary);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(json_of(r)["measurement"]["file_name"], "16HBEmedia_8TWclean_d1_chamber1_channel1_freq");
  EXPECT_EQ(json_of(r)["measurement"]["n_sweeps"], 3);

  check_hostile_uploads(s, d);

  // Deleting the experiment keeps its measurements; deleting a measurement removes its file.
  EXPECT_EQ(s.call("DELETE", "/api/experiments/" + exp, d.bob_key).status, 404);
  EXPECT_EQ(s.call("DELETE", "/api/experiments/" + exp, d.alice_key).status, 200);
  EXPECT_EQ(count(s, d.alice_key), 7u);
  const auto files = stored_files(d.root.path);
  EXPECT_EQ(s.call("DELETE", "/api/measurements/" + id, d.alice_key).status, 200);
  EXPECT_EQ(s.call("GET", "/api/measurements/" + id, d.alice_key).status, 404);
  EXPECT_EQ(stored_files(d.root.path), files - 1);
  EXPECT_EQ(s.call("GET", "/api/measurements/" + bobs, d.bob_key).status, 200);  // bob's copy stays
}

// Issue 22: the models as data (GET /api/models) and a fit of every model
// over the API, row for row what `eisgrid fit --model all --json` gives for
// the same file (the same code fits both), stored one row per sweep and model.
void check_models(const live_server& s, const test_support::server_data& d) {
  auto r = s.call("GET", "/api/models");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto models = json_of(r)["models"];
  std::map<std::string, std::vector<std::string>> names;
  for (const auto& m : models) {
    EXPECT_FALSE(m["formula"].get<std::string>().empty());
    for (const auto& p : m["parameters"]) names[m["name"]].push_back(p["name"]);
  }
  ASSERT_EQ(names.size(), 3u) << r.body;
  EXPECT_EQ(models[0]["name"], "rc");
  EXPECT_EQ(names["rc"], (std::vector<std::string>{"Rs", "Rsh", "Ra", "Ca", "Rb", "Cb"}));
  EXPECT_EQ(names["cpe"], (std::vector<std::string>{"Rs", "Rsh", "Ra", "Qa", "alpha_a", "Rb", "Qb", "alpha_b"}));
  EXPECT_EQ(models[0]["parameters"][3]["unit"], "farad");
  EXPECT_EQ(models[1]["parameters"][4]["axis"], "linear");

  const std::string file = "RPMI_TW01_d4_endohm1_freq";
  r = upload(s, d.alice_key, file, read_file(k_nova / file));
  ASSERT_EQ(r.status, 201) << r.body;
  const auto id = std::to_string(json_of(r)["measurement"]["id"].get<std::int64_t>());
  const auto n_sweeps = json_of(r)["measurement"]["n_sweeps"].get<std::size_t>();
  for (const char* models_field : {R"(["rc","rq"])", R"("all")", "[]", R"(["rc,cpe"])", "[1]"}) {
    r = s.call("POST", "/api/fit", d.alice_key, "{\"measurement\":" + id + ",\"models\":" + models_field + "}");
    EXPECT_EQ(r.status, 400) << models_field << " " << r.body;
    EXPECT_NE(r.body.find("rc, cpe, rc_electrode"), std::string::npos) << r.body;
  }
  r = s.call("POST", "/api/fit", d.alice_key, "{\"measurement\":" + id + ",\"models\":[\"all\"]}");
  ASSERT_EQ(r.status, 202) << r.body;
  ASSERT_EQ(wait_for_job(s, d.alice_key, json_of(r)["job"]["id"])["state"], "done");
  r = s.call("GET", "/api/measurements/" + id + "/fits", d.alice_key);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto fits = json_of(r)["fits"];

  const auto cli_file = d.root.path / "cli_models.json";
  const auto cli = test_support::run("(" + test_support::shell_quote(EISGRID_CLI_PATH) + " fit --model all --json " +
                                     test_support::shell_quote((k_nova / file).string()) + " > " +
                                     test_support::shell_quote(cli_file.string()) + " 2>/dev/null)");
  ASSERT_EQ(cli.exit_code, 0) << cli.output;
  const auto expected = json::parse(read_file(cli_file))["results"];
  fs::remove(cli_file);
  ASSERT_EQ(fits.size(), 3 * n_sweeps) << r.body;
  ASSERT_EQ(expected.size(), fits.size());
  const auto near = [](const json& a, const json& b, const std::string& what) {
    if (a.is_null() || b.is_null()) {
      EXPECT_EQ(a.is_null(), b.is_null()) << what << ": " << a << " vs " << b;
      return;
    }
    EXPECT_NEAR(a.get<double>(), b.get<double>(), 1e-9 * std::abs(b.get<double>())) << what;
  };
  std::map<std::int64_t, int> best_of_sweep;
  for (std::size_t k = 0; k < fits.size(); ++k) {
    const auto& f = fits[k];
    const auto& e = expected[k];
    const std::string where = "row " + std::to_string(k) + " (" + e["model"].get<std::string>() + ")";
    EXPECT_EQ(f["sweep"], e["sweep"]) << where;
    EXPECT_EQ(f["model"], e["model"]) << where;
    EXPECT_EQ(f["status"], e["status"]) << where;
    EXPECT_EQ(f["reasons"], e["reasons"]) << where;
    EXPECT_EQ(f["best_model"], e["best_model"]) << where;
    EXPECT_EQ(f["at_edge"], e["at_edge"]) << where;
    for (const char* key : {"ter", "tec", "resnorm", "aic", "bic", "decisive_frequency"}) near(f[key], e[key], where + " " + key);
    std::vector<std::string> keys;
    for (const auto& [name, value] : f["params"].items()) keys.push_back(name);
    std::vector<std::string> wanted = names[f["model"]];
    std::sort(keys.begin(), keys.end());
    std::sort(wanted.begin(), wanted.end());
    EXPECT_EQ(keys, wanted) << where;
    for (const auto& [name, value] : e["params"].items()) near(f["params"][name], value, where + " " + name);
    for (const auto& [name, value] : e["stderr"].items()) near(f["stderr"][name], value, where + " stderr " + name);
    if (f["best_model"] == true) ++best_of_sweep[f["sweep"].get<std::int64_t>()];
  }
  EXPECT_EQ(best_of_sweep.size(), n_sweeps);
  for (const auto& [sweep, n] : best_of_sweep) EXPECT_EQ(n, 1) << "sweep " << sweep;

  // One model's fits, as JSON and as CSV with that model's own columns.
  r = s.call("GET", "/api/measurements/" + id + "/fits?model=cpe", d.alice_key);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto cpe_fits = json_of(r);
  ASSERT_EQ(cpe_fits["fits"].size(), n_sweeps);
  for (const auto& f : cpe_fits["fits"]) EXPECT_EQ(f["model"], "cpe");
  EXPECT_EQ(s.call("GET", "/api/measurements/" + id + "/fits?model=rq", d.alice_key).status, 400);
  r = s.call("GET", "/api/measurements/" + id + "/fits?format=csv", d.alice_key);
  ASSERT_EQ(r.status, 200) << r.body;
  std::istringstream csv(r.body);
  std::string header;
  std::getline(csv, header);
  EXPECT_NE(header.find(",at_edge,model,aic,bic,best_model,decisive_frequency_hz,Qa,alpha_a,Qb,alpha_b,Qel,alpha_el"), std::string::npos)
      << header;
  std::size_t lines = 0;
  for (std::string line; std::getline(csv, line);) ++lines;
  EXPECT_EQ(lines, fits.size());
  r = s.call("GET", "/api/measurements/" + id + "/fits?format=csv&model=rc", d.alice_key);
  EXPECT_EQ(r.body.find(",Qa"), std::string::npos) << r.body;

  // A fit with rc alone replaces every model's fit of the sweeps.
  r = s.call("POST", "/api/fit", d.alice_key, "{\"measurement\":" + id + "}");
  ASSERT_EQ(r.status, 202) << r.body;
  ASSERT_EQ(wait_for_job(s, d.alice_key, json_of(r)["job"]["id"])["state"], "done");
  const auto rc_only = json_of(s.call("GET", "/api/measurements/" + id + "/fits", d.alice_key))["fits"];
  ASSERT_EQ(rc_only.size(), n_sweeps);
  EXPECT_EQ(rc_only[0]["model"], "rc");
  EXPECT_EQ(rc_only[0]["best_model"], true);
  EXPECT_NEAR(rc_only[0]["ter"].get<double>(), fits[0]["ter"].get<double>(), 1e-9 * fits[0]["ter"].get<double>());
}

// Issue 12, item 3: what a new user met.
void check_new_user_fixes(const live_server& s, const test_support::server_data& d) {
  // An output name taken by another user's private file, by the caller's own
  // file or by a public dataset: one answer, that says nothing of whose it is.
  const auto answer = [&](const std::string& name) {
    const auto r = s.call("POST", "/api/compute", d.alice_key, "{\"grid\":2,\"points\":5,\"output\":\"" + name + "\"}");
    EXPECT_EQ(r.status, 409) << name << " " << r.body;
    auto message = json_of(r)["message"].get<std::string>();
    message.replace(message.find(name), name.size(), "<name>");
    return message;
  };
  const auto bobs = answer("bob.npz");
  EXPECT_EQ(bobs, answer("alice.npz"));
  EXPECT_EQ(bobs, answer("public.npz"));  // no private dataset shadows a public one
  EXPECT_EQ(bobs.find("exist"), std::string::npos) << bobs;
  // Status counts what the caller may see.
  EXPECT_EQ(json_of(s.call("GET", "/api/status"))["available_files"], 1);
  EXPECT_EQ(json_of(s.call("GET", "/api/status", d.bob_key))["available_files"], 2);
}

// Shapes of other labs' files (tests/data/measured/made) over the API: read
// with their formats and warnings, or refused with a JSON body that parses
// (json_of fails on invalid UTF-8) and names what is wrong.
TEST(server_measurements, made_files_upload_with_formats_warnings_and_utf8_errors) {
  test_support::server_data data;
  live_server s(data.root.path);
  const fs::path made = fs::path(EISGRID_FIXTURES_DIR) / "measured" / "made";
  auto r = upload(s, data.alice_key, "rest.mpt", read_file(made / "biologic_geis_rest_rows.mpt"));
  ASSERT_EQ(r.status, 201) << r.body;
  auto m = json_of(r)["measurement"];
  EXPECT_EQ(m["format"], "biologic");
  EXPECT_EQ(m["n_sweeps"], 2);
  EXPECT_EQ(m["n_points"], 14);
  EXPECT_NE(r.body.find("skipped 3 rows (lines 7-9) with frequency 0 and no impedance"), std::string::npos) << r.body;
  for (const char* file : {"zplotw_v2.6b.txt", "zplot_without_comments.txt"}) {
    r = upload(s, data.alice_key, file, read_file(made / file));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(json_of(r)["measurement"]["format"], "zplot") << file;
  }
  r = upload(s, data.alice_key, "latin1.csv", read_file(made / "latin1_capacitance_column.csv"));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(json_of(r)["message"].get<std::string>().find("'Cs/\xC2\xB5"
                                                          "F'"),
            std::string::npos)
      << r.body;
  r = upload(s, data.alice_key, "zero.mpt", read_file(made / "biologic_zero_frequency_with_impedance.mpt"));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(json_of(r)["message"].get<std::string>().find("line 18: frequency 0 Hz"), std::string::npos) << r.body;
}

TEST(server_measurements, upload_fit_and_visibility_on_sqlite) {
  test_support::server_data data;
  live_server server(data.root.path);
  check_new_user_fixes(server, data);
  check_measurements(server, data);
  check_models(server, data);
}

TEST(server_measurements, upload_fit_and_visibility_on_postgresql) {
  test_support::pg_server pg;
  const std::string admin_url = test_support::fresh_database(pg, "eisgrid_measurements");
  test_support::server_data data(admin_url);
  test_support::add_server_role(admin_url);
  live_server server(data.root.path, pg.url("eisgrid_measurements", "eisgrid_server"));
  check_new_user_fixes(server, data);
  check_measurements(server, data);
  check_models(server, data);
}

}  // namespace
