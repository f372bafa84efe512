// The eisgrid executable end to end: exit codes, files, output, and a kill mid-write.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/process.hpp"

using test_support::run;
using test_support::shell_quote;

extern char** environ;

namespace {

const std::string k_cli = EISGRID_CLI_PATH;

test_support::run_result eisgrid(const std::string& args) { return run(shell_quote(k_cli) + " " + args); }

}  // namespace

TEST(cli_commands, compute_writes_a_dataset_and_prints_the_best_rows) {
  test_support::temp_dir root("cli");
  const auto r = eisgrid("compute --grid 5 --data " + shell_quote(root.path.string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto file = root.path / "npz/user_generated/grid_5_freq_0.1_100000.npz";
  EXPECT_TRUE(std::filesystem::exists(file));
  EXPECT_NE(r.output.find("273.005"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("TER"), std::string::npos);

  const auto again = eisgrid("compute --grid 5 --data " + shell_quote(root.path.string()));
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.output.find("already exists"), std::string::npos) << again.output;

  const auto json = eisgrid("inspect --json -n 2 " + shell_quote(file.string()));
  ASSERT_EQ(json.exit_code, 0) << json.output;
  const auto j = nlohmann::json::parse(json.output);
  EXPECT_EQ(j["rows"], 3125);
  ASSERT_EQ(j["top"].size(), 2u);
  EXPECT_NEAR(j["top"][0]["resnorm"].get<double>(), 273.005236, 1e-3);
  EXPECT_EQ(j["top"][0]["resnorm"], j["top"][1]["resnorm"]);
  const double ter = j["top"][0]["TER"].get<double>();
  EXPECT_NEAR(ter, 1e4 * 2 * 1778.27941 / (1e4 + 2 * 1778.27941), 1e-1);

  const auto by_name = eisgrid("inspect grid_5_freq_0.1_100000.npz --data " + shell_quote(root.path.string()));
  EXPECT_EQ(by_name.exit_code, 0) << by_name.output;
}

TEST(cli_commands, compute_options_reach_the_file) {
  test_support::temp_dir root("cli");
  const auto r = eisgrid(
      "compute --grid 4 --preset fast --metric rmse --keep 20 --spectra 3 --store --ref Rsh=800 "
      "--range Cb=1e-6:1e-5:3 --output my-run.npz -q --data " +
      shell_quote(root.path.string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "");
  const auto file = root.path / "npz/user_generated/my-run.npz";
  const auto py = test_support::python(R"PY(
import json, sys, numpy as np
z = np.load(sys.argv[1]); m = json.loads(z["metadata"].item())
assert z["parameters"].shape == (20, 5) and z["spectrum"].shape == (3, 50, 4)
assert m["resnorm_metric"] == "rmse" and m["n_grid_points"] == 4 ** 4 * 3 and m["grid_size"] is None
assert m["reference"]["parameters"]["Rsh"] == 800 and m["freq_min"] == 1 and m["freq_max"] == 1e4
assert m["parameter_ranges"]["Cb"] == {"min": 1e-6, "max": 1e-5, "count": 3, "unit": "farad", "spacing": "log"}
print("ok")
)PY",
                                       shell_quote(file.string()));
  EXPECT_EQ(py.exit_code, 0) << py.output;
  const auto unzip = run("unzip -v " + shell_quote(file.string()));
  EXPECT_NE(unzip.output.find("Stored"), std::string::npos) << unzip.output;
  EXPECT_EQ(unzip.output.find("Defl"), std::string::npos) << unzip.output;
}

TEST(cli_commands, usage_errors_exit_2_with_a_message) {
  for (const char* args :
       {"", "compute --grid x", "compute --grid 1", "compute --metric nope", "compute --keep 0", "compute --ref Rsh=-1",
        "compute --fmin 10 --fmax 1", "compute --output ../x.npz", "compute --preset nope", "nope", "inspect", "validate"}) {
    const auto r = eisgrid(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_FALSE(r.output.empty()) << args;
  }
  const auto help = eisgrid("compute --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("--spectra"), std::string::npos);
}

TEST(cli_commands, validate_reports_each_file_and_fails_on_any_invalid) {
  test_support::temp_dir root("cli");
  const std::string legacy = EISGRID_FIXTURES_DIR "/legacy/sample_grid_5_test.npz";
  const auto bad = root.path / "bad.npz";
  run("head -c 1000 " + shell_quote(legacy) + " > " + shell_quote(bad.string()));
  const auto ok = eisgrid("validate " + shell_quote(legacy));
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_EQ(ok.output.rfind("ok", 0), 0u) << ok.output;
  const auto mixed = eisgrid("validate " + shell_quote(legacy) + " " + shell_quote(bad.string()));
  EXPECT_EQ(mixed.exit_code, 1) << mixed.output;
  EXPECT_NE(mixed.output.find("invalid " + bad.string() + ": "), std::string::npos) << mixed.output;
  EXPECT_NE(mixed.output.find("1 of 2 files invalid"), std::string::npos) << mixed.output;
}

TEST(cli_commands, measured_reference_csv) {
  test_support::temp_dir root("cli");
  const auto csv = root.path / "measured.csv";
  std::ofstream(csv) << "f,re,im\n1,3000,-800\n10,2000,-900\n100,500,-400\n";
  const auto r = eisgrid("compute --grid 3 -q --reference " + shell_quote(csv.string()) + " --data " + shell_quote(root.path.string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(std::filesystem::exists(root.path / "npz/user_generated/grid_3_freq_1_100.npz"));
  std::ofstream(csv) << "1,3000,-800\n10,oops,-900\n";
  const auto bad = eisgrid("compute --grid 3 -q --reference " + shell_quote(csv.string()) + " --data " + shell_quote(root.path.string()));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("file 'measured.csv' line 2: field 2 ('oops', column 'column 2 (Z')') is not a number"), std::string::npos)
      << bad.output;
  const auto both = eisgrid("compute --grid 3 --fmin 1 --reference " + shell_quote(csv.string()));
  EXPECT_EQ(both.exit_code, 2) << both.output;
  const auto missing = eisgrid("compute --grid 3 -q --reference " + shell_quote((root.path / "nope.csv").string()) + " --data " +
                               shell_quote(root.path.string()));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("file 'nope.csv': no such file"), std::string::npos) << missing.output;
}

TEST(cli_commands, measured_reference_in_any_format_with_its_sweep) {
  test_support::temp_dir root("cli");
  const std::string rpe = std::string(EISGRID_FIXTURES_DIR) + "/measured/nova/RPEmedia_TW1-1_d1_chamber1_channel1_5freq5sine_freq";
  const std::string data = " --data " + shell_quote(root.path.string());
  // The first sweep by default, with a note that the file has more.
  const auto first = eisgrid("compute --grid 3 --top 1 --reference " + shell_quote(rpe) + data);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("holds 3 sweeps; the reference is sweep 0 (FILE:K takes sweep K)"), std::string::npos) << first.output;
  const auto second = eisgrid("compute --grid 3 -q --output rpe2.npz --format nova --reference " + shell_quote(rpe + ":2") + data);
  ASSERT_EQ(second.exit_code, 0) << second.output;
  const auto file = root.path / "npz/user_generated/rpe2.npz";
  const auto py = test_support::python(R"PY(
import json, sys, numpy as np
z = np.load(sys.argv[1]); m = json.loads(z["metadata"].item())
r = m["reference"]
assert r["type"] == "measured" and r["sweep"] == 2 and r["format"] == "nova" and r["start_time"] == "2024-09-23", r
assert m["frequency_spacing"] == "measured" and m["freq_min"] == 2 and m["freq_max"] == 50000, m
f = z["frequencies"]; order = z["frequency_order"]
assert f.shape == (66,) and (np.diff(f) >= 0).all()
# The file's measured order comes back through frequency_order: the sweep starts at 50 kHz.
measured = np.empty(66); measured[order] = f
assert measured[0] == 50000 and measured[1] == 30871, measured[:3]
print("ok")
)PY",
                                       shell_quote(file.string()));
  EXPECT_EQ(py.exit_code, 0) << py.output;
  EXPECT_EQ(eisgrid("validate " + shell_quote(file.string())).exit_code, 0);
  const auto gamry = std::string(EISGRID_FIXTURES_DIR) + "/measured/formats/exampleDataGamry.DTA";
  const auto no_sweep = eisgrid("compute --grid 3 -q --reference " + shell_quote(gamry + ":1") + data);
  EXPECT_EQ(no_sweep.exit_code, 2) << no_sweep.output;
  EXPECT_NE(no_sweep.output.find("has 1 sweep (numbered from 0); there is no sweep 1"), std::string::npos) << no_sweep.output;
  EXPECT_EQ(eisgrid("compute --grid 3 -q --reference " + shell_quote(gamry) + data).exit_code, 0);
}

TEST(cli_commands, repeated_measured_frequencies_make_a_valid_dataset) {
  test_support::temp_dir root("cli");
  const auto csv = root.path / "multisine.csv";
  std::ofstream(csv) << "f,re,im\n100,500,-400\n10,2000,-900\n100,510,-390\n1,3000,-800\n";
  const auto r = eisgrid("compute --grid 3 -q --reference " + shell_quote(csv.string()) + " --data " + shell_quote(root.path.string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto file = root.path / "npz/user_generated/grid_3_freq_1_100.npz";
  const auto py = test_support::python(R"PY(
import sys, numpy as np
z = np.load(sys.argv[1])
assert list(z["frequencies"]) == [1, 10, 100, 100], z["frequencies"]
assert list(z["frequency_order"]) == [3, 1, 0, 2], z["frequency_order"]
assert list(z["reference_spectrum"][:, 0]) == [3000, 2000, 500, 510]
print("ok")
)PY",
                                       shell_quote(file.string()));
  EXPECT_EQ(py.exit_code, 0) << py.output;
  EXPECT_EQ(eisgrid("validate " + shell_quote(file.string())).exit_code, 0);
}

TEST(cli_commands, killed_compute_leaves_no_partial_file) {
  test_support::temp_dir root("cli");
  // A big enough write (1.6 GB of stored spectra) that the kill lands mid-write.
  const std::string data = root.path.string();
  std::vector<std::string> args{k_cli, "compute", "--grid", "10", "--points", "1000", "--spectra", "all", "--store", "-q", "--data", data};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(::posix_spawn(&pid, k_cli.c_str(), nullptr, nullptr, argv.data(), environ), 0);
  const auto temp = root.path / "npz/temp";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool writing = false;
  while (!writing && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(temp, ec)) writing |= e.file_size() > 0;
  }
  ASSERT_TRUE(writing) << "the compute never started writing";
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_TRUE(std::filesystem::is_empty(root.path / "npz/user_generated"));
  const auto v = eisgrid("validate " + shell_quote((root.path / "npz/user_generated/grid_10_freq_0.1_100000.npz").string()));
  EXPECT_EQ(v.exit_code, 1);
}
