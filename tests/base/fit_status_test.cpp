#include "base/fit_status.hpp"

#include <gtest/gtest.h>

using eisgrid::fit_status;

TEST(fit_status, names_read_back_as_the_same_status) {
  for (const auto s : {fit_status::ok, fit_status::poor_fit, fit_status::invalid_data}) {
    EXPECT_EQ(eisgrid::parse_fit_status(to_string(s)), s);
  }
  EXPECT_EQ(to_string(fit_status::poor_fit), "poor_fit");
  EXPECT_FALSE(eisgrid::parse_fit_status("OK"));
  EXPECT_FALSE(eisgrid::parse_fit_status(""));
}

// The fit and the catalog once disagreed here ("ok" against "invalid_data"):
// a value no fit gives must never read as a fit to trust.
TEST(fit_status, a_value_out_of_range_reads_as_invalid_data) { EXPECT_EQ(to_string(static_cast<fit_status>(7)), "invalid_data"); }
