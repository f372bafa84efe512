// Numbers as eisgrid writes them (base/json_number.hpp): the shortest text
// that reads back exactly, float32 values as their float's text, null for
// what JSON cannot hold.
#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>

#include "base/json_number.hpp"

namespace {

using eisgrid::append_json_number;
using eisgrid::finite_or_null;
using eisgrid::shortest_text;
using eisgrid::with_float_text;

double read_back(const std::string& text) {
  double v = std::nan("");
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  EXPECT_TRUE(ec == std::errc() && end == text.data() + text.size()) << text;
  return v;
}

TEST(base_json_number, shortest_text_of_known_values) {
  EXPECT_EQ(shortest_text(0.1), "0.1");
  EXPECT_EQ(shortest_text(1e300), "1e+300");
  EXPECT_EQ(shortest_text(1e-5), "1e-05");
  EXPECT_EQ(shortest_text(-0.0), "-0");
  EXPECT_EQ(shortest_text(1000.0), "1000");
  EXPECT_EQ(shortest_text(100000.0), "1e+05");  // the shorter of the two forms
  EXPECT_EQ(shortest_text(std::numeric_limits<double>::denorm_min()), "5e-324");
  EXPECT_EQ(shortest_text(std::numeric_limits<double>::lowest()), "-1.7976931348623157e+308");
  EXPECT_EQ(shortest_text(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(shortest_text(1778.2794f), "1778.2794");
  EXPECT_EQ(shortest_text(static_cast<double>(1778.2794f)), "1778.2794189453125");
}

TEST(base_json_number, random_doubles_read_back_exactly_and_no_longer_than_17_digits) {
  std::mt19937_64 rng(20);
  for (int i = 0; i < 200000; ++i) {
    const double v = std::bit_cast<double>(rng());
    if (!std::isfinite(v)) continue;
    const auto text = shortest_text(v);
    ASSERT_EQ(std::bit_cast<std::uint64_t>(read_back(text)), std::bit_cast<std::uint64_t>(v)) << text;
    // Never longer than the %.17g text it replaced (SQL values), and the same double.
    char g17[40];
    std::snprintf(g17, sizeof g17, "%.17g", v);
    ASSERT_LE(text.size(), std::string(g17).size()) << text << " " << g17;
    ASSERT_EQ(read_back(text), std::strtod(g17, nullptr));
  }
}

TEST(base_json_number, float32_values_print_as_their_float_text) {
  const double stored = static_cast<double>(1778.2794f);
  EXPECT_EQ(nlohmann::json(with_float_text(stored)).dump(), "1778.2794");
  EXPECT_EQ(nlohmann::json(with_float_text(0.1)).dump(), "0.1");  // not a float32 value: unchanged
  EXPECT_EQ(with_float_text(1e300), 1e300);                       // beyond float's range: unchanged
  EXPECT_TRUE(std::isnan(with_float_text(std::nan(""))));
  std::mt19937 rng(20);
  for (int i = 0; i < 100000; ++i) {
    const float f = std::bit_cast<float>(static_cast<std::uint32_t>(rng()));
    if (!std::isfinite(f)) continue;
    // The float's text, read as a float, is the float again.
    ASSERT_EQ(static_cast<float>(with_float_text(f)), f);
  }
}

TEST(base_json_number, json_text_appended_with_null_for_nan_and_infinities) {
  std::string out;
  for (const double v : {std::nan(""), std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()}) {
    append_json_number(out, v, true);
    out += ',';
  }
  append_json_number(out, static_cast<double>(1778.2794f), true);
  out += ',';
  append_json_number(out, static_cast<double>(1778.2794f), false);
  out += ',';
  append_json_number(out, -0.0, true);
  out += ',';
  append_json_number(out, 3.0, false);
  out += ',';
  append_json_number(out, 1e300, true);
  EXPECT_EQ(out, "null,null,null,1778.2794,1778.2794189453125,-0,3,1e+300");
  EXPECT_TRUE(nlohmann::json::accept("[" + out + "]"));
}

TEST(base_json_number, finite_or_null_in_either_json_type) {
  EXPECT_TRUE(finite_or_null(std::nan("")).is_null());
  EXPECT_TRUE(finite_or_null(-std::numeric_limits<double>::infinity()).is_null());
  EXPECT_EQ(finite_or_null(0.5).dump(), "0.5");
  EXPECT_EQ(finite_or_null<nlohmann::ordered_json>(std::numeric_limits<double>::denorm_min()).dump(), "5e-324");
}

}  // namespace
