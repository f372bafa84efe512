// Column roles, signs and units from headers: the cases that fooled the old
// CSV reader (kHz, -Z'', decimal commas, five-column exports with two header
// lines) and further shapes real exports take.
#include "measured/columns.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "base/error.hpp"
#include "measured/read.hpp"

using namespace eisgrid;

namespace {

measured::sweep only_sweep(const std::string& text, const std::string& name = "table.csv") {
  const auto m = measured::read_measurement_text(name, text);
  EXPECT_EQ(m.sweeps.size(), 1u);
  return m.sweeps.at(0);
}

std::string error_of(const std::string& text, const std::string& name = "table.csv") {
  try {
    (void)measured::read_measurement_text(name, text);
  } catch (const error& e) {
    EXPECT_EQ(e.kind(), error_kind::invalid_input) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "read without an error:\n" << text;
  return "";
}

}  // namespace

TEST(measured_columns, khz_header_scales_the_frequencies) {
  const auto s = only_sweep("frequency_kHz,real_ohm,imag_ohm\n0.1,50,-20\n100,40,-10\n");
  EXPECT_EQ(s.frequencies, (std::vector<double>{100, 100000}));
  EXPECT_EQ(s.z[0], std::complex<double>(50, -20));
  EXPECT_EQ(only_sweep("f [MHz],Z' [kOhm],Z'' [kOhm]\n0.001,1.5,-0.5\n0.002,1.2,-0.4\n").frequencies[0], 1000);
  EXPECT_EQ(only_sweep("f [MHz],Z' [kOhm],Z'' [kOhm]\n0.001,1.5,-0.5\n0.002,1.2,-0.4\n").z[0], std::complex<double>(1500, -500));
  EXPECT_DOUBLE_EQ(only_sweep("Freq (mHz),Zre (MOhm),Zim (mOhm)\n500,2,-300\n100,3,-400\n").frequencies[0], 0.5);
  EXPECT_DOUBLE_EQ(only_sweep("Freq (mHz),Zre (MOhm),Zim (mOhm)\n500,2,-300\n100,3,-400\n").z[0].imag(), -0.3);
}

TEST(measured_columns, khz_header_contradicted_by_hz_values_is_refused) {
  const auto message = error_of("frequency_kHz,real,imag\n0.1,50,-20\n1000,45,-15\n100000,40,-10\n");
  EXPECT_NE(message.find("file 'table.csv' line 4"), std::string::npos) << message;
  EXPECT_NE(message.find("kHz"), std::string::npos) << message;
  EXPECT_NE(message.find("contradicts"), std::string::npos) << message;
}

TEST(measured_columns, minus_z_imag_header_is_converted) {
  const auto s = only_sweep("freq,Z',-Z''\n1,100,50\n10,80,30\n100,60,10\n");
  EXPECT_EQ(s.z[0], std::complex<double>(100, -50));
  EXPECT_EQ(s.z[2], std::complex<double>(60, -10));
  EXPECT_EQ(only_sweep("Frequency;Re(Z);-Im(Z)\n1;100;50\n2;90;40\n").z[1], std::complex<double>(90, -40));
  EXPECT_EQ(only_sweep("f,re,neg_imag\n1,100,50\n2,90,40\n").z[0], std::complex<double>(100, -50));
}

TEST(measured_columns, a_sign_that_contradicts_the_header_is_refused) {
  // "-Z''" but the values are negative: the file holds Z'' itself.
  auto message = error_of("freq,Z',-Z''\n1,100,-50\n10,80,-30\n100,60,-10\n1000,50,-2\n");
  EXPECT_NE(message.find("file 'table.csv' line 1: column '-Z'''"), std::string::npos) << message;
  EXPECT_NE(message.find("contradicts"), std::string::npos) << message;
  // "Z''" (or "imag") but the values are positive: the file holds -Z''.
  message = error_of("freq,real,imag\n1,100,50\n10,80,30\n100,60,10\n");
  EXPECT_NE(message.find("column 'imag'"), std::string::npos) << message;
  // No header: the third column is Z'', and positive values are refused, with the fix.
  message = error_of("1,100,50\n10,80,30\n100,60,10\n");
  EXPECT_NE(message.find("line 1: no header line, so the third column is Z''"), std::string::npos) << message;
  EXPECT_NE(message.find("frequency,real,-imag"), std::string::npos) << message;
  // Noise around zero and a few inductive points at high frequency are no contradiction.
  EXPECT_EQ(only_sweep("f,re,im\n1e5,10,0.001\n1e4,11,2\n1e3,20,-30\n100,50,-40\n10,80,-20\n1,90,-5\n").z.size(), 6u);
}

TEST(measured_columns, decimal_commas_in_semicolon_and_tab_files) {
  auto s = only_sweep("Frequency (Hz);Z' (Ohm);Z'' (Ohm)\n0,1;1234,5;-12,5\n1000;1,2E+003;-1,5e1\n");
  EXPECT_DOUBLE_EQ(s.frequencies[0], 0.1);
  EXPECT_DOUBLE_EQ(s.z[0].real(), 1234.5);
  EXPECT_DOUBLE_EQ(s.z[1].real(), 1200);
  EXPECT_DOUBLE_EQ(s.z[1].imag(), -15);
  s = only_sweep("freq\tZre\tZim\n10\t5,5\t-1,25\n20\t4,5\t-1\n");
  EXPECT_DOUBLE_EQ(s.z[0].imag(), -1.25);
  // The same without a header.
  EXPECT_DOUBLE_EQ(only_sweep("0,5;100,25;-3,5\n5;90;-2\n").frequencies[0], 0.5);
  // Decimal commas in a comma-separated file cannot be told apart: refused with the cause named.
  const auto message = error_of("frequency,real,imag\n100,5,20,3,-4,1\n");
  EXPECT_NE(message.find("line 2: 6 fields where the header has 3 (decimal commas in a comma-separated file?"), std::string::npos)
      << message;
}

TEST(measured_columns, five_column_exports_with_two_header_lines) {
  // Names on one line, units on the next.
  auto s = only_sweep("Frequency;Z';-Z'';|Z|;Phase\nHz;kOhm;kOhm;kOhm;deg\n1000;1,5;0,2;1,513;-7,6\n100;2,5;0,9;2,657;-19,8\n");
  EXPECT_DOUBLE_EQ(s.frequencies[1], 100);
  EXPECT_DOUBLE_EQ(s.z[0].real(), 1500);
  EXPECT_DOUBLE_EQ(s.z[0].imag(), -200);
  // A title line, then the header.
  s = only_sweep(
      "Impedance of insert 3, day 2\nFreq (Hz),Z' (\xCE\xA9),-Z'' (\xCE\xA9),Z (\xCE\xA9),-Phase (\xC2\xB0)\n"
      "50000,20.9,4.08,21.3,11.0\n2,600,23.1,600.4,2.2\n");
  EXPECT_EQ(s.z[1], std::complex<double>(600, -23.1));
  EXPECT_EQ(s.first_line, 3u);
}

TEST(measured_columns, magnitude_and_phase_and_any_column_order) {
  const auto s = only_sweep("phase_deg,|Z|_ohm,f_Hz\n-45,100,10\n-90,50,20\n");
  EXPECT_NEAR(s.z[0].real(), 100 / std::numbers::sqrt2, 1e-12);
  EXPECT_NEAR(s.z[0].imag(), -100 / std::numbers::sqrt2, 1e-12);
  EXPECT_NEAR(s.z[1].real(), 0, 1e-12);
  EXPECT_EQ(s.frequencies, (std::vector<double>{10, 20}));
  const auto r = only_sweep("Zim,Zre,Freq,Time (s)\n-3,4,100,0.5\n-2,5,10,1.5\n");
  EXPECT_EQ(r.z[0], std::complex<double>(4, -3));
  EXPECT_EQ(only_sweep("f,|Z|,phase (rad)\n1,2,-1.5707963267948966\n2,2,0\n").z[0].imag(), -2);
}

TEST(measured_columns, blank_separated_headers_keep_their_units) {
  const auto s = only_sweep("Freq (kHz)   Zre (ohm)   Zim (ohm)\n1   10   -5\n2   9   -4\n", "table.txt");
  EXPECT_EQ(s.frequencies, (std::vector<double>{1000, 2000}));
}

TEST(measured_columns, repeats_comments_and_measured_order_are_kept) {
  const auto s = only_sweep("# multi-sine, bench 3\nf,re,im\n100,1,-1\n10,2,-2\n100,1.1,-1.1\n\n# end\n");
  EXPECT_EQ(s.frequencies, (std::vector<double>{100, 10, 100}));
}

TEST(measured_columns, a_second_header_starts_a_second_sweep) {
  const auto m = measured::read_measurement_text("two.csv", "f,re,im\n1,2,-3\n2,2,-2\nf,re,im\n1,5,-3\n");
  ASSERT_EQ(m.sweeps.size(), 2u);
  EXPECT_EQ(m.sweeps[1].z[0], std::complex<double>(5, -3));
  EXPECT_EQ(m.sweeps[1].first_line, 5u);
}

TEST(measured_columns, nova_in_another_locale) {
  const auto m = measured::read_measurement_text(
      "nova_de.txt",
      "\xEF\xBB\xBF"
      "23.09.2024\r\nIndex;Frequency (Hz);Z' (\xCE\xA9);-Z'' (\xCE\xA9);Time (s)\r\n1;50000;20,9;4,1;1,5\r\n2;2;600,5;23,1;9,5\r\n");
  EXPECT_EQ(m.format, measured::format::nova);
  ASSERT_EQ(m.sweeps.size(), 1u);
  EXPECT_EQ(m.sweeps[0].start_time, "2024-09-23");
  EXPECT_EQ(m.sweeps[0].z[1], std::complex<double>(600.5, -23.1));
}

TEST(measured_columns, unassignable_headers_name_the_cause) {
  EXPECT_NE(error_of("a,b,c\n1,2,-3\n").find("line 1: cannot assign the columns: no frequency column among 'a', 'b', 'c'"),
            std::string::npos);
  EXPECT_NE(error_of("freq,Zre,Time\n1,2,-3\n").find("no Z' and Z''"), std::string::npos);
  EXPECT_NE(error_of("freq,Zre,Zim,Frequency\n1,2,-3,1\n").find("two frequency columns, 'freq' and 'Frequency'"), std::string::npos);
  EXPECT_NE(error_of("1,2,-3,4\n").find("line 1: no header line, and 4 columns"), std::string::npos);
}

TEST(measured_columns, role_of_reads_names_signs_and_units) {
  using measured::quantity;
  EXPECT_EQ(measured::role_of("Frequency (Hz)")->quantity, quantity::frequency);
  EXPECT_EQ(measured::role_of("freq/Hz")->scale, 1);
  EXPECT_EQ(measured::role_of("frequency_kHz")->scale, 1000);
  EXPECT_EQ(measured::role_of("Freq", "Hz")->unit, "Hz");
  EXPECT_TRUE(measured::role_of("-Im(Z)/Ohm")->negated);
  EXPECT_EQ(measured::role_of("-Im(Z)/Ohm")->scale, -1);
  EXPECT_EQ(measured::role_of("Z\"/ohm")->quantity, quantity::imag);
  EXPECT_EQ(measured::role_of("Z Real")->quantity, quantity::real);
  EXPECT_EQ(measured::role_of("Z (\xCE\xA9)")->quantity, quantity::magnitude);
  EXPECT_EQ(measured::role_of("Zphz", "\xB0")->quantity, quantity::phase);
  for (const char* none : {"Re(Y)/Ohm-1", "Z2 Real", "Time (s)", "|Ewe|/V", "Zsig", "Phase(Y)/deg", "Idc", "cycle number"}) {
    EXPECT_FALSE(measured::role_of(none)) << none;
  }
  // A unit of the wrong kind is no role: a frequency in ohm.
  EXPECT_FALSE(measured::role_of("Frequency (Ohm)"));
}
