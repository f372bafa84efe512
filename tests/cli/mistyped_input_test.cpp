// Mistyped and unexpected input through the real binary (issue 18, items 3, 4
// and 6): the unknown command or option is named with the nearest valid one,
// format names are taken in any case and an unknown one is answered with the
// list, the README's header names read in a plain table, a refusal names the
// reader that refused, and inspect points a measurement file to spectra and fit.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "support/process.hpp"

using test_support::run;
using test_support::shell_quote;

namespace {

const std::string k_cli = EISGRID_CLI_PATH;
const std::string k_nova = std::string(EISGRID_FIXTURES_DIR) + "/measured/nova/16HBE_TW01_d3_endohm1_freq";
constexpr int k_usage = 2;

test_support::run_result eisgrid(const std::string& args) { return run(shell_quote(k_cli) + " " + args); }

void expect_says(const test_support::run_result& r, int code, const std::string& text) {
  EXPECT_EQ(r.exit_code, code) << r.output;
  EXPECT_NE(r.output.find(text), std::string::npos) << "expected '" << text << "' in:\n" << r.output;
}

}  // namespace

TEST(cli_mistyped_input, an_unknown_option_is_named_with_the_nearest_one) {
  expect_says(eisgrid("fit " + shell_quote(k_nova) + " --aera 1.12"), k_usage,
              "unknown option '--aera' for 'eisgrid fit'; did you mean '--area'?");
  expect_says(eisgrid("compute --gird 5"), k_usage, "unknown option '--gird' for 'eisgrid compute'; did you mean '--grid'?");
  expect_says(eisgrid("spectra " + shell_quote(k_nova) + " --jsn"), k_usage, "did you mean '--json'?");
  // Nothing near: the help is named instead of a guess.
  expect_says(eisgrid("inspect x.npz --frobnicate"), k_usage,
              "unknown option '--frobnicate' for 'eisgrid inspect' (see 'eisgrid inspect --help')");
  // A value that starts with '-' is a value, not an option.
  const auto negative =
      eisgrid("compute --fmin -1 --output x.npz --data " + shell_quote((std::filesystem::temp_directory_path() / "none").string()));
  expect_says(negative, k_usage, "frequencies must be positive");
  EXPECT_EQ(negative.output.find("unknown option"), std::string::npos) << negative.output;
}

TEST(cli_mistyped_input, an_unknown_command_is_named_with_the_nearest_one) {
  expect_says(eisgrid("fitt " + shell_quote(k_nova)), k_usage, "unknown command 'fitt' for 'eisgrid'; did you mean 'fit'?");
  expect_says(eisgrid("specta"), k_usage, "did you mean 'spectra'?");
  expect_says(eisgrid("user ad alice"), k_usage, "unknown command 'ad' for 'eisgrid user'; did you mean 'add'?");
  expect_says(eisgrid("nope"), k_usage, "(commands: compute, fit, inspect, spectra, validate, sync, user, tag, serve)");
}

TEST(cli_mistyped_input, format_names_in_any_case_and_the_list_for_an_unknown_one) {
  const auto fit = eisgrid("fit --json --format Nova " + shell_quote(k_nova) + " 2>/dev/null");
  ASSERT_EQ(fit.exit_code, 0) << fit.output;
  EXPECT_EQ(nlohmann::json::parse(fit.output)["results"][0]["status"], "ok") << fit.output;
  expect_says(eisgrid("spectra --format NOVA " + shell_quote(k_nova)), 0, "nova, 1 sweep");
  const std::string list = "(formats: csv, nova, gamry, biologic, zplot, autolab, chinstruments, parstat, powersuite, versastudio)";
  expect_says(eisgrid("fit --format novo " + shell_quote(k_nova)), k_usage, "unknown format 'novo' " + list);
  expect_says(eisgrid("spectra --format xyz " + shell_quote(k_nova)), k_usage, list);
  expect_says(eisgrid("compute --reference " + shell_quote(k_nova) + " --format xyz"), k_usage, list);
}

TEST(cli_mistyped_input, the_readmes_header_names_read_and_a_refusal_names_its_reader) {
  test_support::temp_dir dir("mistyped");
  for (const char delimiter : {';', ',', '\t'}) {
    const auto path = dir.path / "table.csv";
    std::ofstream(path) << "freq/Hz" << delimiter << "Re(Z)/Ohm" << delimiter << "-Im(Z)/Ohm\n"
                        << "2" << delimiter << "610" << delimiter << "5\n"
                        << "100" << delimiter << "400" << delimiter << "250\n"
                        << "10000" << delimiter << "25" << delimiter << "10\n";
    const auto r = eisgrid("spectra --json " + shell_quote(path.string()) + " 2>/dev/null");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto sweep = nlohmann::json::parse(r.output)["files"][0]["spectra"][0];
    EXPECT_EQ(sweep["frequencies"].size(), 3u) << r.output;
  }
  const auto bad = dir.path / "bad.csv";
  std::ofstream(bad) << "a;b;c\n1;2;3\n";
  expect_says(eisgrid("spectra " + shell_quote(bad.string())), 1, "(the csv reader, chosen by the file's content)");
  expect_says(eisgrid("spectra --format gamry " + shell_quote(bad.string())), 1, "(the gamry reader, forced by --format)");
}

TEST(cli_mistyped_input, inspect_on_a_measurement_points_to_spectra_and_fit) {
  expect_says(eisgrid("inspect " + shell_quote(k_nova)), 1,
              "inspect reads datasets (.npz): for a measurement file, 'eisgrid spectra 16HBE_TW01_d3_endohm1_freq' shows its sweeps "
              "and 'eisgrid fit 16HBE_TW01_d3_endohm1_freq' fits them");
}
