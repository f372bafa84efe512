#include "measured/plausibility.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <numbers>
#include <numeric>
#include <random>

#include "base/error.hpp"
#include "measured/quality_fixtures.hpp"

using namespace eisgrid;
using namespace quality_test;

namespace {

measured::plausibility check(const sweep& s) { return measured::check_plausibility(s.frequencies, s.z); }

}  // namespace

TEST(measured_plausibility, model_spectra_are_plausible_with_and_without_noise) {
  for (const auto& params : {k_airway, k_separated, model::k_default_reference}) {
    for (const double rs : {0.0, 21.0}) {
      sweep s = model_sweep(params, nova_frequencies(), rs);
      EXPECT_TRUE(check(s).plausible());
      add_noise(s, 0.005, 1);
      const auto p = check(s);
      EXPECT_TRUE(p.plausible()) << p.negative_real.count << " negative, " << p.inductive.count << " inductive";
      EXPECT_EQ(p.points, s.z.size());
    }
  }
}

// A file that stores -Z'' read as if it held Z'': every point that is clearly capacitive
// turns inductive.
TEST(measured_plausibility, a_flipped_imaginary_part_is_inductive_at_every_reactive_point) {
  sweep s = model_sweep(k_airway, nova_frequencies(), 21);
  std::size_t expected = 0;
  double largest = 0;
  double largest_at = 0;
  for (std::size_t i = 0; i < s.z.size(); ++i) {
    s.z[i] = std::conj(s.z[i]);
    // The allowance, written out: 2 % of |Z|, at least 10 milliohm.
    if (s.z[i].imag() > std::max(0.02 * std::abs(s.z[i]), 0.01)) ++expected;
    if (s.z[i].imag() > largest) {
      largest = s.z[i].imag();
      largest_at = s.frequencies[i];
    }
  }
  ASSERT_GT(expected, 20u);
  const auto p = check(s);
  EXPECT_FALSE(p.plausible());
  EXPECT_FALSE(p.degenerate());
  EXPECT_EQ(p.inductive.count, expected);
  EXPECT_EQ(p.inductive.frequencies.size(), expected);
  EXPECT_DOUBLE_EQ(p.inductive.worst, largest);
  EXPECT_DOUBLE_EQ(p.inductive.worst_frequency, largest_at);
  EXPECT_EQ(p.negative_real.count, 0u);
}

TEST(measured_plausibility, a_negative_real_part_is_reported_with_its_frequencies) {
  sweep s = model_sweep(k_separated, nova_frequencies(), 50);
  s.z[3] = {-40, -10};
  s.z[17] = {-300, -5};
  s.z[20] = {-0.5, -400};  // within 2 % of |Z|: noise at a capacitive point
  const auto p = check(s);
  EXPECT_FALSE(p.plausible());
  EXPECT_EQ(p.negative_real.count, 2u);
  EXPECT_EQ(p.negative_real.frequencies, (std::vector<double>{s.frequencies[3], s.frequencies[17]}));
  EXPECT_DOUBLE_EQ(p.negative_real.worst, -300);
  EXPECT_DOUBLE_EQ(p.negative_real.worst_frequency, s.frequencies[17]);
}

TEST(measured_plausibility, signs_within_noise_are_not_reported) {
  // A resistor measured with a small phase error each way: +-1 degree stays inside 2 %.
  sweep s;
  s.frequencies = nova_frequencies();
  for (std::size_t i = 0; i < s.frequencies.size(); ++i) {
    const double phase = (i % 2 == 0 ? 1.0 : -1.0) * std::numbers::pi / 180;
    s.z.push_back(std::polar(100.0, phase));
  }
  EXPECT_TRUE(check(s).plausible());
  // At 3 degrees the inductive half is reported.
  for (std::size_t i = 0; i < s.z.size(); ++i) s.z[i] = std::polar(100.0, (i % 2 == 0 ? 3.0 : -3.0) * std::numbers::pi / 180);
  EXPECT_EQ(check(s).inductive.count, (s.z.size() + 1) / 2);
  // Near zero the absolute floor holds: 5 milliohm of either sign is noise.
  for (auto& z : s.z) z = {-0.005, 0.005};
  const auto p = check(s);
  EXPECT_EQ(p.negative_real.count, 0u);
  EXPECT_EQ(p.inductive.count, 0u);
  EXPECT_TRUE(p.tiny_impedance);
}

TEST(measured_plausibility, order_of_the_points_does_not_matter) {
  sweep s = model_sweep(k_airway, nova_frequencies(), 21);
  for (std::size_t i = 0; i < s.z.size(); i += 3) s.z[i] = std::conj(s.z[i]);
  std::vector<std::size_t> order(s.z.size());
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937(2));
  sweep shuffled;
  for (const std::size_t i : order) {
    shuffled.frequencies.push_back(s.frequencies[i]);
    shuffled.z.push_back(s.z[i]);
  }
  const auto a = check(s);
  const auto b = check(shuffled);
  EXPECT_EQ(a.inductive.count, b.inductive.count);
  EXPECT_EQ(a.inductive.worst, b.inductive.worst);
  EXPECT_EQ(a.inductive.worst_frequency, b.inductive.worst_frequency);
  auto fa = a.inductive.frequencies;
  auto fb = b.inductive.frequencies;
  std::sort(fa.begin(), fa.end());
  std::sort(fb.begin(), fb.end());
  EXPECT_EQ(fa, fb);
}

TEST(measured_plausibility, degenerate_sweeps_are_named) {
  const sweep good = model_sweep(k_airway, nova_frequencies(), 21);

  sweep few = good;
  few.frequencies.resize(measured::k_min_points - 1);
  few.z.resize(measured::k_min_points - 1);
  EXPECT_TRUE(check(few).too_few_points);
  EXPECT_FALSE(check(few).plausible());

  sweep narrow = model_sweep(k_airway, model::spaced_points(1000, 200, 29, model::spacing::log), 21);
  EXPECT_TRUE(check(narrow).no_frequency_spread);
  sweep one_frequency = good;
  std::fill(one_frequency.frequencies.begin(), one_frequency.frequencies.end(), 1000.0);
  EXPECT_TRUE(check(one_frequency).no_frequency_spread);

  sweep shorted = good;
  for (auto& z : shorted.z) z *= 1e-4;
  EXPECT_TRUE(check(shorted).tiny_impedance);
  EXPECT_FALSE(check(shorted).plausible());

  sweep broken = good;
  broken.z[2] = {std::numeric_limits<double>::quiet_NaN(), 0};
  broken.frequencies[4] = std::numeric_limits<double>::infinity();
  broken.frequencies[6] = 0;
  const auto p = check(broken);
  EXPECT_EQ(p.non_finite_points, 2u);
  EXPECT_EQ(p.non_positive_frequencies, 1u);
  EXPECT_TRUE(p.degenerate());

  EXPECT_FALSE(check(good).degenerate());
  EXPECT_TRUE(check(sweep{}).too_few_points);
  EXPECT_TRUE(check(sweep{}).no_frequency_spread);
  EXPECT_FALSE(check(sweep{}).tiny_impedance);

  try {
    (void)measured::check_plausibility(good.frequencies, std::span(good.z).first(3));
    ADD_FAILURE() << "no error for spans of different length";
  } catch (const error& e) {
    EXPECT_EQ(e.kind(), error_kind::internal);
  }
}

TEST(measured_plausibility, real_sweeps) {
  for (const auto& file : k_good_files) {
    const auto sweeps = read_nova(nova_dir() / file.name);
    ASSERT_EQ(sweeps.size(), file.sweeps) << file.name;
    for (const auto& s : sweeps) {
      ASSERT_EQ(s.z.size(), file.points) << file.name;
      const auto p = check(s);
      EXPECT_TRUE(p.plausible()) << file.name << ": " << p.negative_real.count << " negative, " << p.inductive.count << " inductive";
    }
  }
  // The disconnected electrode: negative real parts of kilohms.
  const auto disconnected = read_nova(nova_dir() / "16HBEmedia_disconnect_freq.txt");
  ASSERT_EQ(disconnected.size(), 1u);
  const auto d = check(disconnected.front());
  EXPECT_FALSE(d.plausible());
  EXPECT_GE(d.negative_real.count, 5u);
  EXPECT_LT(d.negative_real.worst, -1000);
  // The empty insert: a few ohms of medium, inductive at many points.
  for (const auto& s : read_nova(nova_dir() / "16HBEmedia_8TWclean_d1_chamber1_channel1_freq")) {
    ASSERT_EQ(s.z.size(), 29u);
    const auto p = check(s);
    EXPECT_FALSE(p.plausible());
    EXPECT_GE(p.inductive.count, 5u);
    EXPECT_GT(p.inductive.worst, 1.0);  // ohm, against |Z| of about 4
  }
}
