// eisgrid fit end to end on the NOVA files of tests/data (SPEC 10, issue 10's
// acceptance): the global optimum on every usable sweep, invalid_data for the
// unusable files, and every reported resnorm reproduced from its parameters.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <numbers>

#include "fit/nova_sweeps.hpp"
#include "support/process.hpp"

using test_support::run;
using test_support::shell_quote;

namespace {

const std::string k_cli = EISGRID_CLI_PATH;
const std::string k_nova = std::string(EISGRID_FIXTURES_DIR) + "/measured/nova/";

// stdout only: the JSON, without anything a library might log on stderr.
test_support::run_result eisgrid(const std::string& args) { return run("{ " + shell_quote(k_cli) + " " + args + " 2>/dev/null; }"); }

nlohmann::json expected_fits() {
  std::ifstream in(k_nova + "expected_fits.json");
  return nlohmann::json::parse(in);
}

// The measurement files, without the expected values and the folder's README.
std::string all_files() {
  std::string files;
  for (const auto& e : std::filesystem::directory_iterator(k_nova)) {
    const auto ext = e.path().extension();
    if (ext != ".json" && ext != ".md") files += " " + shell_quote(e.path().string());
  }
  return files;
}

// The modulus metric of Rs + Rsh || (Ra||Ca + Rb||Cb), straight from the formulas.
double modulus_of(const nlohmann::json& p, const nova::sweep& s) {
  double sum = 0;
  for (std::size_t i = 0; i < s.f.size(); ++i) {
    const std::complex<double> jw(0, 2 * std::numbers::pi * s.f[i]);
    const auto za = p["Ra"].get<double>() / (1.0 + jw * p["Ra"].get<double>() * p["Ca"].get<double>());
    const auto zb = p["Rb"].get<double>() / (1.0 + jw * p["Rb"].get<double>() * p["Cb"].get<double>());
    const double rsh = p["Rsh"].get<double>();
    const auto z = p["Rs"].get<double>() + rsh * (za + zb) / (rsh + za + zb);
    sum += std::norm(z - s.z[i]) / std::norm(s.z[i]);
  }
  return std::sqrt(sum / static_cast<double>(s.f.size()));
}

// Run once and shared by the tests that read it: the fits of every file are
// the slowest part of this program, most of all in the sanitized build.
const nlohmann::json& fit_all() {
  static const nlohmann::json results = [] {
    const auto r = eisgrid("fit --json --metric modulus" + all_files());
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return nlohmann::json::parse(r.output)["results"];
  }();
  return results;
}

}  // namespace

TEST(cli_fit_command, reaches_the_global_optimum_on_every_usable_shared_sweep) {
  const auto& results = fit_all();
  std::map<std::pair<std::string, int>, nlohmann::json> by_sweep;
  for (const auto& r : results) by_sweep[{r["file"].get<std::string>(), r["sweep"].get<int>()}] = r;
  const auto expected = expected_fits();
  for (const auto& e : expected["good"]) {
    const auto key = std::make_pair(e["file"].get<std::string>(), e["sweep"].get<int>());
    ASSERT_TRUE(by_sweep.count(key)) << key.first << " " << key.second;
    const auto& r = by_sweep[key];
    SCOPED_TRACE(key.first + " sweep " + std::to_string(key.second));
    EXPECT_EQ(r["status"], "ok") << r["reasons"].dump();
    EXPECT_EQ(r["metric"], "modulus");
    EXPECT_LE(r["resnorm"].get<double>(), 1.001 * e["modulus"].get<double>());
    EXPECT_LE(r["resnorm"].get<double>(), r["grid_resnorm"].get<double>());
    // The same optimum (fit.fit finds it within 2.4e-5 of the expected values).
    EXPECT_NEAR(r["params"]["Rs"].get<double>(), e["Rs"].get<double>(), 1e-3 * e["Rs"].get<double>());
    EXPECT_NEAR(r["ter"].get<double>(), e["TER"].get<double>(), 1e-3 * e["TER"].get<double>());
    EXPECT_NEAR(r["tec"].get<double>(), e["TEC"].get<double>(), 1e-3 * e["TEC"].get<double>());
    const auto& interval = r["rsh_interval"];
    EXPECT_LE(interval[0].get<double>(), r["params"]["Rsh"].get<double>());
    EXPECT_GE(interval[1].get<double>(), r["params"]["Rsh"].get<double>());
    for (const char* k : {"Rs", "ter", "tec", "tau1", "tau2"}) EXPECT_GT(r["stderr"][k].get<double>(), 0) << k;
  }
  for (const auto& u : expected["unusable"]) {
    int sweeps = 0;
    for (const auto& r : results) {
      if (r["file"] != u["file"]) continue;
      ++sweeps;
      EXPECT_EQ(r["status"], "invalid_data") << u["file"];
      EXPECT_FALSE(r["reasons"].empty());
    }
    EXPECT_GT(sweeps, 0) << u["file"];
  }
}

TEST(cli_fit_command, every_result_reproduces_its_resnorm_from_its_parameters) {
  const auto& results = fit_all();
  ASSERT_FALSE(results.empty());
  for (const auto& r : results) {
    if (r["params"].is_null()) continue;
    const auto sweeps = nova::read(k_nova + r["file"].get<std::string>());
    const auto& s = sweeps.at(r["sweep"].get<std::size_t>());
    const double mine = modulus_of(r["params"], s);
    EXPECT_NEAR(r["resnorm"].get<double>(), mine, 1e-9 * mine) << r["file"] << " " << r["sweep"];
  }
}

TEST(cli_fit_command, json_has_exactly_the_documented_keys) {
  const auto r = eisgrid("fit --json " + shell_quote(k_nova + "16HBE_TW01_d3_endohm1_freq"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  ASSERT_EQ(j.size(), 1u);
  const auto& row = j["results"].at(0);
  std::vector<std::string> keys;
  for (const auto& [k, v] : row.items()) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys,
            (std::vector<std::string>{"aic",   "at_edge", "best_model", "bic",     "decisive_frequency", "file",   "grid_resnorm", "metric",
                                      "model", "params",  "reasons",    "resnorm", "rsh_interval",       "status", "stderr",       "sweep",
                                      "tau1",  "tau2",    "tec",        "ter"}));
  EXPECT_EQ(row["model"], "rc");
  EXPECT_EQ(row["best_model"], true);
  EXPECT_TRUE(row["decisive_frequency"].is_null());
  EXPECT_EQ(row["params"].size(), 6u);
  EXPECT_EQ(row["stderr"].size(), 5u);
}

TEST(cli_fit_command, fixed_rs_is_kept_and_has_no_error) {
  const auto r = eisgrid("fit --json --rs 20 " + shell_quote(k_nova + "16HBE_TW02_d3_endohm1_freq"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto row = nlohmann::json::parse(r.output)["results"].at(0);
  EXPECT_EQ(row["params"]["Rs"].get<double>(), 20.0);
  EXPECT_EQ(row["stderr"]["Rs"].get<double>(), 0.0);
  // Rs = 20.88 is the free optimum, so holding it at 20 cannot fit better.
  const auto expected = expected_fits();
  EXPECT_GT(row["resnorm"].get<double>(), expected["good"][1]["modulus"].get<double>());
}

TEST(cli_fit_command, summary_csv_has_one_row_per_sweep_with_area_columns) {
  test_support::temp_dir dir("fit");
  const auto csv = dir.path / "summary.csv";
  const auto r = eisgrid("fit -q --area 1.12 --summary " + shell_quote(csv.string()) + " " +
                         shell_quote(k_nova + "RPEmedia_TW1-1_d1_chamber1_channel1_5freq5sine_freq"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::ifstream in(csv);
  std::string header, line;
  std::getline(in, header);
  EXPECT_NE(header.find("TER_ohm_cm2"), std::string::npos);
  EXPECT_NE(header.find("Rsh_min_ohm"), std::string::npos);
  int rows = 0;
  while (std::getline(in, line)) {
    ++rows;
    EXPECT_NE(line.find(",ok,"), std::string::npos) << line;
  }
  EXPECT_EQ(rows, 3);
}

// Issue 21, item 3: a file name that a spreadsheet would run as a formula is
// text in both CSVs the CLI writes (`fit --summary`, `spectra --csv`).
TEST(cli_fit_command, csv_cells_that_would_start_a_formula_are_neutralised) {
  test_support::temp_dir dir("fit");
  const auto file = dir.path / "+SUM(1+1)";
  std::filesystem::copy_file(k_nova + "RPEmedia_TW1-1_d1_chamber1_channel1_5freq5sine_freq", file);
  const auto csv = dir.path / "summary.csv";
  ASSERT_EQ(eisgrid("fit -q --summary " + shell_quote(csv.string()) + " " + shell_quote(file.string())).exit_code, 0);
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);
  int rows = 0;
  while (std::getline(in, line)) {
    ++rows;
    EXPECT_EQ(line.rfind("\"'+SUM(1+1)\",", 0), 0u) << line;
  }
  EXPECT_EQ(rows, 3);
  const auto spectra = eisgrid("spectra --csv " + shell_quote(file.string()));
  ASSERT_EQ(spectra.exit_code, 0);
  EXPECT_NE(spectra.output.find("\n'+SUM(1+1),0,50000,"), std::string::npos) << spectra.output.substr(0, 300);
  EXPECT_EQ(spectra.output.find("\n+SUM"), std::string::npos);
}

TEST(cli_fit_command, compute_with_a_measured_reference_records_the_refined_result) {
  // One NOVA sweep as the CSV compute reads (ascending frequencies).
  test_support::temp_dir dir("fit");
  auto s = nova::read(k_nova + "16HBE_TW01_d3_endohm1_freq").at(0);
  const auto csv = dir.path / "tw01.csv";
  {
    std::vector<std::size_t> order(s.f.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return s.f[a] < s.f[b]; });
    std::ofstream out(csv);
    out.precision(17);
    for (auto i : order) out << s.f[i] << "," << s.z[i].real() << "," << s.z[i].imag() << "\n";
  }
  const auto r = eisgrid("compute -q --grid 4 --reference " + shell_quote(csv.string()) + " --data " + shell_quote(dir.path.string()) +
                         " --output tw01.npz");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto script = dir.path / "check.py";
  std::ofstream(script) << "import json, sys, numpy as np\n"
                           "d = np.load(sys.argv[1])\n"
                           "m = json.loads(d['metadata'].item())\n"
                           "assert d['parameters'].shape[1] == 5\n"
                           "assert d['series_resistance'].shape == d['resnorms'].shape\n"
                           "assert m['resnorm_metric'] == 'modulus'\n"
                           "f = m['refined']\n"
                           "assert f['resnorm'] <= f['grid_resnorm'] + 1e-12, f\n"
                           "assert abs(f['grid_resnorm'] - float(d['resnorms'][0])) < 1e-6 * f['grid_resnorm'], f\n"
                           "print('ok', f['resnorm'], f['grid_resnorm'])\n";
  const auto check =
      run("/usr/bin/python3 " + shell_quote(script.string()) + " " + shell_quote((dir.path / "npz/user_generated/tw01.npz").string()));
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST(cli_fit_command, save_writes_and_registers_each_sweep_with_its_refined_result) {
  test_support::temp_dir dir("fit");
  const auto r = run(shell_quote(k_cli) + " fit --save --data " + shell_quote(dir.path.string()) + " " +
                     shell_quote(k_nova + "16HBE_TW01_d3_endohm1_freq"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto file = dir.path / "npz/user_generated/fit_16HBE_TW01_d3_endohm1_freq_sweep0.npz";
  ASSERT_TRUE(std::filesystem::exists(file)) << r.output;
  EXPECT_NE(r.output.find("saved"), std::string::npos) << r.output;
  const auto inspect = run(shell_quote(k_cli) + " inspect --json -n 1 " + shell_quote(file.string()));
  ASSERT_EQ(inspect.exit_code, 0) << inspect.output;
  const auto listed = run(shell_quote(k_cli) + " sync --data " + shell_quote(dir.path.string()));
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  const auto script = dir.path / "check.py";
  std::ofstream(script) << "import json, sys, numpy as np\n"
                           "d = np.load(sys.argv[1])\n"
                           "m = json.loads(d['metadata'].item())\n"
                           "f = m['refined']\n"
                           "assert f['status'] == 'ok' and f['metric'] == 'modulus', f\n"
                           "assert abs(f['resnorm'] - 0.02667404) < 1e-6, f\n"
                           "assert f['grid_resnorm'] >= f['resnorm']\n"
                           "assert d['series_resistance'].shape == d['resnorms'].shape\n";
  const auto check = run("/usr/bin/python3 " + shell_quote(script.string()) + " " + shell_quote(file.string()));
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST(cli_fit_command, an_unreadable_file_is_one_invalid_row_the_batch_goes_on_and_the_exit_code_says_so) {
  const auto r =
      eisgrid("fit --json " + shell_quote(k_nova + "expected_fits.json") + " " + shell_quote(k_nova + "16HBE_TW01_d3_endohm1_freq"));
  // Exit 1 as spectra does, so that a batch script notices; the rows are all printed.
  ASSERT_EQ(r.exit_code, 1) << r.output;
  const auto results = nlohmann::json::parse(r.output)["results"];
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0]["status"], "ok");
  EXPECT_EQ(results[1]["file"], "expected_fits.json");
  EXPECT_EQ(results[1]["status"], "invalid_data");
  EXPECT_NE(results[1]["reasons"][0].get<std::string>().find("cannot read"), std::string::npos);
  EXPECT_TRUE(results[1]["params"].is_null());
}
