#include "sweep/spectrum.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "sweep/kernel.hpp"

using namespace eisgrid;

class spectrum_on_every_target : public ::testing::TestWithParam<std::int64_t> {
 protected:
  void SetUp() override { sweep::force_kernel_target(GetParam()); }
  void TearDown() override { sweep::force_kernel_target(0); }
};

TEST_P(spectrum_on_every_target, matches_complex_double_model) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> lr(0, 5), lc(-8, -3), lf(-4, 7);
  for (std::size_t n : {1u, 3u, 8u, 17u, 100u}) {
    const model::circuit_params p{std::pow(10, lr(rng)), std::pow(10, lr(rng)), std::pow(10, lc(rng)), std::pow(10, lr(rng)),
                                  std::pow(10, lc(rng))};
    std::vector<double> freqs(n), omega(n), scratch(4 * n);
    for (std::size_t i = 0; i < n; ++i) {
      freqs[i] = std::pow(10, lf(rng));
      omega[i] = 2 * std::numbers::pi * freqs[i];
    }
    std::vector<float> out(4 * n);
    sweep::model_spectrum_row(p, 0.0, omega, scratch, out.data());
    for (std::size_t i = 0; i < n; ++i) {
      const auto z = model::impedance(p, freqs[i]);
      const double mag = std::abs(z);
      EXPECT_NEAR(out[4 * i], z.real(), 1e-6 * mag) << i;
      EXPECT_NEAR(out[4 * i + 1], z.imag(), 1e-6 * mag) << i;
      EXPECT_NEAR(out[4 * i + 2], mag, 1e-6 * mag) << i;
      EXPECT_NEAR(out[4 * i + 3], model::phase_degrees(z), 1e-5) << i;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(targets, spectrum_on_every_target, ::testing::ValuesIn(sweep::kernel_targets()),
                         [](const auto& info) { return sweep::kernel_target_name(info.param); });
