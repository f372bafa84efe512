// route() without sockets: every endpoint, visibility, bad input, ranges.
#include "server/router.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "catalog/lab_fields.hpp"
#include "dataset/dataset.hpp"
#include "dataset/metadata.hpp"
#include "server/jwt.hpp"
#include "server_fixture.hpp"

namespace {

using eisgrid::server::request;
using eisgrid::server::response;
using json = nlohmann::json;

constexpr const char* k_secret = "route-test-secret";

class route_test : public ::testing::Test {
 protected:
  static inline std::unique_ptr<test_support::server_data> data;
  static inline std::unique_ptr<test_support::temp_dir> web;
  static inline std::unique_ptr<eisgrid::server::app> app;

  static void SetUpTestSuite() {
    data = std::make_unique<test_support::server_data>();
    web = std::make_unique<test_support::temp_dir>("web");
    std::filesystem::create_directories(web->path / "assets");
    std::ofstream(web->path / "index.html") << "<!doctype html><title>page</title>";
    std::ofstream(web->path / "assets" / "index-abc.js") << "console.log(1)";
    std::ofstream(web->path / "assets" / "index-abc.css") << "body{}";
    std::ofstream(web->path / "secret.txt") << "top-level";
    eisgrid::server::config cfg;
    cfg.data = data->root.path;
    cfg.web = web->path;
    cfg.port = 5999;
    cfg.jwt_secret = k_secret;
    cfg.compute_threads = 1;
    cfg.version = "test";
    app = std::make_unique<eisgrid::server::app>(cfg);
  }
  static void TearDownTestSuite() {
    app.reset();
    web.reset();
    data.reset();
  }

  static response call(const std::string& method, const std::string& target, const std::string& key = "", const std::string& body = "",
                       std::map<std::string, std::string> headers = {}) {
    request r;
    r.method = method;
    r.target = target;
    r.headers = std::move(headers);
    if (!key.empty()) r.headers["authorization"] = "Bearer " + key;
    r.body = body;
    return eisgrid::server::route(r, *app);
  }
  static json body_of(const response& r) {
    auto j = json::parse(r.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.body;
    return j;
  }
  static std::string message_of(const response& r) { return body_of(r).value("message", ""); }
  static std::string read_part(const response& r) {
    EXPECT_TRUE(r.file.has_value());
    if (!r.file) return {};
    std::string out(r.file->length, '\0');
    EXPECT_EQ(::pread(r.file->file->fd(), out.data(), out.size(), static_cast<off_t>(r.file->offset)), static_cast<ssize_t>(out.size()));
    return out;
  }
  static std::string file_bytes(const std::string& relative) {
    std::ifstream in(data->root.path / relative, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static std::vector<std::string> dataset_names(const std::string& key) {
    const auto r = call("GET", "/api/datasets", key);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> names;
    const auto list = body_of(r);
    for (const auto& d : list["datasets"]) names.push_back(d["filename"]);
    std::sort(names.begin(), names.end());
    return names;
  }
};

TEST_F(route_test, health_status_and_whoami) {
  auto r = call("GET", "/api/health");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_EQ(body_of(r), json::parse(R"({"status":"success","healthy":true,"version":"test","catalog":"sqlite"})"));
  r = call("GET", "/api/status");
  ASSERT_EQ(r.status, 200);
  const auto s = body_of(r);
  EXPECT_EQ(s["status"], "online");
  // Only what the caller may see (issue 12): public.npz, and alice's own.
  EXPECT_EQ(s["available_files"], 1);
  EXPECT_EQ(body_of(call("GET", "/api/status", data->alice_key))["available_files"], 2);
  EXPECT_EQ(s["directories"], json::parse(R"({"precomputed":"npz/precomputed","user_generated":"npz/user_generated"})"));
  EXPECT_GT(s["memory_bytes"].get<std::uint64_t>(), 1000000u);
  EXPECT_NE(s["memory_usage"].get<std::string>().find(" MB"), std::string::npos);
  EXPECT_TRUE(s["loaded_datasets"].is_number_integer());
  EXPECT_EQ(body_of(call("GET", "/api/whoami"))["user"], nullptr);
  EXPECT_EQ(body_of(call("GET", "/api/whoami", data->alice_key))["user"], json::parse(R"({"name":"alice"})"));
}

// Issue 11 item 11: anonymous /api/status counted every file, private ones included.
TEST_F(route_test, status_counts_only_the_files_the_caller_may_see) {
  EXPECT_EQ(body_of(call("GET", "/api/status"))["available_files"], 1);
  EXPECT_EQ(body_of(call("GET", "/api/status", data->alice_key))["available_files"], 2);
  EXPECT_EQ(body_of(call("GET", "/api/status", data->bob_key))["available_files"], 2);
  const auto stranger = eisgrid::server::sign_jwt(R"({"sub":"stranger","exp":4000000000,"aud":"authenticated"})", k_secret);
  EXPECT_EQ(body_of(call("GET", "/api/status", stranger))["available_files"], 1);
}

TEST_F(route_test, status_reports_the_cache_and_its_mapped_part) {
  // bob.npz is stored uncompressed, so its arrays are read in place from the mapped file.
  ASSERT_EQ(call("POST", "/api/load/bob.npz", data->bob_key).status, 200);
  ASSERT_EQ(call("POST", "/api/load/public.npz").status, 200);
  const auto s = body_of(call("GET", "/api/status"));
  const auto bob = app->cache().get(data->root.path / "npz/user_generated/bob.npz");
  const auto pub = app->cache().get(data->root.path / "npz/precomputed/public.npz");
  // The other datasets are deflated: bob.npz is the only mapped part, whatever else other tests loaded.
  EXPECT_EQ(s["cache_mapped_bytes"].get<std::uint64_t>(), bob->mapped_bytes());
  EXPECT_GE(bob->mapped_bytes(), 1024u * 20 * 4 * 4);
  EXPECT_EQ(pub->mapped_bytes(), 0u);
  EXPECT_GE(s["cache_bytes"].get<std::uint64_t>(), bob->bytes() + pub->bytes());
  EXPECT_LE(s["cache_bytes"].get<std::uint64_t>(), s["cache_budget_bytes"].get<std::uint64_t>());
}

TEST_F(route_test, bad_credentials_are_401_never_anonymous) {
  for (const std::string& header :
       std::vector<std::string>{"Bearer eisgrid_nope", "Bearer ", "Basic abc", "Bearer a.b.c", "Bearer something",
                                "Bearer " + eisgrid::server::sign_jwt(R"({"sub":"carol","exp":1,"aud":"authenticated"})", k_secret)}) {
    const auto r = call("GET", "/api/datasets", "", "", {{"authorization", header}});
    EXPECT_EQ(r.status, 401) << header;
    EXPECT_EQ(body_of(r)["status"], "error");
  }
}

TEST_F(route_test, jwt_users_are_catalog_users) {
  const auto token =
      eisgrid::server::sign_jwt(R"({"sub":"0b3e2a4c-1111-2222-3333-444455556666","exp":4000000000,"aud":"authenticated"})", k_secret);
  const auto r = call("GET", "/api/whoami", token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["user"]["name"], "jwt:0b3e2a4c-1111-2222-3333-444455556666");
  EXPECT_EQ(dataset_names(token), std::vector<std::string>{"public.npz"});
}

// Issue 11 item 10: a JWT with `sub: "alice"` read the datasets of the API-key
// user alice, `user revoke` did not stop it, and `nbf` was ignored.
TEST_F(route_test, a_jwt_never_speaks_for_an_api_key_user_and_can_be_revoked) {
  const auto as_alice = eisgrid::server::sign_jwt(R"({"sub":"alice","exp":4000000000,"aud":"authenticated"})", k_secret);
  EXPECT_EQ(body_of(call("GET", "/api/whoami", as_alice))["user"]["name"], "jwt:alice");
  EXPECT_EQ(dataset_names(as_alice), std::vector<std::string>{"public.npz"});
  EXPECT_EQ(call("GET", "/api/best-results/alice.npz?n=1", as_alice).status, 404);
  EXPECT_EQ(call("GET", "/api/download/alice.npz", as_alice).status, 404);
  // Revoked: every token of that user is refused, alice's key still works.
  auto cat = eisgrid::catalog::catalog::open(data->root.path, "");
  const auto revoked = eisgrid::server::sign_jwt(R"({"sub":"to-revoke","exp":4000000000,"aud":"authenticated"})", k_secret);
  ASSERT_EQ(call("GET", "/api/whoami", revoked).status, 200);
  (void)cat.revoke_user("jwt:to-revoke");
  auto r = call("GET", "/api/whoami", revoked);
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(message_of(r).find("revoked"), std::string::npos) << r.body;
  EXPECT_EQ(call("GET", "/api/datasets", revoked).status, 401);
  EXPECT_EQ(body_of(call("GET", "/api/whoami", data->alice_key))["user"]["name"], "alice");
  // Not valid before a time an hour away.
  const auto later = eisgrid::server::sign_jwt(
      R"({"sub":"patient","exp":4000000000,"nbf":)" +
          std::to_string(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() +
                         3600) +
          R"(,"aud":"authenticated"})",
      k_secret);
  r = call("GET", "/api/whoami", later);
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(message_of(r).find("not valid yet"), std::string::npos) << r.body;
}

TEST_F(route_test, datasets_are_listed_per_caller_with_every_field) {
  EXPECT_EQ(dataset_names(""), std::vector<std::string>{"public.npz"});
  EXPECT_EQ(dataset_names(data->alice_key), (std::vector<std::string>{"alice.npz", "public.npz"}));
  EXPECT_EQ(dataset_names(data->bob_key), (std::vector<std::string>{"bob.npz", "public.npz"}));
  const auto list = body_of(call("GET", "/api/datasets", data->alice_key));
  EXPECT_EQ(list["directories"]["precomputed"], "npz/precomputed");
  for (const auto& d : list["datasets"]) {
    for (const char* key : {"filename",      "full_path",  "directory", "type",        "size_mb",           "size_bytes",   "modified",
                            "loaded",        "name",       "owner",     "is_public",   "is_available",      "grid_size",    "n_parameters",
                            "n_frequencies", "n_spectra",  "freq_min",  "freq_max",    "frequency_spacing", "best_resnorm", "metric",
                            "file_hash",     "short_hash", "reference", "description", "created_at"}) {
      EXPECT_TRUE(d.contains(key)) << key;
    }
    EXPECT_EQ(d["grid_size"], 4);
    EXPECT_EQ(d["n_parameters"], 1024);
    EXPECT_EQ(d["n_frequencies"], 20);
    EXPECT_EQ(d["file_hash"].get<std::string>().size(), 64u);
    EXPECT_DOUBLE_EQ(d["reference"]["Rsh"].get<double>(), 5005);
    if (d["filename"] == "alice.npz") {
      EXPECT_EQ(d["owner"], "alice");
      EXPECT_EQ(d["is_public"], false);
      EXPECT_EQ(d["type"], "user_generated");
      EXPECT_EQ(d["full_path"], "npz/user_generated/alice.npz");
    } else {
      EXPECT_EQ(d["is_public"], true);
      EXPECT_EQ(d["type"], "precomputed");
    }
    EXPECT_EQ(d["frequency_spacing"], "log");
  }
}

TEST_F(route_test, private_datasets_are_404_for_everyone_else) {
  for (const auto& [key, name] : std::vector<std::pair<std::string, std::string>>{
           {"", "alice.npz"}, {"", "bob.npz"}, {data->bob_key, "alice.npz"}, {data->alice_key, "bob.npz"}}) {
    for (const auto& [method, target, body] :
         std::vector<std::tuple<std::string, std::string, std::string>>{{"POST", "/api/load/" + name, ""},
                                                                        {"GET", "/api/best-results/" + name, ""},
                                                                        {"POST", "/api/spectrum/" + name, R"({"indices":[0]})"},
                                                                        {"POST", "/api/search/" + name, R"({"max_resnorm":1e9})"},
                                                                        {"GET", "/api/download/" + name, ""},
                                                                        {"HEAD", "/api/download/" + name, ""},
                                                                        {"GET", "/api/tags?filename=" + name, ""}}) {
      const auto r = call(method, target, key, body);
      EXPECT_EQ(r.status, 404) << method << " " << target << " " << r.body;
      EXPECT_EQ(message_of(r), "dataset '" + name + "' not found");
    }
  }
  EXPECT_EQ(call("GET", "/api/best-results/alice.npz", data->alice_key).status, 200);
  EXPECT_EQ(call("GET", "/api/best-results/nothere.npz", data->alice_key).status, 404);
}

TEST_F(route_test, names_that_try_to_leave_their_directory_are_400) {
  for (const std::string& name : std::vector<std::string>{
           "..%2f..%2fcatalog.sqlite3", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "../alice.npz", "..", "%2fetc%2fpasswd.npz", "..%5calice.npz",
           "a%5cb.npz", "public.npz%00.npz", "alice.npz%00", "x.txt", "%zz.npz", "user_generated/alice.npz", "", "a%20b.npz"}) {
    const auto r = call("GET", "/api/best-results/" + name, data->alice_key);
    EXPECT_TRUE(r.status == 400) << name << " -> " << r.status << " " << r.body;
    EXPECT_EQ(body_of(r)["status"], "error");
  }
  EXPECT_EQ(call("GET", "/api/download//etc/passwd").status, 400);
  EXPECT_EQ(call("GET", "/api/download/..\\..\\x.npz").status, 400);
}

TEST_F(route_test, load_describes_the_dataset) {
  const auto r = call("POST", "/api/load/public.npz");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto b = body_of(r);
  EXPECT_EQ(b["status"], "success");
  EXPECT_EQ(b["metadata"]["grid_size"], 4);
  EXPECT_EQ(b["dataset_info"]["n_parameters"], 1024);
  EXPECT_EQ(b["dataset_info"]["n_frequencies"], 20);
  EXPECT_EQ(b["dataset_info"]["n_spectra"], 1024);
  const auto& ranges = b["dataset_info"]["parameter_ranges"];
  for (const char* k : {"rsh", "ra", "ca", "rb", "cb"}) EXPECT_TRUE(ranges.contains(k)) << k;
  EXPECT_DOUBLE_EQ(ranges["rsh"]["min"].get<double>(), 10);
  EXPECT_DOUBLE_EQ(ranges["rsh"]["max"].get<double>(), 10000);
  EXPECT_EQ(ranges["ca"]["unit"], "farad");
  EXPECT_EQ(call("GET", "/api/load/public.npz").status, 405);
  EXPECT_EQ(call("GET", "/api/load/public.npz").header("Allow"), "POST");
}

TEST_F(route_test, best_results_match_the_file) {
  const auto d = eisgrid::dataset::dataset::load(data->root.path / "npz/precomputed/public.npz");
  auto r = call("GET", "/api/best-results/public.npz?n=3&offset=2");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto b = body_of(r)["data"];
  EXPECT_EQ(b["n_total"], 1024);
  EXPECT_EQ(b["offset"], 2);
  ASSERT_EQ(b["parameters"].size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    const auto p = d.parameters(i + 2);
    for (std::size_t k = 0; k < 5; ++k) EXPECT_FLOAT_EQ(b["parameters"][i][k].get<float>(), static_cast<float>(p[k]));
    EXPECT_FLOAT_EQ(b["resnorms"][i].get<float>(), static_cast<float>(d.resnorm(i + 2)));
    const auto cp = eisgrid::model::circuit_params::from_array(p);
    EXPECT_NEAR(b["ter"][i].get<double>(), eisgrid::model::ter(cp), 1e-9 * eisgrid::model::ter(cp));
    EXPECT_NEAR(b["tec"][i].get<double>(), eisgrid::model::tec(cp), 1e-9 * eisgrid::model::tec(cp));
  }
  EXPECT_EQ(b["param_names"], json::parse(R"(["Rsh","Ra","Ca","Rb","Cb"])"));
  EXPECT_EQ(b["param_units"], json::parse(R"(["ohm","ohm","farad","ohm","farad"])"));
  EXPECT_FLOAT_EQ(b["best_resnorm"].get<float>(), static_cast<float>(d.resnorm(0)));
  EXPECT_EQ(body_of(call("GET", "/api/best-results/public.npz"))["data"]["parameters"].size(), 1000u);
  EXPECT_EQ(body_of(call("GET", "/api/best-results/public.npz?n=10000"))["data"]["parameters"].size(), 1024u);
  EXPECT_EQ(body_of(call("GET", "/api/best-results/public.npz?n=5&offset=1024"))["data"]["parameters"].size(), 0u);
  for (const char* q :
       {"n=0", "n=10001", "n=-1", "n=1e3", "n=abc", "n=", "n=99999999999999999999", "offset=-1", "offset=1025", "offset=x", "n=5%00"}) {
    r = call("GET", std::string("/api/best-results/public.npz?") + q);
    EXPECT_EQ(r.status, 400) << q;
    EXPECT_FALSE(message_of(r).empty());
  }
}

TEST_F(route_test, spectra_of_chosen_rows) {
  const auto d = eisgrid::dataset::dataset::load(data->root.path / "npz/precomputed/public.npz");
  auto r = call("POST", "/api/spectrum/public.npz", "", R"({"indices":[0, 5, 1023]})");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto b = body_of(r)["data"];
  EXPECT_EQ(b["indices"], json::parse("[0,5,1023]"));
  ASSERT_EQ(b["frequencies"].size(), 20u);
  ASSERT_EQ(b["spectra"].size(), 3u);
  ASSERT_EQ(b["spectra"][1].size(), 20u);
  for (std::size_t c = 0; c < 4; ++c) EXPECT_FLOAT_EQ(b["spectra"][1][7][c].get<float>(), static_cast<float>(d.spectrum(5, 7)[c]));
  EXPECT_EQ(b["spectrum_columns"], json::parse(R"(["real","imag","magnitude","phase"])"));
  EXPECT_FLOAT_EQ(b["freq_range"][0].get<float>(), 0.1f);
  EXPECT_FLOAT_EQ(b["freq_range"][1].get<float>(), 1e5f);
  ASSERT_EQ(b["reference"].size(), 20u);
  EXPECT_EQ(b["reference"][0].size(), 4u);
  for (const char* bad : {"", "nope", "[]", R"({"indices":[]})", R"({"indices":[1024]})", R"({"indices":[-1]})", R"({"indices":[1.5]})",
                          R"({"indices":["1"]})", R"({"indices":[true]})", R"({"indices":5})", R"({"indices":[0],"x":1})",
                          R"({"indices":[18446744073709551615]})", R"({"other":[0]})"}) {
    r = call("POST", "/api/spectrum/public.npz", "", bad);
    EXPECT_EQ(r.status, 400) << bad << " " << r.body;
  }
  json many = {{"indices", json::array()}};
  for (int i = 0; i < 101; ++i) many["indices"].push_back(i);
  EXPECT_EQ(call("POST", "/api/spectrum/public.npz", "", many.dump()).status, 400);
}

TEST_F(route_test, search_by_resnorm) {
  const auto d = eisgrid::dataset::dataset::load(data->root.path / "npz/precomputed/public.npz");
  const double threshold = d.resnorm(9);
  auto r = call("POST", "/api/search/public.npz", "", json{{"max_resnorm", threshold}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  auto b = body_of(r)["data"];
  EXPECT_GE(b["count"].get<int>(), 10);
  EXPECT_EQ(b["total_searched"], 1024);
  EXPECT_EQ(b["indices"][0], 0);
  EXPECT_EQ(b["parameters"].size(), b["resnorms"].size());
  b = body_of(call("POST", "/api/search/public.npz", "", R"({"max_resnorm": 1e12, "limit": 7})"))["data"];
  EXPECT_EQ(b["count"], 7);
  for (const char* bad : {R"({})", R"({"max_resnorm":"1"})", R"({"max_resnorm":1,"limit":0})", R"({"max_resnorm":1,"limit":10001})",
                          R"({"max_resnorm":1,"limit":2.5})", R"({"max_resnorm":1,"extra":2})", "{", "null"}) {
    EXPECT_EQ(call("POST", "/api/search/public.npz", "", bad).status, 400) << bad;
  }
}

TEST_F(route_test, download_ranges_etags_and_head) {
  const std::string whole = file_bytes("npz/precomputed/public.npz");
  const auto size = whole.size();
  auto r = call("GET", "/api/download/public.npz");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(read_part(r), whole);
  EXPECT_EQ(r.header("Content-Disposition"), "attachment; filename=\"public.npz\"");
  EXPECT_EQ(r.header("Accept-Ranges"), "bytes");
  const std::string etag = r.header("ETag");
  ASSERT_EQ(etag.size(), 66u);
  EXPECT_EQ(call("HEAD", "/api/download/public.npz").file->length, size);

  r = call("GET", "/api/download/public.npz", "", "", {{"range", "bytes=0-9"}});
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(read_part(r), whole.substr(0, 10));
  EXPECT_EQ(r.header("Content-Range"), "bytes 0-9/" + std::to_string(size));
  r = call("GET", "/api/download/public.npz", "", "", {{"range", "bytes=-5"}});
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(read_part(r), whole.substr(size - 5));
  r = call("GET", "/api/download/public.npz", "", "", {{"range", "bytes=" + std::to_string(size - 3) + "-"}});
  EXPECT_EQ(read_part(r), whole.substr(size - 3));
  r = call("GET", "/api/download/public.npz", "", "", {{"range", "bytes=5-999999999"}});
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(read_part(r), whole.substr(5));
  r = call("GET", "/api/download/public.npz", "", "", {{"range", "bytes=-999999999"}});
  EXPECT_EQ(read_part(r), whole);
  for (const std::string& bad :
       std::vector<std::string>{"bytes=" + std::to_string(size) + "-", "bytes=5-4", "bytes=0-1,3-4", "items=0-1", "bytes=-0", "bytes=a-b",
                                "bytes=-", "bytes=--1", "bytes=-1-2", "bytes=99999999999999999999999-"}) {
    r = call("GET", "/api/download/public.npz", "", "", {{"range", bad}});
    EXPECT_EQ(r.status, 416) << bad;
    EXPECT_EQ(r.header("Content-Range"), "bytes */" + std::to_string(size)) << bad;
    EXPECT_FALSE(r.file.has_value());
  }
  r = call("GET", "/api/download/public.npz", "", "", {{"if-none-match", etag}});
  EXPECT_EQ(r.status, 304);
  EXPECT_FALSE(r.file.has_value());
  EXPECT_EQ(call("GET", "/api/download/public.npz", "", "", {{"if-none-match", "\"x\", W/" + etag}}).status, 304);
  EXPECT_EQ(call("GET", "/api/download/public.npz", "", "", {{"if-none-match", "\"other\""}}).status, 200);
  EXPECT_EQ(call("POST", "/api/download/public.npz").status, 405);
}

TEST_F(route_test, tags_for_signed_in_users) {
  EXPECT_EQ(call("POST", "/api/tags", "", R"({"filename":"public.npz","rank":0,"label":"x"})").status, 401);
  auto r = call("POST", "/api/tags", data->alice_key,
                R"({"filename":"alice.npz","rank":3,"label":"nice","category":"c","notes":"n","quality_score":0.5,"is_reference":true})");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto tag = body_of(r)["tag"];
  EXPECT_EQ(tag["filename"], "alice.npz");
  EXPECT_EQ(tag["rank"], 3);
  EXPECT_EQ(tag["label"], "nice");
  EXPECT_EQ(tag["is_reference"], true);
  EXPECT_DOUBLE_EQ(tag["quality_score"].get<double>(), 0.5);
  EXPECT_EQ(tag["model"], "rc");
  EXPECT_EQ(tag["params"].size(), 5u);
  for (const char* k : {"Rsh", "Ra", "Ca", "Rb", "Cb"}) EXPECT_TRUE(tag["params"][k].is_number()) << k;
  EXPECT_TRUE(tag["ter"].is_number() && tag["tec"].is_number());
  EXPECT_TRUE(tag["resnorm"].is_number());
  for (const char* bad :
       {R"({"filename":"alice.npz","rank":1024,"label":"x"})", R"({"filename":"alice.npz","rank":-1,"label":"x"})",
        R"({"filename":"alice.npz","rank":0})", R"({"filename":"alice.npz","rank":0,"label":""})",
        R"({"filename":"alice.npz","rank":"0","label":"x"})", R"({"filename":"alice.npz","rank":0,"label":"x","owner":1})",
        R"({"filename":"../x.npz","rank":0,"label":"x"})"}) {
    EXPECT_EQ(call("POST", "/api/tags", data->alice_key, bad).status, 400) << bad;
  }
  EXPECT_EQ(call("POST", "/api/tags", data->bob_key, R"({"filename":"alice.npz","rank":0,"label":"x"})").status, 404);
  // Issue 11 item 11: a duplicate tag answered 409 with the SQL constraint's text.
  r = call("POST", "/api/tags", data->alice_key, R"({"filename":"alice.npz","rank":3,"label":"nice"})");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(message_of(r), "row 3 of this dataset has your tag 'nice' already");
  auto list = body_of(call("GET", "/api/tags?filename=alice.npz", data->alice_key))["tags"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["id"], tag["id"]);
  EXPECT_TRUE(body_of(call("GET", "/api/tags", data->bob_key))["tags"].empty());
  const std::string id = std::to_string(tag["id"].get<std::int64_t>());
  EXPECT_EQ(call("DELETE", "/api/tags/" + id, data->bob_key).status, 404);
  EXPECT_EQ(call("DELETE", "/api/tags/" + id).status, 401);
  EXPECT_EQ(call("DELETE", "/api/tags/abc", data->alice_key).status, 400);
  EXPECT_EQ(call("DELETE", "/api/tags/-1", data->alice_key).status, 400);
  EXPECT_EQ(call("DELETE", "/api/tags/" + id, data->alice_key).status, 200);
  EXPECT_TRUE(body_of(call("GET", "/api/tags", data->alice_key))["tags"].empty());

  // A tag on a public dataset: everyone sees it, only its owner is told it is theirs.
  r = call("POST", "/api/tags", data->alice_key, R"({"filename":"public.npz","rank":0,"label":"shared"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(body_of(r)["tag"]["mine"], true);
  const std::string shared_id = std::to_string(body_of(r)["tag"]["id"].get<std::int64_t>());
  for (const auto& [key, mine] : std::vector<std::pair<std::string, bool>>{{data->alice_key, true}, {data->bob_key, false}, {"", false}}) {
    list = body_of(call("GET", "/api/tags?filename=public.npz", key))["tags"];
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0]["mine"], mine) << key;
  }
  EXPECT_EQ(call("DELETE", "/api/tags/" + shared_id, data->alice_key).status, 200);
}

TEST_F(route_test, configurations_per_caller) {
  auto r = call("GET", "/api/configurations");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto anonymous = body_of(r);
  for (const auto& c : anonymous["configurations"]) {
    EXPECT_EQ(c["is_public"], true);
    for (const char* k :
         {"id", "name", "owner", "is_public", "reference", "grid_size", "freq_min", "freq_max", "n_frequencies", "created_at"}) {
      EXPECT_TRUE(c.contains(k)) << k;
    }
  }
  bool own = false;
  const auto mine = body_of(call("GET", "/api/configurations", data->alice_key));
  for (const auto& c : mine["configurations"]) own = own || c["owner"] == "alice";
  EXPECT_TRUE(own);
}

TEST_F(route_test, compute_jobs_belong_to_their_owner) {
  EXPECT_EQ(call("POST", "/api/compute", "", R"({"grid":3})").status, 401);
  for (const char* bad : {R"({"grid":"3"})", R"({"grid":3,"bogus":1})", R"({"grid":1000})", R"({"fmin":10,"fmax":1})", "[",
                          R"({"output":"../x.npz"})", R"({"grid":3,"output":"alice.npz"})"}) {
    const auto r = call("POST", "/api/compute", data->alice_key, bad);
    EXPECT_TRUE(r.status == 400 || r.status == 409) << bad << " " << r.status;
  }
  auto r = call("POST", "/api/compute", data->alice_key, R"({"grid":3,"points":10,"output":"job1.npz","keep":50})");
  ASSERT_EQ(r.status, 202) << r.body;
  const auto job = body_of(r)["job"];
  const std::string id = job["id"];
  for (const char* k : {"id", "state", "progress", "done", "total", "rate", "eta_seconds", "dataset", "error", "created_at"})
    EXPECT_TRUE(job.contains(k)) << k;
  EXPECT_EQ(call("GET", "/api/jobs/" + id, data->bob_key).status, 404);
  EXPECT_EQ(call("DELETE", "/api/jobs/" + id, data->bob_key).status, 404);
  EXPECT_TRUE(body_of(call("GET", "/api/jobs", data->bob_key))["jobs"].empty());
  app->jobs().wait_idle();
  const auto done = body_of(call("GET", "/api/jobs/" + id, data->alice_key))["job"];
  EXPECT_EQ(done["state"], "done") << done.dump();
  EXPECT_EQ(done["dataset"]["filename"], "job1.npz");
  EXPECT_DOUBLE_EQ(done["progress"].get<double>(), 1.0);
  EXPECT_EQ(done["total"], 243);
  EXPECT_EQ(done["output"], "job1.npz");
  EXPECT_EQ(done["request"], json::parse(R"({"grid":3,"points":10,"output":"job1.npz","keep":50})"));
  // Without an output name, the job says which default name it writes.
  r = call("POST", "/api/compute", data->alice_key, R"({"grid":2,"points":5})");
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(body_of(r)["job"]["output"], "grid_2_freq_0.1_100000.npz");
  EXPECT_EQ(body_of(r)["job"]["request"], json::parse(R"({"grid":2,"points":5})"));
  app->jobs().wait_idle();
  EXPECT_EQ(body_of(call("GET", "/api/jobs", data->alice_key))["jobs"].size(), 2u);
  EXPECT_EQ(dataset_names(data->alice_key),
            (std::vector<std::string>{"alice.npz", "grid_2_freq_0.1_100000.npz", "job1.npz", "public.npz"}));
  EXPECT_EQ(dataset_names(data->bob_key), (std::vector<std::string>{"bob.npz", "public.npz"}));
  EXPECT_EQ(dataset_names(""), std::vector<std::string>{"public.npz"});
  EXPECT_EQ(call("GET", "/api/best-results/job1.npz", data->bob_key).status, 404);
  EXPECT_EQ(body_of(call("GET", "/api/best-results/job1.npz", data->alice_key))["data"]["n_total"], 50);
  // The same name again is a conflict, and never overwrites.
  EXPECT_EQ(call("POST", "/api/compute", data->bob_key, R"({"grid":3,"output":"job1.npz"})").status, 409);
}

TEST_F(route_test, cancelling_a_job) {
  auto r = call("POST", "/api/compute", data->bob_key, R"({"grid":40,"keep":10,"points":200,"output":"big.npz"})");
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string id = body_of(r)["job"]["id"];
  r = call("DELETE", "/api/jobs/" + id, data->bob_key);
  ASSERT_EQ(r.status, 200) << r.body;
  app->jobs().wait_idle();
  EXPECT_EQ(body_of(call("GET", "/api/jobs/" + id, data->bob_key))["job"]["state"], "cancelled");
  EXPECT_FALSE(std::filesystem::exists(data->root.path / "npz/user_generated/big.npz"));
}

TEST_F(route_test, unknown_paths_methods_and_bodies) {
  for (const char* path : {"/api/nope", "/api", "/api/", "/api/datasets/x", "/nope", "/assets/missing.js", "/assets/../index.html",
                           "/assets/%2e%2e/%2e%2e/catalog.sqlite3", "/.hidden"}) {
    const auto r = call("GET", path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(body_of(r)["status"], "error") << path;
  }
  EXPECT_EQ(call("GET", "/api/%zz").status, 400);
  EXPECT_EQ(call("GET", "/api/status%00").status, 400);
  EXPECT_EQ(call("GET", "relative").status, 400);
  EXPECT_EQ(call("PUT", "/api/status").status, 405);
  EXPECT_EQ(call("POST", "/api/datasets").status, 405);
  EXPECT_EQ(call("DELETE", "/").status, 405);
}

TEST_F(route_test, cors_only_for_allowed_origins) {
  auto r = call("GET", "/api/status", "", "", {{"origin", "http://localhost:5173"}});
  EXPECT_EQ(r.header("Access-Control-Allow-Origin"), "http://localhost:5173");
  EXPECT_EQ(call("GET", "/api/status", "", "", {{"origin", "http://127.0.0.1:5999"}}).header("Access-Control-Allow-Origin"),
            "http://127.0.0.1:5999");
  r = call("GET", "/api/status", "", "", {{"origin", "https://evil.example"}});
  EXPECT_EQ(r.header("Access-Control-Allow-Origin"), "");
  EXPECT_EQ(call("GET", "/api/status").header("Access-Control-Allow-Origin"), "");
  r = call("OPTIONS", "/api/compute", "", "", {{"origin", "http://127.0.0.1:4173"}, {"access-control-request-method", "POST"}});
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.header("Access-Control-Allow-Origin"), "http://127.0.0.1:4173");
  EXPECT_NE(r.header("Access-Control-Allow-Headers").find("Authorization"), std::string::npos);
  r = call("OPTIONS", "/api/compute", "", "", {{"origin", "http://evil.example"}});
  EXPECT_EQ(r.header("Access-Control-Allow-Origin"), "");
  EXPECT_EQ(r.header("Access-Control-Allow-Methods"), "");
}

TEST_F(route_test, the_web_page_and_its_assets) {
  auto r = call("GET", "/");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(read_part(r), "<!doctype html><title>page</title>");
  r = call("GET", "/assets/index-abc.js");
  EXPECT_EQ(r.header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(read_part(r), "console.log(1)");
  EXPECT_EQ(call("GET", "/assets/index-abc.css").header("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(call("HEAD", "/assets/index-abc.css").status, 200);
}

// Issue 11 item 11: the page was served without a Content-Security-Policy or
// X-Frame-Options. Every response has them; the page loads only its own files.
TEST_F(route_test, every_response_forbids_framing_and_foreign_scripts) {
  for (const char* path : {"/", "/assets/index-abc.js", "/api/status", "/api/nope"}) {
    const auto r = call("GET", path);
    EXPECT_EQ(r.header("X-Frame-Options"), "DENY") << path;
    const auto csp = r.header("Content-Security-Policy");
    for (const char* directive :
         {"default-src 'self'", "script-src 'self';", "style-src 'self';", "frame-ancestors 'none'", "object-src 'none'"}) {
      EXPECT_NE(csp.find(directive), std::string::npos) << path << ": " << csp;
    }
    EXPECT_EQ(csp.find("unsafe"), std::string::npos) << path << ": " << csp;
  }
}

TEST_F(route_test, openapi_covers_every_endpoint) {
  const auto r = call("GET", "/api/openapi.json");
  ASSERT_EQ(r.status, 200);
  const auto doc = body_of(r);
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  for (const char* path :
       {"/api/health", "/api/whoami", "/api/status", "/api/datasets", "/api/load/{filename}", "/api/best-results/{filename}",
        "/api/spectrum/{filename}", "/api/search/{filename}", "/api/download/{filename}", "/api/tags", "/api/tags/{id}",
        "/api/configurations", "/api/compute", "/api/jobs", "/api/jobs/{id}", "/api/openapi.json", "/api/models", "/api/fit"}) {
    EXPECT_TRUE(doc["paths"].contains(path)) << path;
  }
  // The model names come from the model list (GET /api/models), "all" too where a fit asks for them.
  const auto models = body_of(call("GET", "/api/models"))["models"];
  ASSERT_EQ(models.size(), 3u);
  const auto& schemas = doc["components"]["schemas"];
  const auto& asked = schemas["FitRequest"]["properties"]["models"]["items"]["enum"];
  const auto& fitted = schemas["Fit"]["properties"]["model"]["enum"];
  ASSERT_EQ(asked.size(), models.size() + 1);
  ASSERT_EQ(fitted.size(), models.size());
  for (std::size_t k = 0; k < models.size(); ++k) {
    EXPECT_EQ(asked[k], models[k]["name"]);
    EXPECT_EQ(fitted[k], models[k]["name"]);
  }
  EXPECT_EQ(asked.back(), "all");
}

// Issue 13: the page took its text limits from this document, which stated none. Each is the
// server's own constant in bytes of UTF-8 (x-max-bytes; maxLength, in characters, the same
// number), and a text within it in characters but over it in bytes is refused.
TEST_F(route_test, openapi_states_the_text_limits_in_bytes) {
  const auto doc = body_of(call("GET", "/api/openapi.json"));
  const auto props = [&](const char* path, const char* method) {
    return doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["properties"];
  };
  const auto expect_bytes = [](const json& field, std::size_t bytes, const std::string& what) {
    ASSERT_TRUE(field.contains("x-max-bytes")) << what << ": " << field.dump();
    EXPECT_EQ(field["x-max-bytes"].get<std::size_t>(), bytes) << what;
    EXPECT_EQ(field["maxLength"].get<std::size_t>(), bytes) << what;
    EXPECT_NE(field["description"].get<std::string>().find("bytes of UTF-8"), std::string::npos) << what;
  };
  const auto tag = props("/api/tags", "post");
  expect_bytes(tag["label"], eisgrid::catalog::k_max_label_length, "tag label");
  expect_bytes(tag["category"], eisgrid::catalog::k_max_category_length, "tag category");
  expect_bytes(tag["notes"], eisgrid::catalog::k_max_notes_length, "tag notes");
  const auto& schemas = doc["components"]["schemas"];
  expect_bytes(schemas["ComputeRequest"]["properties"]["description"], eisgrid::dataset::k_max_description_length, "run description");
  const auto& fields = schemas["MeasurementFields"]["properties"];
  expect_bytes(fields["sample"], eisgrid::catalog::k_max_label_length, "measurement sample");
  expect_bytes(fields["condition"], eisgrid::catalog::k_max_label_length, "measurement condition");
  expect_bytes(fields["notes"], eisgrid::catalog::k_max_notes_length, "measurement notes");
  for (const char* method : {"post", "patch"}) {
    const auto ex = props(method == std::string("post") ? "/api/experiments" : "/api/experiments/{id}", method);
    expect_bytes(ex["name"], eisgrid::catalog::k_max_label_length, std::string("experiment name, ") + method);
    expect_bytes(ex["description"], eisgrid::catalog::k_max_notes_length, std::string("experiment description, ") + method);
  }
  // "é" is two bytes: half the limit plus one of them is within it in characters, over it in bytes.
  std::string notes;
  for (std::size_t i = 0; i < eisgrid::catalog::k_max_notes_length / 2 + 1; ++i) notes += "\xc3\xa9";
  const auto over = call("POST", "/api/tags", data->alice_key, R"({"filename":"alice.npz","rank":2,"label":"x","notes":")" + notes + "\"}");
  EXPECT_EQ(over.status, 400) << over.body;
  notes.resize(notes.size() - 2);
  EXPECT_EQ(call("POST", "/api/tags", data->alice_key, R"({"filename":"alice.npz","rank":2,"label":"x","notes":")" + notes + "\"}").status,
            201);
}

TEST(route_without_page, serves_a_placeholder_and_404_json) {
  test_support::temp_dir root("server_noweb");
  eisgrid::server::config cfg;
  cfg.data = root.path;
  eisgrid::server::app a(cfg);
  request r;
  r.method = "GET";
  r.target = "/";
  auto res = eisgrid::server::route(r, a);
  EXPECT_EQ(res.status, 200);
  EXPECT_NE(res.body.find("eisgrid"), std::string::npos);
  r.target = "/assets/index.js";
  res = eisgrid::server::route(r, a);
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(json::parse(res.body)["status"], "error");
  r.target = "/api/datasets";
  EXPECT_EQ(json::parse(eisgrid::server::route(r, a).body)["datasets"], json::array());
}

}  // namespace

namespace {

TEST(route_internal_errors, are_logged_and_answered_without_details) {
  test_support::server_data data;
  const auto path = data.root.path / "npz/precomputed/public.npz";
  const auto size = std::filesystem::file_size(path);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << std::string(size, 'x');
  eisgrid::server::config cfg;
  cfg.data = data.root.path;
  eisgrid::server::app a(cfg);
  request r;
  r.method = "GET";
  r.target = "/api/best-results/public.npz";
  const auto res = eisgrid::server::route(r, a);
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(json::parse(res.body), json::parse(R"({"status":"error","message":"internal error"})"));
  // The catalog still works after it.
  r.target = "/api/datasets";
  EXPECT_EQ(eisgrid::server::route(r, a).status, 200);
}

}  // namespace
