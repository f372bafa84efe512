#include "model/frequency_grid.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "base/error.hpp"

using namespace eisgrid::model;

TEST(frequency_grid, default_is_standard_log_grid) {
  const auto f = frequencies(frequency_spec{});
  ASSERT_EQ(f.size(), 100u);
  EXPECT_DOUBLE_EQ(f.front(), 0.1);
  EXPECT_DOUBLE_EQ(f.back(), 1e5);
  EXPECT_TRUE(std::is_sorted(f.begin(), f.end()));
  EXPECT_NEAR(f[1] / f[0], std::pow(1e6, 1.0 / 99), 1e-12);
}

TEST(frequency_grid, presets_match_the_spec) {
  EXPECT_EQ(frequency_presets().size(), 7u);
  const auto high = find_frequency_preset("high_res");
  ASSERT_TRUE(high);
  EXPECT_EQ(high->points, 500u);
  EXPECT_EQ(high->fmin, 0.01);
  EXPECT_EQ(high->fmax, 1e6);
  const auto lin = find_frequency_preset("linear");
  ASSERT_TRUE(lin);
  EXPECT_EQ(lin->spacing, spacing::linear);
  const auto f = frequencies(*lin);
  EXPECT_DOUBLE_EQ(f[1] - f[0], f[2] - f[1]);
  EXPECT_FALSE(find_frequency_preset("nope"));
}

TEST(frequency_grid, rejects_bad_ranges) {
  EXPECT_THROW((void)frequencies({0, 10, 10, spacing::log}), eisgrid::error);
  EXPECT_THROW((void)frequencies({10, 1, 10, spacing::log}), eisgrid::error);
  EXPECT_THROW((void)frequencies({1, 10, 1, spacing::log}), eisgrid::error);
  EXPECT_THROW((void)frequencies({1, 10, k_max_frequency_points + 1, spacing::log}), eisgrid::error);
}
