// eisgrid spectra: every instrument file through --json to its expected
// arrays, the CSV and text forms, and a file that cannot be read.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/process.hpp"

using test_support::run;
using test_support::shell_quote;

namespace {

const std::string k_cli = EISGRID_CLI_PATH;
const std::filesystem::path k_measured = std::filesystem::path(EISGRID_FIXTURES_DIR) / "measured";

// stdout alone (stderr to a file), and the exit code.
test_support::run_result stdout_of(const std::string& args, const std::filesystem::path& stderr_file) {
  return run("(" + shell_quote(k_cli) + " " + args + " 2>" + shell_quote(stderr_file.string()) + ")");
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST(cli_spectra, json_of_every_format_file_matches_expected_json) {
  test_support::temp_dir dir("spectra");
  std::ifstream in(k_measured / "formats/expected.json");
  const auto expected = nlohmann::json::parse(in);
  std::string files;
  for (const auto& [name, e] : expected.items()) files += " " + shell_quote((k_measured / "formats" / name).string());
  const auto r = stdout_of("spectra --json" + files, dir.path / "err");
  ASSERT_EQ(r.exit_code, 0) << r.output << read_text(dir.path / "err");
  const auto j = nlohmann::json::parse(r.output);
  ASSERT_EQ(j.size(), 1u);
  ASSERT_EQ(j["files"].size(), expected.size());
  for (const auto& file : j["files"]) {
    const auto& e = expected.at(file["file"].get<std::string>());
    EXPECT_EQ(file["format"], e["format"]) << file["file"];
    ASSERT_EQ(file.size(), 3u);
    ASSERT_EQ(file["spectra"].size(), 1u);
    const auto& s = file["spectra"][0];
    EXPECT_EQ(s["sweep"], 0);
    EXPECT_TRUE(s["warnings"].is_array());
    EXPECT_EQ(s.size(), 5u);
    for (const char* key : {"frequencies", "real", "imag"}) {
      ASSERT_EQ(s[key].size(), e[key].size()) << file["file"] << " " << key;
      for (std::size_t i = 0; i < e[key].size(); ++i) {
        const double want = e[key][i].get<double>();
        EXPECT_LE(std::abs(s[key][i].get<double>() - want), 1e-9 * std::abs(want)) << file["file"] << " " << key << "[" << i << "]";
      }
    }
  }
}

TEST(cli_spectra, csv_text_and_a_file_that_cannot_be_read) {
  test_support::temp_dir dir("spectra");
  const auto bad = dir.path / "bad.csv";
  std::ofstream(bad) << "f,re,im\n1,2,-3\n2,x,-3\n";
  const std::string rpe = (k_measured / "nova/RPEmedia_TW1-1_d1_chamber1_channel1_5freq5sine_freq").string();
  const auto csv = stdout_of("spectra --csv " + shell_quote(bad.string()) + " " + shell_quote(rpe), dir.path / "err");
  EXPECT_EQ(csv.exit_code, 1);
  EXPECT_EQ(csv.output.substr(0, csv.output.find('\n')), "file,sweep,frequency,real,imag");
  EXPECT_EQ(std::count(csv.output.begin(), csv.output.end(), '\n'), 1 + 3 * 66);
  EXPECT_NE(csv.output.find("\nRPEmedia_TW1-1_d1_chamber1_channel1_5freq5sine_freq,0,50000,18.2034631852479,-0.158786686123334\n"),
            std::string::npos)
      << csv.output.substr(0, 300);
  const std::string err = read_text(dir.path / "err");
  EXPECT_NE(err.find("eisgrid: file 'bad.csv' line 3: field 2 ('x', column 're') is not a number"), std::string::npos) << err;
  EXPECT_NE(err.find("1 of 2 files could not be read"), std::string::npos) << err;

  const auto text =
      run(shell_quote(k_cli) + " spectra " + shell_quote(rpe) + " " + shell_quote((k_measured / "formats/exampleDataZPlot.z").string()));
  EXPECT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("RPEmedia_TW1-1_d1_chamber1_channel1_5freq5sine_freq: nova, 3 sweeps"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("  sweep 2: 66 points, 2 to 50000 Hz, |Z| 18.5099 to 600.398 ohm, started 2024-09-23"), std::string::npos)
      << text.output;
  EXPECT_NE(text.output.find("    warning: aborted: ended early, 21 of the 56 points"), std::string::npos) << text.output;

  const auto forced = run(shell_quote(k_cli) + " spectra --format gamry " + shell_quote(rpe));
  EXPECT_EQ(forced.exit_code, 1);
  EXPECT_NE(forced.output.find("no ZCURVE table"), std::string::npos) << forced.output;
  EXPECT_EQ(run(shell_quote(k_cli) + " spectra --format nosuch " + shell_quote(rpe)).exit_code, 2);
  EXPECT_EQ(run(shell_quote(k_cli) + " spectra --json --csv " + shell_quote(rpe)).exit_code, 2);
}

TEST(cli_spectra, json_of_nova_files_has_every_sweep) {
  test_support::temp_dir dir("spectra");
  const auto r = stdout_of("spectra --json " + shell_quote((k_measured / "nova/noSoln_modelCell_d1_chamber1_channel1_freq").string()),
                           dir.path / "err");
  ASSERT_EQ(r.exit_code, 0) << read_text(dir.path / "err");
  const auto j = nlohmann::json::parse(r.output);
  const auto& spectra = j["files"][0]["spectra"];
  ASSERT_EQ(spectra.size(), 3u);
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(spectra[k]["sweep"], k);
    EXPECT_EQ(spectra[k]["frequencies"].size(), 29u);
    EXPECT_LT(spectra[k]["imag"][10].get<double>(), 0);  // the file's -Z'' is positive: capacitive
  }
}

// Shapes of other labs' files (tests/data/measured/made): what the command
// shows of them, and every byte it writes valid UTF-8.
TEST(cli_spectra, made_files_read_with_their_formats_warnings_and_utf8_messages) {
  test_support::temp_dir dir("spectra");
  const auto made = k_measured / "made";
  std::string files;
  for (const char* f : {"biologic_geis_rest_rows.mpt", "zplotw_v2.6b.txt", "zplot_without_comments.txt", "latin1_capacitance_column.csv",
                        "biologic_zero_frequency_with_impedance.mpt"}) {
    files += " " + shell_quote((made / f).string());
  }
  const auto r = stdout_of("spectra --json" + files, dir.path / "err");
  EXPECT_EQ(r.exit_code, 1);  // two files are refused, the others shown
  const auto j = nlohmann::json::parse(r.output);
  ASSERT_EQ(j["files"].size(), 3u) << r.output;
  EXPECT_EQ(j["files"][0]["format"], "biologic");
  ASSERT_EQ(j["files"][0]["spectra"].size(), 2u);
  EXPECT_EQ(j["files"][0]["spectra"][1]["frequencies"].size(), 7u);
  EXPECT_EQ(j["files"][0]["spectra"][0]["warnings"][0],
            "skipped 3 rows (lines 7-9) with frequency 0 and no impedance: rest or OCV steps, not impedance points");
  EXPECT_EQ(j["files"][1]["format"], "zplot");
  EXPECT_EQ(j["files"][2]["format"], "zplot");

  const std::string err = read_text(dir.path / "err");
  EXPECT_NO_THROW((void)nlohmann::json(err).dump()) << "stderr is not UTF-8: " << err;  // dump() refuses invalid UTF-8
  EXPECT_NE(err.find("'Cs/\xC2\xB5"
                     "F'"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("biologic_zero_frequency_with_impedance.mpt' line 18: frequency 0 Hz"), std::string::npos) << err;
}
