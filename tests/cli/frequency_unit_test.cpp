// The frequency unit through the real binary (issue 18, item 2): a NOVA sweep
// written under a kHz header over its Hz values is questioned by the reader and
// never fitted as `ok`; a true 10 Hz to 10 MHz sweep of an RC circuit under a
// kHz header reads and fits without a false alarm.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numbers>
#include <sstream>

#include "support/process.hpp"

using test_support::run;
using test_support::shell_quote;

namespace {

const std::string k_cli = EISGRID_CLI_PATH;
const std::string k_nova = std::string(EISGRID_FIXTURES_DIR) + "/measured/nova/";

test_support::run_result eisgrid(const std::string& args) { return run(shell_quote(k_cli) + " " + args); }
test_support::run_result eisgrid_stdout(const std::string& args) { return run("{ " + shell_quote(k_cli) + " " + args + " 2>/dev/null; }"); }

// The rows of a NOVA export (frequency, Z', -Z'' as its 2nd to 4th tab-separated fields) under `header`.
void write_nova_as_csv(const std::string& nova, const std::filesystem::path& out, const std::string& header) {
  std::ifstream in(nova);
  std::ofstream csv(out);
  csv << header << "\n";
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string time, f, re, im;
    if (!std::getline(fields, time, '\t') || !std::getline(fields, f, '\t') || !std::getline(fields, re, '\t') ||
        !std::getline(fields, im, '\t')) {
      continue;
    }
    if (f.empty() || !(std::isdigit(static_cast<unsigned char>(f[0])))) continue;
    csv << f << "," << re << "," << im << "\n";
  }
}

}  // namespace

TEST(cli_frequency_unit, khz_header_over_hz_values_is_not_fitted_as_ok) {
  test_support::temp_dir dir("frequency_unit");
  for (const char* file : {"16HBE_TW01_d3_endohm1_freq", "RPEmedia_TW1-1_d1_chamber1_channel1_5freq5sine_freq"}) {
    const auto csv = dir.path / (std::string(file) + ".csv");
    write_nova_as_csv(k_nova + file, csv, "frequency_kHz,Zreal,-Zimag");
    const auto spectra = eisgrid("spectra " + shell_quote(csv.string()));
    EXPECT_EQ(spectra.exit_code, 1) << spectra.output;
    EXPECT_NE(spectra.output.find("column 'frequency_kHz' gives the frequencies in kHz"), std::string::npos) << spectra.output;

    const auto fit = eisgrid_stdout("fit --json " + shell_quote(csv.string()));
    const auto results = nlohmann::json::parse(fit.output)["results"];
    ASSERT_EQ(results.size(), 1u) << fit.output;
    EXPECT_EQ(results[0]["status"], "invalid_data") << fit.output;
    EXPECT_NE(results[0]["reasons"].dump().find("read in Hz, the arc is a cell layer's"), std::string::npos) << fit.output;

    // The same values under their true unit read, and fit as a cell layer.
    const auto right = dir.path / (std::string(file) + "_hz.csv");
    write_nova_as_csv(k_nova + file, right, "frequency_Hz,Zreal,-Zimag");
    const auto ok = nlohmann::json::parse(eisgrid_stdout("fit --json " + shell_quote(right.string())).output)["results"];
    EXPECT_EQ(ok[0]["status"], "ok") << ok.dump();
  }
}

TEST(cli_frequency_unit, a_true_10_hz_to_10_mhz_rc_sweep_under_khz_reads_and_fits) {
  // Rs 20 ohm + 1 kohm || 1 uF, 61 points log-spaced from 10 Hz to 10 MHz, frequencies in kHz.
  test_support::temp_dir dir("frequency_unit");
  const auto csv = dir.path / "rc_khz.csv";
  {
    std::ofstream out(csv);
    out.precision(17);
    out << "frequency_kHz,Zreal,Zimag\n";
    constexpr int k_points = 61;
    for (int i = 0; i < k_points; ++i) {
      const double f = 10 * std::pow(1e6, i / double(k_points - 1));
      const auto z = 20.0 + 1000.0 / (1.0 + std::complex<double>(0, 2 * std::numbers::pi * f * 1000 * 1e-6));
      out << f / 1000 << "," << z.real() << "," << z.imag() << "\n";
    }
  }
  const auto spectra = eisgrid("spectra " + shell_quote(csv.string()));
  ASSERT_EQ(spectra.exit_code, 0) << spectra.output;
  EXPECT_NE(spectra.output.find("61 points, 10 to 1e+07 Hz"), std::string::npos) << spectra.output;
  const auto fit = eisgrid_stdout("fit --json " + shell_quote(csv.string()));
  ASSERT_EQ(fit.exit_code, 0) << fit.output;
  const auto r = nlohmann::json::parse(fit.output)["results"][0];
  EXPECT_EQ(r["status"], "ok") << r.dump();
  EXPECT_EQ(r["reasons"].size(), 0u) << r.dump();
  EXPECT_NEAR(r["ter"].get<double>(), 1000, 1e-3);
  EXPECT_NEAR(r["tec"].get<double>(), 1e-6, 1e-12);
}
