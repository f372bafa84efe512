// ISO 8601 text (base/iso_time.hpp): known instants, and the same text as
// gmtime_r + strftime, the formatters it replaced, over many instants.
#include <gtest/gtest.h>

#include <ctime>
#include <random>

#include "base/iso_time.hpp"

namespace {

using namespace std::chrono;
using eisgrid::iso8601_date;
using eisgrid::iso8601_local;
using eisgrid::iso8601_utc;
using eisgrid::iso8601_utc_ms;

std::string strftime_utc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

TEST(base_iso_time, known_instants) {
  EXPECT_EQ(iso8601_utc(sys_seconds{}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(iso8601_utc(sys_days{2024y / February / 29} + 23h + 59min + 59s), "2024-02-29T23:59:59Z");
  EXPECT_EQ(iso8601_utc(sys_days{2000y / February / 29} + 12h), "2000-02-29T12:00:00Z");
  // Before 1970: a day is counted back, not truncated toward the epoch.
  EXPECT_EQ(iso8601_utc(sys_seconds{-1s}), "1969-12-31T23:59:59Z");
  EXPECT_EQ(iso8601_utc(sys_days{1900y / March / 1} + 1s), "1900-03-01T00:00:01Z");
  EXPECT_EQ(iso8601_utc(sys_days{9999y / December / 31} + 86399s), "9999-12-31T23:59:59Z");
}

TEST(base_iso_time, milliseconds_are_three_digits_and_floored) {
  EXPECT_EQ(iso8601_utc_ms(sys_time<milliseconds>{}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso8601_utc_ms(sys_time<milliseconds>{sys_days{2026y / December / 6} + 5h + 54min + 20s + 7ms}), "2026-12-06T05:54:20.007Z");
  EXPECT_EQ(iso8601_utc_ms(sys_time<milliseconds>{1999ms}), "1970-01-01T00:00:01.999Z");
  EXPECT_EQ(iso8601_utc_ms(sys_time<milliseconds>{-1ms}), "1969-12-31T23:59:59.999Z");
}

TEST(base_iso_time, dates_and_clock_times_without_a_zone) {
  EXPECT_EQ(iso8601_date(2024y / February / 29), "2024-02-29");
  EXPECT_EQ(iso8601_date(year{99} / January / 2), "0099-01-02");
  EXPECT_EQ(iso8601_local(2023y / July / 4, hh_mm_ss<seconds>{13h + 5min + 9s}), "2023-07-04T13:05:09");
  // An instrument's 23:59:60 (a leap second as its clock shows it) is carried over.
  EXPECT_EQ(iso8601_local(2016y / December / 31, hh_mm_ss<seconds>{23h + 59min + 60s}), "2016-12-31T24:00:00");
}

TEST(base_iso_time, same_text_as_gmtime_and_strftime) {
  std::mt19937_64 rng(20);
  // 1000 to 9999: strftime's %Y pads no year, so only four-digit years agree.
  const auto lo = sys_days{1000y / January / 1}.time_since_epoch().count() * 86400;
  const auto hi = sys_days{9999y / December / 31}.time_since_epoch().count() * 86400;
  std::uniform_int_distribution<std::int64_t> pick(lo, hi);
  for (int i = 0; i < 100000; ++i) {
    const std::int64_t t = pick(rng);
    ASSERT_EQ(iso8601_utc(sys_seconds{seconds{t}}), strftime_utc(static_cast<std::time_t>(t))) << t;
  }
}

}  // namespace
