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

// Files of shapes other labs' and older instruments' exports have, made by us
// (tests/data/measured/made/README.md).
namespace {

const std::filesystem::path k_made = k_measured / "made";

// What the refusal of `file` says; "" when it reads.
std::string refusal(const std::string& file) {
  try {
    (void)measured::read_measurement(k_made / file);
  } catch (const error& e) {
    EXPECT_EQ(e.kind(), error_kind::invalid_input) << e.what();
    return e.what();
  }
  return "";
}

// nlohmann's dump() refuses invalid UTF-8: an independent check.
bool valid_utf8(const std::string& s) {
  try {
    (void)nlohmann::json(s).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

}  // namespace

TEST(measured_read, biologic_rest_rows_are_skipped_with_a_warning_naming_them) {
  const auto m = measured::read_measurement(k_made / "biologic_geis_rest_rows.mpt");
  EXPECT_EQ(m.format, measured::format::biologic);
  ASSERT_EQ(m.sweeps.size(), 2u);
  for (const auto& s : m.sweeps) {
    ASSERT_EQ(s.frequencies.size(), 7u);
    EXPECT_EQ(s.frequencies.front(), 10000);
    EXPECT_NEAR(s.z.back().real(), 519.5070063, 1e-3);
  }
  EXPECT_EQ(
      m.sweeps[0].warnings,
      std::vector<std::string>{"skipped 3 rows (lines 7-9) with frequency 0 and no impedance: rest or OCV steps, not impedance points"});
  EXPECT_EQ(
      m.sweeps[1].warnings,
      std::vector<std::string>{"skipped 2 rows (lines 17-18) with frequency 0 and no impedance: rest or OCV steps, not impedance points"});
}

namespace {

// The BioLogic reader's refusal comes first, naming its reader; the plain
// table's (tried after it) follows.
void expect_refusal_starts(const std::string& got, const std::string& reason) {
  EXPECT_EQ(got.substr(0, reason.size()), reason) << got;
  EXPECT_NE(got.find(reason + " (the biologic reader, chosen by the file's content)"), std::string::npos) << got;
}

}  // namespace

TEST(measured_read, biologic_zero_frequency_beside_an_impedance_refuses_the_file) {
  expect_refusal_starts(
      refusal("biologic_zero_frequency_with_impedance.mpt"),
      "file 'biologic_zero_frequency_with_impedance.mpt' line 18: frequency 0 Hz (column 'freq/Hz'): frequencies must be positive");
}

TEST(measured_read, biologic_with_only_rest_rows_says_so) {
  const std::string only_rest =
      "EC-Lab ASCII FILE\nNb header lines : 4\n\nfreq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm\tcycle number\n0\t0\t0\t1\n0,000\t\t\t1\n";
  try {
    (void)measured::read_measurement_text("rest.mpt", only_rest);
    FAIL() << "read a file without impedance rows";
  } catch (const error& e) {
    expect_refusal_starts(e.what(),
                          "file 'rest.mpt' line 4: no impedance rows: all 2 rows below the header have frequency 0 and no impedance "
                          "(rest or OCV steps)");
  }
}

TEST(measured_read, old_zplotw_and_zplot_without_comments_are_zplot) {
  for (const char* file : {"zplotw_v2.6b.txt", "zplot_without_comments.txt"}) {
    const auto m = measured::read_measurement(k_made / file);
    EXPECT_EQ(m.format, measured::format::zplot) << file;
    ASSERT_EQ(m.sweeps.size(), 1u) << file;
    const auto& s = m.sweeps[0];
    ASSERT_EQ(s.frequencies.size(), 7u) << file;
    EXPECT_EQ(s.frequencies[0], 10000) << file;
    EXPECT_NEAR(s.z[2].real(), 65.99983418, 1e-2) << file;
    EXPECT_NEAR(s.z[2].imag(), -144.5127411, 1e-2) << file;
    EXPECT_TRUE(s.warnings.empty()) << file;  // as many rows as announced
  }
  EXPECT_EQ(measured::read_measurement(k_made / "zplot_without_comments.txt").sweeps[0].start_time, "2024-03-14T09:30:00");
  // The Autolab FRA file keeps its format: its title names no ZPlot.
  EXPECT_EQ(measured::read_measurement(k_measured / "formats/exampleDataAutolab.txt").format, measured::format::autolab);
}

TEST(measured_read, zplotw_with_fewer_rows_than_announced_warns) {
  std::ifstream in(k_made / "zplotw_v2.6b.txt", std::ios::binary);
  std::string text{std::istreambuf_iterator<char>(in), {}};
  text.replace(text.find("\n7\r"), 3, "\n9\r");
  const auto m = measured::read_measurement_text("short.txt", text);
  EXPECT_EQ(m.format, measured::format::zplot);
  EXPECT_EQ(m.sweeps.at(0).warnings, std::vector<std::string>{"aborted: ended early, 7 of the 9 points the file announces"});
}

TEST(measured_read, latin1_names_are_quoted_in_utf8) {
  const std::string message = refusal("latin1_capacitance_column.csv");
  EXPECT_TRUE(valid_utf8(message)) << message;
  EXPECT_NE(message.find("'Cs/\xC2\xB5"
                         "F'"),
            std::string::npos)
      << message;
  // A field of a Latin-1 row too.
  const std::string row = "f;Z';Z''\n1;2;-3\n2;4\xB0;-3\n";
  try {
    (void)measured::read_measurement_text("row.csv", row);
    FAIL() << "read a row that is not a number";
  } catch (const error& e) {
    EXPECT_TRUE(valid_utf8(e.what())) << e.what();
    EXPECT_NE(std::string(e.what()).find("'4\xC2\xB0'"), std::string::npos) << e.what();
  }
}
