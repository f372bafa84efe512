// route() against files swapped under a running server and hostile bodies:
// a registered public file replaced by a link to a private one, a FIFO, a
// dataset over the cache budget, and JSON nested past the depth limit.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "server/router.hpp"
#include "server_fixture.hpp"

namespace {

using eisgrid::server::request;
using eisgrid::server::response;
using json = nlohmann::json;

class server_hostile_files : public ::testing::Test {
 protected:
  void SetUp() override {
    eisgrid::server::config cfg;
    cfg.data = data_.root.path;
    cfg.port = 5998;
    cfg.compute_threads = 1;
    cfg.version = "test";
    app_ = std::make_unique<eisgrid::server::app>(cfg);
  }

  response call(const std::string& method, const std::string& target, const std::string& key = "", const std::string& body = "") {
    request r;
    r.method = method;
    r.target = target;
    if (!key.empty()) r.headers["authorization"] = "Bearer " + key;
    r.body = body;
    return eisgrid::server::route(r, *app_);
  }
  [[nodiscard]] std::filesystem::path path_of(const std::string& relative) const { return data_.root.path / relative; }

  test_support::server_data data_;
  std::unique_ptr<eisgrid::server::app> app_;
};

TEST_F(server_hostile_files, a_public_name_linked_to_a_private_file_reads_nothing_of_it) {
  const auto pub = path_of("npz/precomputed/public.npz");
  std::filesystem::remove(pub);
  std::filesystem::create_symlink("../user_generated/alice.npz", pub);
  // The loaders refuse the link as a broken file (an internal error, logged,
  // no details); download answers as for a missing file. Nothing of alice's.
  const std::string internal = R"({"status":"error","message":"internal error"})";
  const auto best = call("GET", "/api/best-results/public.npz");
  EXPECT_EQ(best.status, 500) << best.body;
  EXPECT_EQ(json::parse(best.body), json::parse(internal));
  const auto search = call("POST", "/api/search/public.npz", "", R"({"max_resnorm": 1e12, "limit": 5})");
  EXPECT_EQ(search.status, 500) << search.body;
  EXPECT_EQ(json::parse(search.body), json::parse(internal));
  const auto download = call("GET", "/api/download/public.npz");
  EXPECT_EQ(download.status, 404) << download.body;
  EXPECT_FALSE(download.file.has_value());
}

TEST_F(server_hostile_files, a_fifo_in_place_of_a_dataset_answers_at_once) {
  const auto pub = path_of("npz/precomputed/public.npz");
  std::filesystem::remove(pub);
  ASSERT_EQ(::mkfifo(pub.c_str(), 0644), 0);
  const auto r = call("POST", "/api/load/public.npz");
  EXPECT_EQ(r.status, 500) << r.body;
}

TEST_F(server_hostile_files, a_dataset_that_would_inflate_past_the_cache_budget_is_refused) {
  eisgrid::server::config cfg;
  cfg.data = data_.root.path;
  cfg.port = 5997;
  cfg.cache_bytes = 1024;  // public.npz inflates to about 100 KB
  cfg.version = "test";
  app_ = std::make_unique<eisgrid::server::app>(cfg);
  const auto r = call("POST", "/api/load/public.npz");
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_NE(r.body.find("over the limit of 1024"), std::string::npos) << r.body;
}

TEST_F(server_hostile_files, request_bodies_nested_past_the_limit_are_refused) {
  const std::string deep = std::string(65, '[') + std::string(65, ']');
  const auto search = call("POST", "/api/search/public.npz", "", R"({"max_resnorm": )" + deep + "}");
  EXPECT_EQ(search.status, 400) << search.body;
  EXPECT_NE(search.body.find("nested deeper than 64"), std::string::npos) << search.body;
  const auto compute = call("POST", "/api/compute", data_.alice_key, R"({"grid": 2, "ranges": )" + deep + "}");
  EXPECT_EQ(compute.status, 400) << compute.body;
  EXPECT_NE(compute.body.find("nested deeper than 64"), std::string::npos) << compute.body;
  const auto far = call("POST", "/api/compute", data_.alice_key, std::string(30000, '[') + std::string(30000, ']'));
  EXPECT_EQ(far.status, 400) << far.body;
}

TEST_F(server_hostile_files, out_of_range_frequencies_are_refused_before_any_job) {
  for (const char* body : {R"({"grid": 2, "fmax": 1e308})", R"({"grid": 2, "fmin": 1e-320})", R"({"grid": 2, "fmax": 2e9})"}) {
    const auto r = call("POST", "/api/compute", data_.alice_key, body);
    EXPECT_EQ(r.status, 400) << body << ": " << r.body;
    EXPECT_NE(r.body.find("frequencies must lie between"), std::string::npos) << r.body;
  }
  EXPECT_FALSE(std::filesystem::exists(path_of("npz/user_generated/grid_2_freq_0.1_1e+308.npz")));
}

}  // namespace
