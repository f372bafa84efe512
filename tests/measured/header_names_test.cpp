// Every header name and unit form the README lists, in every combination it
// implies (issue 18, item 3): each frequency name with each Z' and Z'' name
// (Z'' as itself or as minus it), or |Z| with each phase name, under each unit
// form, in comma, semicolon, tab and blank-separated tables, reads the values
// that were written.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <functional>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "measured/read.hpp"

using namespace eisgrid;

namespace {

const std::vector<std::string> k_frequency_names{"f", "freq", "frequency"};
const std::vector<std::string> k_real_names{"Z'", "Zre", "Zreal", "Re(Z)", "real"};
const std::vector<std::string> k_imag_names{"Z''", "Z\"", "Zim", "Zimag", "Im(Z)", "imag"};
const std::vector<std::string> k_magnitude_names{"|Z|", "Z", "Zmod"};
const std::vector<std::string> k_phase_names{"phase", "Zphz", "theta"};
const std::vector<std::string> k_minus{"-", "neg", "minus"};
const std::vector<char> k_delimiters{',', ';', '\t', ' '};

// How a unit is attached to a name: "(unit)", "[unit]", "/unit", "_unit", or a units line.
enum class unit_form { none, parens, brackets, slash, underscore, units_line };
const std::vector<unit_form> k_unit_forms{unit_form::none,  unit_form::parens,     unit_form::brackets,
                                          unit_form::slash, unit_form::underscore, unit_form::units_line};

struct unit {
  std::string name;
  double scale;  // SI per unit
};
const std::vector<unit> k_frequency_units{{"Hz", 1}, {"kHz", 1e3}, {"mHz", 1e-3}, {"MHz", 1e6}};
const std::vector<unit> k_ohm_units{{"Ohm", 1}, {"kOhm", 1e3}, {"\xCE\xA9", 1}, {"mOhm", 1e-3}, {"MOhm", 1e6}};

std::string named(const std::string& name, unit_form form, const std::string& u) {
  switch (form) {
    case unit_form::parens: return name + " (" + u + ")";
    case unit_form::brackets: return name + " [" + u + "]";
    case unit_form::slash: return name + "/" + u;
    case unit_form::underscore: return name + "_" + u;
    case unit_form::none:
    case unit_form::units_line: return name;
  }
  return name;
}

// 20 ohm + 600 ohm || 2.3 uF at 12 frequencies from 2 Hz to 50 kHz.
struct point {
  double f;
  std::complex<double> z;
};
std::vector<point> spectrum() {
  std::vector<point> points;
  for (int i = 0; i < 12; ++i) {
    const double f = 2 * std::pow(25e3, i / 11.0);
    points.push_back({f, 20.0 + 600.0 / (1.0 + std::complex<double>(0, 2 * std::numbers::pi * f * 600 * 2.3e-6))});
  }
  return points;
}

std::string number(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

struct column {
  std::string header;
  std::string unit_name;  // for a units line
  std::function<double(const point&)> value;
};

std::string table(const std::vector<column>& columns, char delimiter, bool units_line) {
  std::string text;
  for (std::size_t i = 0; i < columns.size(); ++i) text += (i ? std::string(1, delimiter) : "") + columns[i].header;
  text += "\n";
  if (units_line) {
    for (std::size_t i = 0; i < columns.size(); ++i) text += (i ? std::string(1, delimiter) : "") + columns[i].unit_name;
    text += "\n";
  }
  for (const auto& p : spectrum()) {
    for (std::size_t i = 0; i < columns.size(); ++i) text += (i ? std::string(1, delimiter) : "") + number(columns[i].value(p));
    text += "\n";
  }
  return text;
}

// Reads `text` and compares with the spectrum; returns what went wrong, empty if nothing.
std::string check(const std::string& text) {
  try {
    const auto m = measured::read_measurement_text("table.txt", text);
    const auto want = spectrum();
    if (m.sweeps.size() != 1 || m.sweeps[0].frequencies.size() != want.size()) return "wrong shape";
    for (std::size_t i = 0; i < want.size(); ++i) {
      if (std::abs(m.sweeps[0].frequencies[i] - want[i].f) > 1e-9 * want[i].f) return "frequency " + std::to_string(i);
      if (std::abs(m.sweeps[0].z[i] - want[i].z) > 1e-9 * std::abs(want[i].z)) return "impedance " + std::to_string(i);
    }
    return {};
  } catch (const error& e) {
    return e.what();
  }
}

// Names with a blank in them cannot head a blank-separated column.
bool fits(char delimiter, const std::string& header) { return delimiter != ' ' || header.find(' ') == std::string::npos; }

}  // namespace

TEST(header_names, every_name_of_z_prime_and_z_double_prime_with_every_unit_form) {
  std::size_t cases = 0, k = 0;
  for (const char delimiter : k_delimiters) {
    for (const auto form : k_unit_forms) {
      for (const auto& f_name : k_frequency_names) {
        for (const auto& re_name : k_real_names) {
          for (const auto& im_name : k_imag_names) {
            for (const auto& sign : {std::string(), std::string("-")}) {
              // Units vary from table to table, so that each form meets each prefix.
              const auto& fu = k_frequency_units[k % k_frequency_units.size()];
              const auto& ou = k_ohm_units[(k / 2) % k_ohm_units.size()];
              ++k;
              const bool with_units = form != unit_form::none;
              const double fs = with_units ? fu.scale : 1, os = with_units ? ou.scale : 1;
              const double im_sign = sign.empty() ? 1 : -1;
              const std::vector<column> columns{
                  {named(f_name, form, fu.name), fu.name, [fs](const point& p) { return p.f / fs; }},
                  {named(re_name, form, ou.name), ou.name, [os](const point& p) { return p.z.real() / os; }},
                  {named(sign + im_name, form, ou.name), ou.name, [os, im_sign](const point& p) { return im_sign * p.z.imag() / os; }}};
              if (!fits(delimiter, columns[0].header + columns[1].header + columns[2].header)) continue;
              const auto text = table(columns, delimiter, form == unit_form::units_line);
              EXPECT_EQ(check(text), "") << text;
              ++cases;
            }
          }
        }
      }
    }
  }
  EXPECT_GT(cases, 2000u);
}

TEST(header_names, every_minus_prefix_of_z_double_prime) {
  for (const char delimiter : k_delimiters) {
    for (const auto& minus : k_minus) {
      for (const auto& im_name : k_imag_names) {
        const std::vector<column> columns{{"frequency/Hz", "", [](const point& p) { return p.f; }},
                                          {"Re(Z)/Ohm", "", [](const point& p) { return p.z.real(); }},
                                          {minus + im_name + "/Ohm", "", [](const point& p) { return -p.z.imag(); }}};
        const auto text = table(columns, delimiter, false);
        EXPECT_EQ(check(text), "") << text;
      }
    }
  }
}

TEST(header_names, every_name_of_magnitude_and_phase_in_degrees_and_radians) {
  for (const char delimiter : k_delimiters) {
    for (const auto& f_name : k_frequency_names) {
      for (const auto& mag : k_magnitude_names) {
        for (const auto& phase : k_phase_names) {
          for (const auto& [angle_unit, per_radian] :
               {std::pair<std::string, double>{"", 180 / std::numbers::pi}, {"deg", 180 / std::numbers::pi}, {"rad", 1.0}}) {
            for (const auto& sign : {std::string(), std::string("-")}) {
              const double s = sign.empty() ? 1 : -1;
              const std::string ph = angle_unit.empty() ? sign + phase : sign + phase + " (" + angle_unit + ")";
              const std::vector<column> columns{
                  {f_name + " (Hz)", "", [](const point& p) { return p.f; }},
                  {mag + " (Ohm)", "", [](const point& p) { return std::abs(p.z); }},
                  {ph, "", [s, per_radian = per_radian](const point& p) { return s * std::arg(p.z) * per_radian; }}};
              const auto text = table(columns, delimiter, false);
              EXPECT_EQ(check(text), "") << text;
            }
          }
        }
      }
    }
  }
}
