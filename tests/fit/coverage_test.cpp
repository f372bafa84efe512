// The standard errors mean what they say: on synthetic spectra with known
// Gaussian noise, about 68% of fits land within one standard error of the
// truth. With 200 replicates the count is binomial, sd = sqrt(200 * 0.683 *
// 0.317) = 6.6 replicates (3.3%), so 60% to 76% is about +-2.5 sd: a correct
// error fails this band about once in 80 runs per quantity, while errors off
// by a factor of 1.5 either way (coverage 50% or 87%) fail it for certain. The
// seed is fixed, so the test is deterministic.
#include <gtest/gtest.h>

#include <random>

#include "fit/fit.hpp"
#include "model/frequency_grid.hpp"

namespace {

using namespace eisgrid;

constexpr int k_replicates = 200;
constexpr double k_noise = 0.01;  // 1% of |Z|, in the real and the imaginary part
constexpr double k_low = 0.60, k_high = 0.76;

TEST(fit_coverage, about_68_percent_of_noisy_replicates_fall_within_one_standard_error) {
  // Membrane time constants 0.8 ms and 50 us, well apart as in real cell layers.
  const model::circuit_params truth{1500, 400, 2e-6, 50, 1e-6};
  const double rs = 20;
  const auto t = fit::transfer_of(truth, rs);
  const auto freqs = model::frequencies({1, 5e4, 40, model::spacing::log});
  std::mt19937_64 rng(20261130);
  std::normal_distribution<double> noise(0.0, k_noise);
  std::array<int, 5> inside{};
  for (int r = 0; r < k_replicates; ++r) {
    std::vector<std::complex<double>> z;
    for (double f : freqs) {
      const auto clean = rs + model::impedance(truth, f);
      const double scale = std::abs(clean);
      z.push_back(clean + std::complex<double>(scale * noise(rng), scale * noise(rng)));
    }
    const auto fit = fit::fit_spectrum(freqs, z, fit::fit_options::measured());
    const auto& got = fit.identified;
    const auto& se = fit.errors;
    const std::array<std::array<double, 3>, 5> checks{{{got.rs, rs, se.rs},
                                                       {got.ter, t.ter, se.ter},
                                                       {got.tec(), t.tec(), se.tec},
                                                       {got.tau1, t.tau1, se.tau1},
                                                       {got.tau2, t.tau2, se.tau2}}};
    for (std::size_t k = 0; k < checks.size(); ++k) {
      if (std::abs(checks[k][0] - checks[k][1]) <= checks[k][2]) ++inside[k];
    }
  }
  const char* names[] = {"Rs", "TER", "TEC", "tau1", "tau2"};
  for (std::size_t k = 0; k < inside.size(); ++k) {
    const double share = static_cast<double>(inside[k]) / k_replicates;
    std::printf("%s: %.1f%% within one standard error\n", names[k], 100 * share);
    EXPECT_GE(share, k_low) << names[k];
    EXPECT_LE(share, k_high) << names[k];
  }
}

}  // namespace
