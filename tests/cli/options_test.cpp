#include "cli/options.hpp"

#include <gtest/gtest.h>

#include "base/error.hpp"

using namespace eisgrid;

TEST(cli_options, parses_reference_parameters) {
  const auto p = cli::parse_circuit("Rsh=100,ca=2e-6,Cb=3e-6", model::k_default_reference);
  EXPECT_EQ(p.rsh, 100);
  EXPECT_EQ(p.ra, 5005);
  EXPECT_EQ(p.ca, 2e-6);
  EXPECT_EQ(p.cb, 3e-6);
  EXPECT_EQ(cli::parse_circuit("", model::k_default_reference), model::k_default_reference);
  EXPECT_THROW((void)cli::parse_circuit("Rx=1", model::k_default_reference), error);
  EXPECT_THROW((void)cli::parse_circuit("Rsh=abc", model::k_default_reference), error);
  EXPECT_THROW((void)cli::parse_circuit("Rsh=-5", model::k_default_reference), error);
  EXPECT_THROW((void)cli::parse_circuit("Rsh", model::k_default_reference), error);
}

TEST(cli_options, applies_ranges_with_counts) {
  auto grid = model::grid_spec::defaults(5);
  cli::apply_range("Ca=1e-6:1e-5:8", grid);
  EXPECT_EQ(grid.axes[2].min, 1e-6);
  EXPECT_EQ(grid.axes[2].max, 1e-5);
  EXPECT_EQ(grid.axes[2].count, 8u);
  cli::apply_range("Rsh=1:2", grid);
  EXPECT_EQ(grid.axes[0].count, 5u);
  EXPECT_THROW(cli::apply_range("Ca=1e-6", grid), error);
  EXPECT_THROW(cli::apply_range("Ca=1e-6:x", grid), error);
}

TEST(cli_options, counts_or_all) {
  EXPECT_EQ(cli::parse_count_or_all("all", "--keep"), 0u);
  EXPECT_EQ(cli::parse_count_or_all("1000", "--keep"), 1000u);
  EXPECT_THROW((void)cli::parse_count_or_all("0", "--keep"), error);
  EXPECT_THROW((void)cli::parse_count_or_all("-1", "--keep"), error);
  EXPECT_THROW((void)cli::parse_count_or_all("99999999999999999999999", "--keep"), error);
}
