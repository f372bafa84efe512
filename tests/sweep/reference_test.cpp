#include "sweep/reference.hpp"

#include <gtest/gtest.h>

#include "base/error.hpp"

using namespace eisgrid;

TEST(measured_reference, keeps_measured_order_and_names_its_source) {
  const auto ref = sweep::measured_reference({100, 1, 100}, {{50.5, -20}, {2, -3}, {51, -21}}, "stored sweep");
  EXPECT_EQ(ref.frequencies, (std::vector<double>{100, 1, 100}));
  EXPECT_EQ(ref.z[1], std::complex<double>(2, -3));
  EXPECT_EQ(ref.source, "stored sweep");
  EXPECT_FALSE(ref.format);
  EXPECT_FALSE(ref.params);
  try {
    (void)sweep::measured_reference({1, 2}, {{1, -1}}, "stored sweep");
    FAIL();
  } catch (const error& e) {
    EXPECT_EQ(e.kind(), error_kind::invalid_input);
    EXPECT_NE(std::string(e.what()).find("stored sweep: frequencies and impedances differ in length"), std::string::npos) << e.what();
  }
}

TEST(model_reference, computes_the_model_spectrum) {
  const auto ref = sweep::model_reference(model::k_default_reference, {1.0, 10.0});
  EXPECT_NEAR(ref.z[0].real(), 3121.44011, 1e-4);
  EXPECT_THROW((void)sweep::model_reference({0, 1, 1, 1, 1}, {1.0, 2.0}), error);
}
