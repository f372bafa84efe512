#include "model/circuit.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "base/error.hpp"

using namespace eisgrid::model;

TEST(circuit, reproduces_spec_check_value) {
  const auto z = impedance(k_default_reference, 1.0);
  EXPECT_NEAR(z.real(), 3121.44011, 3121.44011 * 1e-8);
  EXPECT_NEAR(z.imag(), -819.64432, 819.64432 * 1e-8);
}

TEST(circuit, limits_are_ter_and_zero) {
  const circuit_params p{800, 1200, 3e-6, 300, 9e-6};
  const auto low = impedance(p, 1e-9);
  EXPECT_NEAR(low.real(), ter(p), ter(p) * 1e-9);
  EXPECT_NEAR(low.imag(), 0.0, 1e-3);
  EXPECT_LT(std::abs(impedance(p, 1e12)), 1e-3);
}

TEST(circuit, derived_quantities_follow_their_definitions) {
  const circuit_params p{1000, 2000, 4e-6, 500, 1e-6};
  EXPECT_DOUBLE_EQ(ter(p), 1000.0 * 2500.0 / 3500.0);
  EXPECT_DOUBLE_EQ(tec(p), 4e-6 * 1e-6 / 5e-6);
  EXPECT_DOUBLE_EQ(tau_a(p), 2000 * 4e-6);
  EXPECT_DOUBLE_EQ(tau_b(p), 500 * 1e-6);
}

TEST(circuit, swapping_the_membranes_gives_the_same_spectrum) {
  const circuit_params p{1000, 2000, 4e-6, 500, 1e-6};
  const circuit_params mirror{1000, 500, 1e-6, 2000, 4e-6};
  for (double f : {0.1, 3.0, 1e3, 5e4}) {
    EXPECT_EQ(impedance(p, f), impedance(mirror, f));
  }
}

TEST(circuit, phase_is_in_degrees) {
  EXPECT_DOUBLE_EQ(phase_degrees({0.0, -1.0}), -90.0);
  EXPECT_DOUBLE_EQ(phase_degrees({1.0, 1.0}), 45.0);
}

TEST(circuit, check_params_names_the_bad_parameter) {
  try {
    check_params({1, 1, -1, 1, 1}, "reference");
    FAIL() << "expected an error";
  } catch (const eisgrid::error& e) {
    EXPECT_EQ(e.kind(), eisgrid::error_kind::usage);
    EXPECT_NE(std::string(e.what()).find("Ca"), std::string::npos);
  }
  EXPECT_THROW(check_params({1, 1, 1, std::nan(""), 1}, "x"), eisgrid::error);
  EXPECT_NO_THROW(check_params(k_default_reference, "x"));
}
