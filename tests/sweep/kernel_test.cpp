#include "sweep/kernel.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <limits>
#include <random>

using namespace eisgrid::sweep;

namespace {

struct kernel_case {
  std::size_t n = 0, count = 0;
  double rsh = 0;
  std::vector<double> za_re, za_im, zb_re, zb_im, ref_re, ref_im, weight;

  row_inputs inputs(bool squared, double limit) const {
    return {rsh, za_re.data(), za_im.data(), zb_re.data(), zb_im.data(), ref_re.data(), ref_im.data(), weight.data(),
            n,   count,        squared,      limit};
  }

  // Plain complex arithmetic: Z = Rsh S / (Rsh + S).
  double expected(std::size_t k, bool squared) const {
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::complex<double> s(za_re[i] + zb_re[k * n + i], za_im[i] + zb_im[k * n + i]);
      const double d = std::abs(rsh * s / (rsh + s) - std::complex<double>(ref_re[i], ref_im[i]));
      sum += weight[i] * (squared ? d * d : d);
    }
    return sum;
  }
};

kernel_case random_case(std::mt19937& rng, std::size_t blocks, std::size_t count) {
  std::uniform_real_distribution<double> mag(-3, 5), im(-1, 0), unit(0, 1);
  kernel_case c;
  c.n = blocks * k_frequency_block;
  c.count = count;
  c.rsh = std::pow(10.0, mag(rng));
  auto fill = [&](std::vector<double>& re, std::vector<double>& imv, std::size_t len) {
    for (std::size_t i = 0; i < len; ++i) {
      const double m = std::pow(10.0, mag(rng));
      re.push_back(m * unit(rng));
      imv.push_back(m * im(rng));
    }
  };
  fill(c.za_re, c.za_im, c.n);
  fill(c.zb_re, c.zb_im, c.n * count);
  fill(c.ref_re, c.ref_im, c.n);
  for (std::size_t i = 0; i < c.n; ++i) c.weight.push_back(unit(rng) < 0.1 ? 0.0 : unit(rng) * 2);
  return c;
}

class kernel_on_every_target : public ::testing::TestWithParam<std::int64_t> {
 protected:
  void SetUp() override { force_kernel_target(GetParam()); }
  void TearDown() override { force_kernel_target(0); }
};

}  // namespace

TEST_P(kernel_on_every_target, matches_plain_double_on_random_inputs) {
  std::mt19937 rng(42);
  for (int trial = 0; trial < 50; ++trial) {
    const auto c = random_case(rng, 1 + trial % 7, 1 + trial % 5);
    for (bool squared : {false, true}) {
      std::vector<double> sums(c.count);
      residual_row(c.inputs(squared, std::numeric_limits<double>::infinity()), sums.data());
      for (std::size_t k = 0; k < c.count; ++k) {
        const double want = c.expected(k, squared);
        EXPECT_NEAR(sums[k], want, 1e-11 * want + 1e-300) << "trial " << trial << " point " << k;
      }
    }
  }
}

TEST_P(kernel_on_every_target, edge_inputs) {
  std::mt19937 rng(1);
  auto c = random_case(rng, 2, 3);
  // Test point equal to the reference gives exactly zero; zero weight contributes nothing.
  for (std::size_t i = 0; i < c.n; ++i) {
    const std::complex<double> s(c.za_re[i] + c.zb_re[i], c.za_im[i] + c.zb_im[i]);
    const auto z = c.rsh * s / (c.rsh + s);
    c.ref_re[i] = z.real();
    c.ref_im[i] = z.imag();
  }
  std::fill(c.weight.begin(), c.weight.end(), 1.0);
  std::vector<double> sums(c.count);
  residual_row(c.inputs(false, std::numeric_limits<double>::infinity()), sums.data());
  EXPECT_LT(sums[0], 1e-9 * c.rsh);
  std::fill(c.weight.begin(), c.weight.end(), 0.0);
  residual_row(c.inputs(false, std::numeric_limits<double>::infinity()), sums.data());
  for (double s : sums) EXPECT_EQ(s, 0.0);
}

TEST_P(kernel_on_every_target, pruned_points_report_more_than_the_limit) {
  std::mt19937 rng(9);
  const auto c = random_case(rng, 6, 4);
  std::vector<double> full(c.count), pruned(c.count);
  residual_row(c.inputs(false, std::numeric_limits<double>::infinity()), full.data());
  const double limit = *std::min_element(full.begin(), full.end()) * 1.0000001;
  residual_row(c.inputs(false, limit), pruned.data());
  for (std::size_t k = 0; k < c.count; ++k) {
    if (full[k] <= limit) {
      EXPECT_EQ(pruned[k], full[k]);
    } else {
      EXPECT_GT(pruned[k], limit);
      EXPECT_LE(pruned[k], full[k]);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(targets, kernel_on_every_target, ::testing::ValuesIn(kernel_targets()),
                         [](const auto& info) { return kernel_target_name(info.param); });

TEST(kernel, at_least_one_target_is_compiled) {
  EXPECT_FALSE(kernel_targets().empty());
  EXPECT_NE(active_kernel_target(), "none");
}
