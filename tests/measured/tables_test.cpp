// The reader's question to a frequency unit (issue 18): a kHz header over
// values in Hz puts a cell layer's arc where no cell layer's is, and is
// refused; a sweep truly up to 10 MHz in kHz or MHz reads.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <string>

#include "base/error.hpp"
#include "measured/read.hpp"

using namespace eisgrid;

namespace {

// Rs + R || C, written with the frequencies divided by `per_unit` and Z'' as -Z''.
std::string rc_table(const std::string& header, double fmin, double fmax, double per_unit, double rs, double r, double c) {
  std::string out = header + "\n";
  constexpr int k_points = 41;
  for (int i = 0; i < k_points; ++i) {
    const double f = fmin * std::pow(fmax / fmin, i / double(k_points - 1));
    const auto z = rs + r / (1.0 + std::complex<double>(0, 2 * std::numbers::pi * f * r * c));
    out += std::to_string(f / per_unit) + "," + std::to_string(z.real()) + "," + std::to_string(-z.imag()) + "\n";
  }
  return out;
}

// An RPE-like layer (TER 600 ohm, TEC 2.3 uF, Rs 20 ohm) measured 2 Hz to 50 kHz.
constexpr double k_rs = 20, k_ter = 600, k_tec = 2.3e-6;

}  // namespace

TEST(frequency_unit, khz_header_over_hz_values_is_refused) {
  const auto text = rc_table("frequency_kHz,Zreal,-Zimag", 2, 50e3, 1, k_rs, k_ter, k_tec);
  try {
    (void)measured::read_measurement_text("mislabelled.csv", text, std::nullopt);
    FAIL() << "read a kHz header over Hz values";
  } catch (const error& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.kind(), error_kind::invalid_input);
    EXPECT_NE(what.find("'mislabelled.csv' line 1"), std::string::npos) << what;
    EXPECT_NE(what.find("column 'frequency_kHz' gives the frequencies in kHz"), std::string::npos) << what;
    EXPECT_NE(what.find("read in Hz, the arc is a cell layer's"), std::string::npos) << what;
  }
}

TEST(frequency_unit, mhz_header_over_khz_values_is_refused) {
  const auto text = rc_table("f [MHz];Re(Z) [Ohm];-Im(Z) [Ohm]", 0.1, 1e3, 1e-3, k_rs, k_ter, k_tec);
  std::string semicolons = text;
  for (char& ch : semicolons) ch = ch == ',' ? ';' : ch;
  EXPECT_THROW((void)measured::read_measurement_text("mhz.csv", semicolons, std::nullopt), error);
}

TEST(frequency_unit, a_true_10_hz_to_10_mhz_sweep_reads_in_khz_and_mhz) {
  for (const auto& [header, per_unit] :
       {std::pair<std::string, double>{"frequency_kHz,Zreal,-Zimag", 1e3}, {"freq (MHz),real,-imag", 1e6}}) {
    const auto m = measured::read_measurement_text("rc.csv", rc_table(header, 10, 10e6, per_unit, k_rs, 1000, 1e-6), std::nullopt);
    ASSERT_EQ(m.sweeps.size(), 1u) << header;
    EXPECT_NEAR(m.sweeps[0].frequencies.front(), 10, 1e-3) << header;
    EXPECT_NEAR(m.sweeps[0].frequencies.back(), 10e6, 10) << header;
  }
}

TEST(frequency_unit, hz_values_under_a_hz_header_are_not_questioned) {
  // The same spectrum as the refused one, under its true unit.
  const auto m =
      measured::read_measurement_text("ok.csv", rc_table("frequency_Hz,Zreal,-Zimag", 2, 50e3, 1, k_rs, k_ter, k_tec), std::nullopt);
  EXPECT_EQ(m.sweeps.size(), 1u);
}
