#include "compute/measured_reference.hpp"

#include <gtest/gtest.h>

#include "base/error.hpp"
#include "measured/read.hpp"

using namespace eisgrid;

TEST(measured_reference, takes_one_sweep_in_measured_order) {
  const auto m = measured::read_measurement_text("bench.csv", "f,re,im\n100,50.5,-20\n1,2,-3\n100,51,-21\nf,re,im\n5,6,-7\n6,7,-8\n");
  const auto ref = compute::measured_reference(m, 0);
  EXPECT_EQ(ref.frequencies, (std::vector<double>{100, 1, 100}));
  EXPECT_EQ(ref.z[1], std::complex<double>(2, -3));
  EXPECT_EQ(ref.source, "bench.csv");
  EXPECT_EQ(ref.format, "csv");
  EXPECT_FALSE(ref.params);
  EXPECT_EQ(compute::measured_reference(m, 1).frequencies, (std::vector<double>{5, 6}));
  EXPECT_EQ(compute::measured_reference(m, 1).sweep, 1u);
}

TEST(measured_reference, refuses_a_missing_sweep_and_too_few_points) {
  const auto m = measured::read_measurement_text("one.csv", "f,re,im\n1,2,-3\n");
  try {
    (void)compute::measured_reference(m, 0);
    FAIL();
  } catch (const error& e) {
    EXPECT_EQ(e.kind(), error_kind::invalid_input);
    EXPECT_NE(std::string(e.what()).find("file 'one.csv' sweep 0: 1 point; a reference needs at least 2"), std::string::npos) << e.what();
  }
  try {
    (void)compute::measured_reference(m, 3);
    FAIL();
  } catch (const error& e) {
    EXPECT_EQ(e.kind(), error_kind::usage);
    EXPECT_NE(std::string(e.what()).find("has 1 sweep (numbered from 0); there is no sweep 3"), std::string::npos) << e.what();
  }
}
