// eisgrid fit over more sweeps than one batch (cli/fit_command.cpp fits and
// writes a long input a batch at a time, so that memory stays flat): every
// sweep's row is there, in input order across the batches, in the JSON and the
// --summary CSV alike, and each equals the fit of its file alone.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/process.hpp"

using test_support::run;
using test_support::shell_quote;

namespace {

const std::string k_cli = EISGRID_CLI_PATH;
const std::string k_nova = std::string(EISGRID_FIXTURES_DIR) + "/measured/nova/";

nlohmann::json fit_json(const std::string& args) {
  const auto r = run("{ " + shell_quote(k_cli) + " fit --json --grid 2 " + args + " 2>/dev/null; }");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return nlohmann::json::parse(r.output)["results"];
}

TEST(cli_fit_batch, rows_of_a_long_input_come_in_input_order_each_as_its_file_alone_gives) {
  // Two recordings of one sweep each, alternating: 600 sweeps, more than one batch (512).
  const std::string sources[2] = {k_nova + "RPMI_TW01_d5_endohm2_freq", k_nova + "16HBE_TW01_d3_endohm1_freq"};
  const nlohmann::json alone[2] = {fit_json(shell_quote(sources[0]))[0], fit_json(shell_quote(sources[1]))[0]};
  ASSERT_NE(alone[0]["ter"], alone[1]["ter"]);
  test_support::temp_dir dir("fit_batch");
  constexpr int k_files = 600;
  std::string files;
  for (int i = 0; i < k_files; ++i) {
    const auto path = dir.path / ("insert" + std::to_string(1000 + i) + ".txt");
    std::filesystem::copy_file(sources[i % 2], path);
    files += " " + shell_quote(path.string());
  }
  const auto summary = dir.path / "summary.csv";
  const auto rows = fit_json("--summary " + shell_quote(summary.string()) + files);
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(k_files));
  for (int i = 0; i < k_files; ++i) {
    const auto& row = rows[static_cast<std::size_t>(i)];
    ASSERT_EQ(row["file"], "insert" + std::to_string(1000 + i) + ".txt") << i;
    auto expected = alone[i % 2];
    expected["file"] = row["file"];
    ASSERT_EQ(row, expected) << i;
  }
  std::ifstream in(summary);
  std::string line;
  std::getline(in, line);
  ASSERT_EQ(line.rfind("file,sweep,", 0), 0U) << line;
  for (int i = 0; i < k_files; ++i) {
    ASSERT_TRUE(std::getline(in, line)) << "summary ends at row " << i;
    ASSERT_EQ(line.rfind("\"insert" + std::to_string(1000 + i) + ".txt\",0,", 0), 0U) << line;
  }
  EXPECT_FALSE(std::getline(in, line)) << "a row more than the sweeps: " << line;
}

}  // namespace
