#include "measured/quality.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <numbers>
#include <numeric>
#include <random>

#include "measured/quality_fixtures.hpp"

using namespace eisgrid;
using namespace quality_test;

namespace {

measured::sweep_quality assess(const sweep& s) { return measured::assess(s.frequencies, s.z); }

std::string joined(const std::vector<std::string>& warnings) {
  std::string out;
  for (const auto& w : warnings) out += w + "\n";
  return out;
}

bool mentions(const std::vector<std::string>& warnings, const std::string& text) {
  return joined(warnings).find(text) != std::string::npos;
}

}  // namespace

TEST(measured_quality, a_good_sweep_has_no_warnings) {
  sweep s = model_sweep(k_airway, nova_frequencies(), 21);
  add_noise(s, 0.003, 4);
  const auto q = assess(s);
  EXPECT_TRUE(q.plausible);
  EXPECT_TRUE(q.kk_passed);
  EXPECT_TRUE(q.kk.tested);
  EXPECT_TRUE(q.warnings.empty()) << joined(q.warnings);
}

TEST(measured_quality, an_inductive_sweep_says_where_and_how_much) {
  // Medium alone with the leads' inductance: 4 ohm and 7 microhenry, +2.2 ohm at 50 kHz.
  sweep s;
  s.frequencies = nova_frequencies();
  for (const double f : s.frequencies) s.z.emplace_back(4.0, 2 * std::numbers::pi * f * 7e-6);
  const auto q = assess(s);
  EXPECT_FALSE(q.plausible);
  ASSERT_EQ(q.warnings.size(), 1u) << joined(q.warnings);
  // 2 pi f L > 2 % of |Z| (0.08 ohm) above 1.82 kHz: 2.96 of the 4.4 decades up from 2 Hz,
  // where the 29 points are 0.157 decades apart, so points 19 to 28, the 10 highest.
  EXPECT_EQ(q.warnings.front(),
            "imaginary part positive (inductive) at 10 of 29 points, up to +2.2 Ω at 50 kHz, which no RC circuit gives: an empty insert "
            "(no cell layer), or the leads' inductance?");
  // A resistor and an inductor are causal: the Kramers-Kronig test has nothing to say.
  EXPECT_TRUE(q.kk_passed);
}

TEST(measured_quality, a_failed_kramers_kronig_test_gives_the_residual_and_the_limit) {
  sweep s = model_sweep(k_separated, nova_frequencies(), 50);
  const double centre = std::log10(std::sqrt(50'000.0 * 2));
  for (std::size_t i = 0; i < s.z.size(); ++i) {
    const double x = (std::log10(s.frequencies[i]) - centre) / 0.3;
    s.z[i] += 0.3 * std::abs(s.z[i]) * std::exp(-x * x);
  }
  const auto q = assess(s);
  EXPECT_TRUE(q.plausible);
  EXPECT_FALSE(q.kk_passed);
  ASSERT_EQ(q.warnings.size(), 1u) << joined(q.warnings);
  char expected[160];
  std::snprintf(expected, sizeof expected, "Kramers–Kronig: residuals up to %.0f%% of |Z| at ", 100 * q.kk.max_residual);
  EXPECT_TRUE(q.warnings.front().starts_with(expected)) << q.warnings.front();
  EXPECT_TRUE(q.warnings.front().ends_with("(limit 5.0%) — drift, a non-stationary sample or a loose contact?")) << q.warnings.front();
}

TEST(measured_quality, a_degenerate_sweep_is_not_tested_further) {
  sweep s = model_sweep(k_airway, nova_frequencies(4), 21);
  const auto q = assess(s);
  EXPECT_FALSE(q.plausible);
  EXPECT_FALSE(q.kk_passed);
  EXPECT_FALSE(q.kk.tested);
  ASSERT_EQ(q.warnings.size(), 1u) << joined(q.warnings);
  EXPECT_EQ(q.warnings.front(), "only 4 points (at least 6 are needed to judge a spectrum)");

  sweep shorted = model_sweep(k_airway, nova_frequencies(), 21);
  for (auto& z : shorted.z) z *= 1e-4;
  EXPECT_TRUE(mentions(assess(shorted).warnings, "every |Z| is below 100 mΩ"));
}

TEST(measured_quality, order_of_the_points_does_not_matter) {
  sweep s = model_sweep(k_airway, nova_frequencies(), 21);
  add_noise(s, 0.003, 8);
  for (std::size_t i = 0; i < 5; ++i) s.z[i] = std::conj(s.z[i]);
  std::vector<std::size_t> order(s.z.size());
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937(6));
  sweep shuffled;
  for (const std::size_t i : order) {
    shuffled.frequencies.push_back(s.frequencies[i]);
    shuffled.z.push_back(s.z[i]);
  }
  const auto a = assess(s);
  const auto b = assess(shuffled);
  EXPECT_EQ(a.plausible, b.plausible);
  EXPECT_EQ(a.kk_passed, b.kk_passed);
  EXPECT_EQ(a.warnings, b.warnings);
  EXPECT_EQ(a.kk.voigt_elements, b.kk.voigt_elements);
}

TEST(measured_quality, real_sweeps) {
  for (const auto& file : k_good_files) {
    for (const auto& s : read_nova(nova_dir() / file.name)) {
      const auto q = assess(s);
      EXPECT_TRUE(q.plausible && q.kk_passed) << file.name << ":\n" << joined(q.warnings);
      EXPECT_TRUE(q.warnings.empty()) << file.name;
    }
  }
  for (const auto& file : k_unusable_files) {
    const auto sweeps = read_nova(nova_dir() / file.name);
    ASSERT_EQ(sweeps.size(), file.sweeps);
    for (std::size_t k = 0; k < sweeps.size(); ++k) {
      const auto q = assess(sweeps[k]);
      EXPECT_FALSE(q.plausible) << file.name;
      EXPECT_FALSE(q.kk_passed) << file.name;
      std::printf("%s sweep %zu:\n%s", file.name.c_str(), k, joined(q.warnings).c_str());
    }
  }
  const auto disconnected = assess(read_nova(nova_dir() / "16HBEmedia_disconnect_freq.txt").front());
  EXPECT_TRUE(mentions(disconnected.warnings, "real part negative at ")) << joined(disconnected.warnings);
  const auto empty = assess(read_nova(nova_dir() / "16HBEmedia_8TWclean_d1_chamber1_channel1_freq").front());
  EXPECT_TRUE(mentions(empty.warnings, "imaginary part positive (inductive) at ")) << joined(empty.warnings);
}
