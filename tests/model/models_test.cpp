// The model descriptors (SPEC 12) against independent forms of their impedance.
#include "model/models.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>

#include "base/error.hpp"

namespace {

using namespace eisgrid::model;
using cd = std::complex<double>;

// Written out with std::complex, independently of the kernels' arithmetic.
cd cpe(double q, double alpha, double omega) { return 1.0 / (q * std::pow(cd(0, omega), alpha)); }
cd parallel(cd a, cd b) { return a * b / (a + b); }

TEST(models, rc_reproduces_the_spec_check_value) {
  const std::vector<double> p{0.0, 5005, 5005, 25.05e-6, 5005, 25.05e-6};
  const auto z = find_model("rc")->impedance(p, 1.0);
  EXPECT_NEAR(z.real(), 3121.44011, 3121.44011 * 1e-8);
  EXPECT_NEAR(z.imag(), -819.64432, 819.64432 * 1e-8);
  EXPECT_DOUBLE_EQ(rc().ter(p), ter(k_default_reference));
  EXPECT_DOUBLE_EQ(rc().tec(p), tec(k_default_reference));
}

TEST(models, cpe_is_rs_plus_a_shunt_across_two_r_cpe_membranes) {
  const std::vector<double> p{21, 900, 300, 2e-6, 0.8, 700, 5e-5, 0.55};
  for (double f : {0.1, 2.0, 150.0, 5e4}) {
    const double w = 2 * std::numbers::pi * f;
    const cd za = parallel(p[2], cpe(p[3], p[4], w)), zb = parallel(p[5], cpe(p[6], p[7], w));
    const cd want = p[0] + parallel(p[1], za + zb);
    const cd got = find_model("cpe")->impedance(p, f);
    EXPECT_NEAR(std::abs(got - want), 0.0, 1e-10 * std::abs(want)) << f;
  }
}

TEST(models, cpe_at_alpha_one_is_rc) {
  const std::vector<double> rc_p{21, 900, 300, 2e-6, 700, 5e-6};
  const std::vector<double> cpe_p{21, 900, 300, 2e-6, 1.0, 700, 5e-6, 1.0};
  for (double f : {0.1, 2.0, 150.0, 5e4}) {
    EXPECT_NEAR(std::abs(find_model("cpe")->impedance(cpe_p, f) - rc().impedance(rc_p, f)), 0.0, 1e-9);
  }
  EXPECT_NEAR(find_model("cpe")->tec(cpe_p), rc().tec(rc_p), 1e-18);
  EXPECT_DOUBLE_EQ(find_model("cpe")->ter(cpe_p), rc().ter(rc_p));
}

TEST(models, cpe_tec_is_the_series_of_brug_effective_capacitances) {
  const std::vector<double> p{21, 900, 300, 2e-6, 0.8, 700, 5e-5, 0.55};
  const double ca = std::pow(2e-6 * std::pow(300.0, 1 - 0.8), 1 / 0.8);
  const double cb = std::pow(5e-5 * std::pow(700.0, 1 - 0.55), 1 / 0.55);
  EXPECT_NEAR(find_model("cpe")->tec(p), ca * cb / (ca + cb), 1e-12 * ca);
}

TEST(models, rc_electrode_adds_the_electrode_element_in_series) {
  const std::vector<double> p{21, 0.01, 0.6, 900, 300, 2e-6, 700, 5e-6};
  const std::vector<double> rc_p{21, 900, 300, 2e-6, 700, 5e-6};
  for (double f : {0.1, 2.0, 150.0, 5e4}) {
    const double w = 2 * std::numbers::pi * f;
    const cd want = rc().impedance(rc_p, f) + cpe(0.01, 0.6, w);
    EXPECT_NEAR(std::abs(find_model("rc_electrode")->impedance(p, f) - want), 0.0, 1e-10 * std::abs(want)) << f;
  }
  // TER and TEC are the layer's alone.
  EXPECT_DOUBLE_EQ(find_model("rc_electrode")->ter(p), rc().ter(rc_p));
  EXPECT_DOUBLE_EQ(find_model("rc_electrode")->tec(p), rc().tec(rc_p));
}

TEST(models, parameters_are_named_as_spec_12_names_them) {
  const auto names = [](const circuit_model& m) {
    std::string out;
    for (const auto& p : m.parameters) out += std::string(p.name) + " ";
    return out;
  };
  EXPECT_EQ(names(*find_model("rc")), "Rs Rsh Ra Ca Rb Cb ");
  EXPECT_EQ(names(*find_model("cpe")), "Rs Rsh Ra Qa alpha_a Rb Qb alpha_b ");
  EXPECT_EQ(names(*find_model("rc_electrode")), "Rs Qel alpha_el Rsh Ra Ca Rb Cb ");
  for (const auto& m : all_models()) {
    for (std::size_t e : m.exponents) {
      EXPECT_EQ(m.parameters[e].measured_range.min, 0.5);
      EXPECT_EQ(m.parameters[e].measured_range.max, 1.0);
      EXPECT_EQ(m.parameters[e].axis, spacing::linear);
    }
  }
}

TEST(models, a_list_of_models_is_parsed_in_order_and_unknown_names_are_refused_with_the_valid_ones) {
  const auto two = parse_models("cpe,rc");
  ASSERT_EQ(two.size(), 2U);
  EXPECT_EQ(two[0]->name, "cpe");
  EXPECT_EQ(two[1]->name, "rc");
  EXPECT_EQ(parse_models("all").size(), all_models().size());
  EXPECT_EQ(parse_models("rc,all").size(), all_models().size());
  try {
    (void)parse_models("rc,cpf");
    FAIL() << "cpf accepted";
  } catch (const eisgrid::error& e) {
    EXPECT_NE(std::string(e.what()).find("'cpf'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("rc_electrode"), std::string::npos);
  }
  EXPECT_THROW((void)parse_models(""), eisgrid::error);
}

TEST(models, each_model_starts_from_rc_inside_its_own_parameter_count) {
  const rc_point rc{20, {900, 300, 2e-6, 700, 5e-6}};
  for (const auto& m : all_models()) {
    if (!m.starts_from_rc) continue;
    const auto starts = m.starts_from_rc(rc, 2 * std::numbers::pi * 2);
    ASSERT_FALSE(starts.empty()) << m.name;
    for (const auto& s : starts) EXPECT_EQ(s.size(), m.count()) << m.name;
    // The first start is rc's point itself, or as near it as the model comes.
    const auto z0 = m.impedance(starts.front(), 2.0);
    const auto z_rc = rc.rs + impedance(rc.params, 2.0);
    EXPECT_LT(std::abs(z0 - z_rc), 1e-3 * std::abs(z_rc)) << m.name;
  }
}

}  // namespace
