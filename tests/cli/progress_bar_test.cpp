#include "cli/progress_bar.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

using eisgrid::cli::progress_bar;

TEST(progress_bar, formats_durations_and_rates) {
  EXPECT_EQ(progress_bar::format_duration(0), "0:00");
  EXPECT_EQ(progress_bar::format_duration(75.4), "1:15");
  EXPECT_EQ(progress_bar::format_duration(3 * 3600 + 61), "3:01:01");
  EXPECT_EQ(progress_bar::format_duration(NAN), "--:--");
  EXPECT_EQ(progress_bar::format_rate(999), "999.0");
  EXPECT_EQ(progress_bar::format_rate(12345678), "12.3 M");
  EXPECT_EQ(progress_bar::format_rate(5.5e9), "5.5 G");
}

TEST(progress_bar, stays_silent_when_not_on_a_terminal) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  progress_bar bar(file, true, "points");
  bar.update({50, 100, 1.0});
  bar.finish();
  EXPECT_EQ(std::ftell(file), 0L);
  std::fclose(file);
}
