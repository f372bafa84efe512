// Real instrument files (tests/data/measured) read to what their
// README and expected.json say.
#include "measured/read.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "base/error.hpp"

using namespace eisgrid;

namespace {

const std::filesystem::path k_measured = std::filesystem::path(EISGRID_FIXTURES_DIR) / "measured";

void expect_close(const std::vector<double>& got, const nlohmann::json& expected, const std::string& what) {
  ASSERT_EQ(got.size(), expected.size()) << what;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double e = expected[i].get<double>();
    EXPECT_LE(std::abs(got[i] - e), 1e-9 * std::abs(e)) << what << " [" << i << "]";
  }
}

struct nova_case {
  const char* file;
  std::size_t sweeps;
  std::size_t points;
  const char* date;
};

}  // namespace

TEST(measured_read, every_format_file_reads_to_its_expected_arrays) {
  std::ifstream in(k_measured / "formats/expected.json");
  const auto expected = nlohmann::json::parse(in);
  ASSERT_EQ(expected.size(), 9u);
  for (const auto& [file, e] : expected.items()) {
    const auto m = measured::read_measurement(k_measured / "formats" / file);
    EXPECT_EQ(m.file, file);
    EXPECT_EQ(measured::to_string(m.format), e["format"].get<std::string>()) << file;
    ASSERT_EQ(m.sweeps.size(), 1u) << file;
    const auto& s = m.sweeps[0];
    std::vector<double> real, imag;
    for (const auto& z : s.z) {
      real.push_back(z.real());
      imag.push_back(z.imag());
    }
    expect_close(s.frequencies, e["frequencies"], file + " frequencies");
    expect_close(real, e["real"], file + " real");
    expect_close(imag, e["imag"], file + " imag");
    EXPECT_GT(s.first_line, 0u) << file;
  }
}

TEST(measured_read, forcing_the_detected_format_reads_the_same) {
  for (const char* file : {"exampleDataGamry.DTA", "exampleDataZPlot.z", "exampleDataBioLogic.mpt"}) {
    const auto detected = measured::read_measurement(k_measured / "formats" / file);
    const auto forced = measured::read_measurement(k_measured / "formats" / file, detected.format);
    EXPECT_EQ(forced.sweeps[0].frequencies, detected.sweeps[0].frequencies) << file;
  }
  // A Gamry file is no plain table: forcing csv fails with a reason, not a guess.
  EXPECT_THROW((void)measured::read_measurement(k_measured / "formats/exampleDataGamry.DTA", measured::format::csv), error);
}

TEST(measured_read, start_times_and_reader_notes) {
  const auto gamry = measured::read_measurement(k_measured / "formats/exampleDataGamry.DTA");
  EXPECT_EQ(gamry.sweeps[0].start_time, "2018-04-23T16:43:15");
  EXPECT_EQ(measured::read_measurement(k_measured / "formats/exampleDataBioLogic.mpt").sweeps[0].start_time, "2018-02-04T10:02:46");
  EXPECT_EQ(measured::read_measurement(k_measured / "formats/exampleDataVersaStudio.par").sweeps[0].start_time, "2018-07-19T09:40:30");
  EXPECT_EQ(measured::read_measurement(k_measured / "formats/exampleDataCHInstruments.txt").sweeps[0].start_time, "2020-02-20T15:55:08");
  const auto zplot = measured::read_measurement(k_measured / "formats/exampleDataZPlot.z");
  EXPECT_EQ(zplot.sweeps[0].start_time, "2018-10-12T11:04:34");
  // The header announces 56 points; the file holds 21.
  ASSERT_EQ(zplot.sweeps[0].warnings.size(), 1u);
  EXPECT_NE(zplot.sweeps[0].warnings[0].find("aborted: ended early, 21 of the 56"), std::string::npos);
  EXPECT_TRUE(gamry.sweeps[0].warnings.empty());
}

TEST(measured_read, every_nova_file_reads_with_its_sweeps_points_and_dates) {
  const nova_case cases[] = {
      {"16HBE_TW01_d3_endohm1_freq", 1, 29, "2024-08-29"},
      {"16HBE_TW02_d3_endohm1_freq", 1, 29, "2024-08-29"},
      {"16HBE_TW03_d3_endohm1_freq", 1, 29, "2024-08-29"},
      {"16HBE_TW04_d3_endohm1_freq", 1, 29, "2024-08-29"},
      {"16HBEmedia_8TWclean_d1_chamber1_channel1_freq", 3, 29, "2024-12-10"},
      {"16HBEmedia_disconnect_freq.txt", 1, 29, "2024-12-16"},
      {"RPEmedia_TW1-1_d1_chamber1_channel1_5freq5sine_freq", 3, 66, "2024-09-23"},
      {"noSoln_modelCell_d1_chamber1_channel1_freq", 3, 29, "2024-12-10"},
  };
  for (const auto& c : cases) {
    const auto m = measured::read_measurement(k_measured / "nova" / c.file);
    EXPECT_EQ(m.format, measured::format::nova) << c.file;
    ASSERT_EQ(m.sweeps.size(), c.sweeps) << c.file;
    for (const auto& s : m.sweeps) {
      EXPECT_EQ(s.frequencies.size(), c.points) << c.file;
      EXPECT_EQ(s.start_time, c.date) << c.file;
      EXPECT_EQ(s.frequencies.front(), 50000) << c.file;  // measured from high to low
    }
  }
}

TEST(measured_read, nova_keeps_the_measured_order_and_converts_minus_z_imag) {
  const auto m = measured::read_measurement(k_measured / "nova/RPEmedia_TW1-1_d1_chamber1_channel1_5freq5sine_freq");
  const auto& s = m.sweeps[0];
  // Rows 3 and 4 of the file: 30871 Hz then 19060 Hz; the multi-sine block is out of order.
  EXPECT_EQ(s.frequencies[1], 30871);
  EXPECT_EQ(s.frequencies[2], 19060);
  EXPECT_EQ(s.frequencies[8], 1739.36);
  EXPECT_EQ(s.frequencies[9], 1710);
  // The file's -Z'' column holds 0.158786686123334 for the first row.
  EXPECT_DOUBLE_EQ(s.z[0].imag(), -0.158786686123334);
  EXPECT_DOUBLE_EQ(s.z[0].real(), 18.2034631852479);
  EXPECT_EQ(s.first_line, 3u);
  EXPECT_EQ(m.sweeps[1].first_line, 71u);
}

TEST(measured_read, gamry_aborted_run_is_kept_with_a_warning) {
  std::ifstream in(k_measured / "formats/exampleDataGamry.DTA", std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  // Stopped after the first ten points: Gamry keeps the rows it has and sets the tag.
  const std::size_t table = text.find("ZCURVE\tTABLE");
  std::size_t cut = table;
  for (int line = 0; line < 3 + 10; ++line) cut = text.find('\n', cut) + 1;
  const std::string aborted = text.substr(0, cut) + "EXPERIMENTABORTED\tTOGGLE\tT\tExperiment Aborted\n";
  const auto m = measured::read_measurement_text("aborted.DTA", aborted);
  ASSERT_EQ(m.sweeps.size(), 1u);
  EXPECT_EQ(m.sweeps[0].z.size(), 10u);
  ASSERT_EQ(m.sweeps[0].warnings.size(), 1u);
  EXPECT_EQ(m.sweeps[0].warnings[0].rfind("aborted: ended early", 0), 0u);
}

TEST(measured_read, biologic_cycles_are_sweeps_with_their_own_start_times) {
  std::ifstream in(k_measured / "formats/exampleDataBioLogic.mpt", std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  // A second cycle: the same rows with cycle number 2 and times 3600 s later.
  std::string second;
  std::size_t at = 0;
  for (int line = 0; line < 61; ++line) at = text.find('\n', at) + 1;
  const std::string rows = text.substr(at);
  std::size_t start = 0;
  while (start < rows.size()) {
    std::size_t end = rows.find('\n', start);
    if (end == std::string::npos) end = rows.size();
    std::string row = rows.substr(start, end - start);
    std::vector<std::string> fields;
    std::size_t f = 0;
    while (true) {
      const std::size_t tab = row.find('\t', f);
      fields.push_back(row.substr(f, tab - f));
      if (tab == std::string::npos) break;
      f = tab + 1;
    }
    fields[5] = std::to_string(std::stod(fields[5]) + 3600);
    fields[10] = "2.000000000000000E+000";
    for (std::size_t i = 0; i < fields.size(); ++i) second += (i ? "\t" : "") + fields[i];
    second += '\n';
    start = end + 1;
  }
  const auto m = measured::read_measurement_text("cycles.mpt", text + "\n" + second);
  ASSERT_EQ(m.sweeps.size(), 2u);
  EXPECT_EQ(m.sweeps[0].z.size(), 43u);
  EXPECT_EQ(m.sweeps[1].z.size(), 43u);
  EXPECT_EQ(m.sweeps[1].frequencies, m.sweeps[0].frequencies);
  EXPECT_EQ(m.sweeps[1].start_time, "2018-02-04T11:02:46");
}
