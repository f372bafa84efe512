// The dataset views of the API on a dataset of another circuit model (SPEC 12),
// through a real `eisgrid serve` on loopback: the cpe model's names, units,
// TER and TEC, spectra computed by its own impedance where the file stores
// none, and rc's views unchanged beside it.
#include <gtest/gtest.h>

#include <complex>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "catalog/pg_server.hpp"
#include "dataset/dataset.hpp"
#include "live_server.hpp"
#include "model/models.hpp"
#include "npz/reader.hpp"
#include "server_fixture.hpp"

namespace {

using json = nlohmann::json;
using test_support::live_server;
using test_support::wait_for_job;

json json_of(const test_support::http_reply& r) {
  auto j = json::parse(r.body, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.status << " " << r.body;
  return j;
}

// Two public cpe files of the same grid, one with a stored spectrum for every
// row and one with none, beside the fixture's rc files.
struct cpe_data : test_support::server_data {
  // `db`: empty for SQLite under the root, or a catalog URL (PostgreSQL).
  explicit cpe_data(const std::string& db = "") : server_data(db) {
    auto cat = eisgrid::catalog::catalog::open(root.path, db);
    compute_cpe(cat, "cpe_all.npz", true);
    compute_cpe(cat, "cpe_none.npz", false);
  }
  void compute_cpe(eisgrid::catalog::catalog& cat, const std::string& name, bool spectra) {
    eisgrid::compute::compute_request r;
    r.grid = eisgrid::model::grid_spec::defaults(*eisgrid::model::find_model("cpe"), 2);
    r.points = 20;
    r.rs = "25";
    r.output = name;
    r.into = eisgrid::dataset::storage::precomputed;
    r.threads = 1;
    if (spectra) {
      r.spectra_all = true;
    } else {
      r.spectra = 0;
    }
    (void)eisgrid::compute::run(r, eisgrid::dataset::data_dir(root.path), [&]() -> eisgrid::catalog::catalog& { return cat; });
  }
  [[nodiscard]] eisgrid::dataset::dataset load(const std::string& name) const {
    return eisgrid::dataset::dataset::load(root.path / "npz/precomputed" / name);
  }
};

class model_datasets : public ::testing::Test {
 protected:
  static inline std::unique_ptr<cpe_data> data;
  static inline std::unique_ptr<live_server> server;
  static void SetUpTestSuite() {
    data = std::make_unique<cpe_data>();
    server = std::make_unique<live_server>(data->root.path);
  }
  static void TearDownTestSuite() {
    server.reset();
    data.reset();
  }
};

const json k_cpe_names = json::parse(R"(["Rsh","Ra","Qa","alpha_a","Rb","Qb","alpha_b"])");

// POST /api/tags on row 4 of cpe_all.npz, then GET /api/tags: the tag's model
// and parameters by name are the file's row (`d`), its TER and TEC the given ones.
void expect_cpe_tag(live_server& server, const std::string& key, const eisgrid::dataset::dataset& d, const json& ter, const json& tec) {
  auto r = server.call("POST", "/api/tags", key, R"({"filename":"cpe_all.npz","rank":4,"label":"cpe row"})");
  ASSERT_EQ(r.status, 201) << r.body;
  r = server.call("GET", "/api/tags?filename=cpe_all.npz", key);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto tags = json_of(r)["tags"];
  ASSERT_EQ(tags.size(), 1u) << r.body;
  const auto& tag = tags[0];
  EXPECT_EQ(tag["model"], "cpe");
  EXPECT_EQ(tag["rank"], 4);
  EXPECT_FALSE(tag.contains("parameters")) << tag.dump();
  ASSERT_EQ(tag["params"].size(), k_cpe_names.size()) << tag.dump();
  for (std::size_t k = 0; k < k_cpe_names.size(); ++k) {
    const std::string name = k_cpe_names[k];
    ASSERT_TRUE(tag["params"].contains(name)) << name;
    EXPECT_FLOAT_EQ(tag["params"][name].get<float>(), static_cast<float>(d.parameter(4, k))) << name;
  }
  EXPECT_FLOAT_EQ(tag["resnorm"].get<float>(), static_cast<float>(d.resnorm(4)));
  EXPECT_DOUBLE_EQ(tag["ter"].get<double>(), ter.get<double>());
  EXPECT_DOUBLE_EQ(tag["tec"].get<double>(), tec.get<double>());
}

TEST_F(model_datasets, the_listing_and_load_name_each_files_model) {
  std::map<std::string, std::string> models;
  const auto listing = json_of(server->call("GET", "/api/datasets"));
  for (const auto& d : listing["datasets"]) models[d["filename"]] = d["model"];
  EXPECT_EQ(models["cpe_all.npz"], "cpe");
  EXPECT_EQ(models["public.npz"], "rc");

  const auto d = data->load("cpe_all.npz");
  auto r = server->call("POST", "/api/load/cpe_all.npz");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto info = json_of(r)["dataset_info"];
  EXPECT_EQ(info["model"], "cpe");
  EXPECT_EQ(info["param_names"], k_cpe_names);
  EXPECT_EQ(info["param_units"], json::parse(R"(["ohm","ohm","S.s^alpha","1","ohm","S.s^alpha","1"])"));
  EXPECT_EQ(info["n_parameters"], d.rows());
  // The defaults of the cpe grid: alpha from 0.5 to 1, Qa over the rc capacitances' range.
  EXPECT_FLOAT_EQ(info["parameter_ranges"]["alpha_a"]["min"].get<float>(), 0.5f);
  EXPECT_FLOAT_EQ(info["parameter_ranges"]["alpha_b"]["max"].get<float>(), 1.0f);
  EXPECT_EQ(info["parameter_ranges"]["qa"]["unit"], "S.s^alpha");
  EXPECT_FLOAT_EQ(info["parameter_ranges"]["qa"]["max"].get<float>(), 5e-5f);
  EXPECT_EQ(info["parameter_ranges"].size(), 7u);
  // rc's keys and units as before.
  const auto rc_info = json_of(server->call("POST", "/api/load/public.npz"))["dataset_info"];
  EXPECT_EQ(rc_info["model"], "rc");
  EXPECT_EQ(rc_info["parameter_ranges"]["ca"]["unit"], "farad");
  EXPECT_EQ(rc_info["parameter_ranges"].size(), 5u);
}

TEST_F(model_datasets, best_results_carry_the_models_parameters_ter_and_tec) {
  const auto d = data->load("cpe_all.npz");
  const auto& cpe = *eisgrid::model::find_model("cpe");
  auto r = server->call("GET", "/api/best-results/cpe_all.npz?n=40&offset=3");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto b = json_of(r)["data"];
  EXPECT_EQ(b["model"], "cpe");
  EXPECT_EQ(b["param_names"], k_cpe_names);
  EXPECT_EQ(b["param_units"][3], "1");
  ASSERT_EQ(b["parameters"].size(), 40u);
  for (std::size_t i = 0; i < 40; ++i) {
    const auto row = i + 3;
    ASSERT_EQ(b["parameters"][i].size(), 7u);
    std::vector<double> values{25.0};
    for (std::size_t k = 0; k < 7; ++k) {
      EXPECT_FLOAT_EQ(b["parameters"][i][k].get<float>(), static_cast<float>(d.parameter(row, k)));
      values.push_back(d.parameter(row, k));
    }
    EXPECT_DOUBLE_EQ(b["ter"][i].get<double>(), cpe.ter(values)) << row;
    EXPECT_DOUBLE_EQ(b["tec"][i].get<double>(), cpe.tec(values)) << row;
    EXPECT_FLOAT_EQ(b["series_resistance"][i].get<float>(), 25.0f);
  }
  // TER is Rsh || (Ra + Rb), whatever the exponents.
  const auto& p = b["parameters"][0];
  const double rsh = p[0], ra = p[1], rb = p[4];
  EXPECT_NEAR(b["ter"][0].get<double>(), rsh * (ra + rb) / (rsh + ra + rb), 1e-9 * rsh);

  // npy: the model's parameters and the resnorm, as numpy reads them.
  const auto file = data->root.path / "best.npy";
  r = server->call("GET", "/api/best-results/cpe_all.npz?n=10&format=npy");
  ASSERT_EQ(r.status, 200) << r.body;
  std::ofstream(file, std::ios::binary) << r.body;
  const auto py = test_support::python(
      "import numpy, sys\na = numpy.load(sys.argv[1])\nassert a.shape == (10, 8), a.shape\nprint(repr(float(a[2, 3])), "
      "repr(float(a[2, 7])))",
      test_support::shell_quote(file.string()));
  ASSERT_EQ(py.exit_code, 0) << py.output;
  double alpha = 0, resnorm = 0;
  ASSERT_EQ(std::sscanf(py.output.c_str(), "%lf %lf", &alpha, &resnorm), 2) << py.output;
  EXPECT_FLOAT_EQ(static_cast<float>(alpha), static_cast<float>(d.parameter(2, 3)));
  EXPECT_FLOAT_EQ(static_cast<float>(resnorm), static_cast<float>(d.resnorm(2)));

  // rc unchanged: its five names and (rows, 6).
  const auto rc = json_of(server->call("GET", "/api/best-results/public.npz?n=2"))["data"];
  EXPECT_EQ(rc["model"], "rc");
  EXPECT_EQ(rc["param_names"], json::parse(R"(["Rsh","Ra","Ca","Rb","Cb"])"));
  EXPECT_EQ(rc["parameters"][0].size(), 5u);
  EXPECT_TRUE(rc["series_resistance"].is_null());
  r = server->call("GET", "/api/best-results/public.npz?n=3&format=npy");
  std::ofstream(file, std::ios::binary) << r.body;
  const auto rc_py =
      test_support::python("import numpy, sys\nprint(numpy.load(sys.argv[1]).shape)", test_support::shell_quote(file.string()));
  EXPECT_NE(rc_py.output.find("(3, 6)"), std::string::npos) << rc_py.output;
}

TEST_F(model_datasets, spectra_without_a_stored_one_are_the_models_own) {
  // The same grid and rows: cpe_all stores every row's spectrum (written by
  // the sweep's export), cpe_none none, so the server computes them.
  const auto all = data->load("cpe_all.npz");
  ASSERT_EQ(all.spectra_rows(), all.rows());
  ASSERT_EQ(data->load("cpe_none.npz").spectra_rows(), 0u);
  const std::string rows = R"({"indices":[0, 17, 127]})";
  auto r = server->call("POST", "/api/spectrum/cpe_none.npz", "", rows);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto computed = json_of(r)["data"];
  EXPECT_EQ(computed["model"], "cpe");
  EXPECT_EQ(computed["stored"], json::parse("[false,false,false]"));
  r = server->call("POST", "/api/spectrum/cpe_all.npz", "", rows);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto stored = json_of(r)["data"];
  EXPECT_EQ(stored["stored"], json::parse("[true,true,true]"));
  ASSERT_EQ(computed["spectra"].size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(computed["spectra"][i].size(), 20u);
    for (std::size_t f = 0; f < 20; ++f) {
      for (std::size_t c = 0; c < 4; ++c) {
        const double want = stored["spectra"][i][f][c], got = computed["spectra"][i][f][c];
        EXPECT_NEAR(got, want, 1e-5 * std::abs(want) + 1e-4) << i << " " << f << " " << c;
      }
    }
  }
  // Rs is in the spectrum: the highest frequency's real part is near Rs, not 0.
  EXPECT_GT(computed["spectra"][0][19][0].get<double>(), 25.0);
  // Past the last row is still refused.
  EXPECT_EQ(server->call("POST", "/api/spectrum/cpe_none.npz", "", R"({"indices":[128]})").status, 400);
}

TEST_F(model_datasets, search_names_the_models_parameters_and_a_tag_holds_them) {
  const auto d = data->load("cpe_all.npz");
  auto r = server->call("POST", "/api/search/cpe_all.npz", "", json{{"max_resnorm", d.resnorm(4)}, {"limit", 5}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  const auto b = json_of(r)["data"];
  EXPECT_EQ(b["param_names"], k_cpe_names);
  ASSERT_EQ(b["count"], 5);
  EXPECT_EQ(b["parameters"][4].size(), 7u);
  EXPECT_FLOAT_EQ(b["parameters"][4][6].get<float>(), static_cast<float>(d.parameter(4, 6)));
  const auto best = json_of(server->call("GET", "/api/best-results/cpe_all.npz?n=5"))["data"];
  EXPECT_EQ(b["ter"], best["ter"]);
  EXPECT_EQ(b["tec"], best["tec"]);
  // A cpe row is tagged with its model and its parameters by name, the file's
  // values, and with the model's TER and TEC as the search gives them.
  expect_cpe_tag(*server, data->alice_key, d, b["ter"][4], b["tec"][4]);
}

// Each row's Rs is read by dataset::load, counted in the inflate limit that
// the server's cache budget sets, and is the first of the row's model values.
TEST_F(model_datasets, series_resistance_is_loaded_within_the_limit) {
  const auto path = data->root.path / "npz/precomputed/cpe_all.npz";
  const auto d = data->load("cpe_all.npz");
  ASSERT_TRUE(d.has_series_resistance());
  const auto values = d.model_values(7);
  ASSERT_EQ(values.size(), 8u);
  EXPECT_FLOAT_EQ(static_cast<float>(values[0]), 25.0f);
  for (std::size_t k = 0; k < 7; ++k) EXPECT_EQ(values[k + 1], d.parameter(7, k));
  std::uint64_t inflated = 0;
  const auto reader = eisgrid::npz::reader::open(path);
  for (const auto& m : reader.members()) {
    if (m.deflated && m.name != "frequency_order") inflated += m.uncompressed_size;
  }
  EXPECT_NO_THROW((void)eisgrid::dataset::dataset::load(path, eisgrid::dataset::load_depth::full, {inflated}));
  try {
    (void)eisgrid::dataset::dataset::load(path, eisgrid::dataset::load_depth::full, {inflated - 1});
    ADD_FAILURE() << "loaded over the limit";
  } catch (const eisgrid::error& e) {
    EXPECT_EQ(e.kind(), eisgrid::error_kind::too_large) << e.what();
  }
  // An rc file of a model reference without --rs has none: Rs is 0.
  const auto rc = data->load("public.npz");
  EXPECT_FALSE(rc.has_series_resistance());
  EXPECT_EQ(rc.model_values(0)[0], 0.0);
}

// PostgreSQL returns the stored metadata as jsonb text: the listing names the
// model there too; and a tag of a cpe row holds its parameters there too.
TEST(model_datasets_postgresql, the_listing_names_each_files_model) {
  test_support::pg_server pg;
  const std::string admin_url = test_support::fresh_database(pg, "eisgrid_models");
  cpe_data data(admin_url);
  test_support::add_server_role(admin_url);
  live_server server(data.root.path, pg.url("eisgrid_models", "eisgrid_server"));
  std::map<std::string, std::string> models;
  const auto listing = json_of(server.call("GET", "/api/datasets"));
  for (const auto& d : listing["datasets"]) models[d["filename"]] = d["model"];
  EXPECT_EQ(models["cpe_all.npz"], "cpe");
  EXPECT_EQ(models["cpe_none.npz"], "cpe");
  EXPECT_EQ(models["public.npz"], "rc");
  EXPECT_EQ(json_of(server.call("GET", "/api/best-results/cpe_all.npz?n=1"))["data"]["param_names"], k_cpe_names);
  // A cpe row is tagged through the server's unprivileged role as on SQLite.
  const auto best = json_of(server.call("GET", "/api/best-results/cpe_all.npz?n=5"))["data"];
  expect_cpe_tag(server, data.alice_key, data.load("cpe_all.npz"), best["ter"][4], best["tec"][4]);
}

// POST /api/compute with "model" and the model's own axes writes the file
// `eisgrid compute --model` writes with the same options.
TEST_F(model_datasets, a_cpe_job_writes_what_the_cli_writes) {
  const json options = json::parse(R"({"model": "cpe", "grid": 2, "points": 12, "keep": 60, "spectra": 4,
      "ranges": {"alpha_a": {"min": 0.6, "max": 1, "count": 3}, "Qb": {"min": 1e-6, "max": 1e-5}}, "output": "cpe_job.npz"})");
  auto r = server->call("POST", "/api/compute", data->alice_key, options.dump());
  ASSERT_EQ(r.status, 202) << r.body;
  const auto job = wait_for_job(*server, data->alice_key, json_of(r)["job"]["id"]);
  ASSERT_EQ(job["state"], "done") << job.dump();
  test_support::temp_dir cli_root("server_cli");
  const auto cli = test_support::run(std::string(EISGRID_CLI_PATH) +
                                     " compute -q --model cpe --grid 2 --points 12 --keep 60 --spectra 4 --range alpha_a=0.6:1:3 "
                                     "--range Qb=1e-6:1e-5 --output cpe_job.npz --threads 1 --data " +
                                     test_support::shell_quote(cli_root.path.string()));
  ASSERT_EQ(cli.exit_code, 0) << cli.output;
  const auto py = test_support::python(R"PY(
import json, sys, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
ma, mb = json.loads(a["metadata"].item()), json.loads(b["metadata"].item())
assert ma["model"] == "cpe" and ma["param_names"] == mb["param_names"], (ma.get("model"), ma["param_names"])
assert ma["parameter_ranges"] == mb["parameter_ranges"], ma["parameter_ranges"]
assert ma["parameter_ranges"]["alpha_a"]["count"] == 3 and ma["n_grid_points"] == 2 ** 6 * 3, ma["n_grid_points"]
assert a["parameters"].shape == (60, 7), a["parameters"].shape
for k in ("parameters", "resnorms", "grid_indices", "spectrum", "frequencies"):
    assert np.array_equal(a[k], b[k]), k
print("ok")
)PY",
                                       test_support::shell_quote((data->root.path / "npz/user_generated/cpe_job.npz").string()) + " " +
                                           test_support::shell_quote((cli_root.path / "npz/user_generated/cpe_job.npz").string()));
  EXPECT_EQ(py.exit_code, 0) << py.output;
  // The job's file is one of alice's datasets, shown by the cpe model's names.
  EXPECT_EQ(json_of(server->call("GET", "/api/best-results/cpe_job.npz?n=1", data->alice_key))["data"]["param_names"], k_cpe_names);
}

TEST_F(model_datasets, compute_refuses_what_the_grid_sweep_cannot_take_in_words) {
  const auto refused = [](const std::string& body, const std::string& words) {
    const auto r = server->call("POST", "/api/compute", data->alice_key, body);
    EXPECT_EQ(r.status, 400) << body << " " << r.body;
    EXPECT_NE(r.body.find(words), std::string::npos) << body << " " << r.body;
  };
  // The way out: the model is fitted, not swept.
  refused(R"({"model": "rc_electrode", "grid": 2})", "eisgrid fit --model rc_electrode");
  refused(R"({"model": "spline", "grid": 2})", "rc, cpe, rc_electrode");
  refused(R"({"model": 1, "grid": 2})", "'model'");
  // Axes are the model's: cpe has no Ca, rc no alpha_a.
  refused(R"({"model": "cpe", "grid": 2, "ranges": {"Ca": {"min": 1e-7, "max": 1e-5}}})", "Qa");
  refused(R"({"grid": 2, "ranges": {"alpha_a": {"min": 0.6, "max": 1}}})", "Rsh, Ra, Ca, Rb, Cb");
  refused(R"({"model": "cpe", "grid": 2, "ranges": {"alpha_a": {"min": 0.3, "max": 1}}})", "alpha_a");
}

}  // namespace
