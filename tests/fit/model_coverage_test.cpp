// The standard errors of the cpe model mean what they say: on synthetic CPE
// spectra with known Gaussian noise, about 68% of fits land within one
// standard error of the truth for TER, TEC and each alpha. The band is that of
// coverage_test.cpp (200 replicates, 60% to 76%, about +-2.5 binomial sd);
// the seed is fixed, so the test is deterministic.
#include <gtest/gtest.h>

#include <random>

#include "fit/model_fit.hpp"
#include "model/frequency_grid.hpp"
#include "model/models.hpp"

namespace {

using namespace eisgrid;

constexpr int k_replicates = 200;
constexpr double k_noise = 0.01;  // 1% of |Z|, in the real and the imaginary part
constexpr double k_low = 0.60, k_high = 0.76;

TEST(fit_model_coverage, about_68_percent_of_noisy_cpe_replicates_fall_within_one_standard_error) {
  // Two depressed membranes (alpha 0.85 and 0.92), time constants apart as in
  // real cell layers, both arcs inside 1 Hz to 50 kHz so that every alpha is
  // determined.
  const std::vector<double> truth{20, 1500, 400, 3e-6, 0.85, 60, 2e-6, 0.92};
  const auto& cpe = *model::find_model("cpe");
  const double ter = cpe.ter(truth), tec = cpe.tec(truth);
  const auto freqs = model::frequencies({1, 5e4, 40, model::spacing::log});
  std::mt19937_64 rng(20261205);
  std::normal_distribution<double> noise(0.0, k_noise);
  std::array<int, 4> inside{};
  for (int r = 0; r < k_replicates; ++r) {
    std::vector<std::complex<double>> z;
    for (double f : freqs) {
      const auto clean = cpe.impedance(truth, f);
      const double scale = std::abs(clean);
      z.push_back(clean + std::complex<double>(scale * noise(rng), scale * noise(rng)));
    }
    const auto options = fit::fit_options::measured();
    const auto rc = fit::fit_spectrum(freqs, z, options);
    const auto got = fit::fit_model(freqs, z, cpe, options, rc);
    // Either membrane may come out as apical: compare alphas in order.
    const bool swapped = got.params[model::cpe_model::ra] * got.params[model::cpe_model::qa] <
                         got.params[model::cpe_model::rb] * got.params[model::cpe_model::qb];
    const std::size_t slow = swapped ? model::cpe_model::alpha_b : model::cpe_model::alpha_a;
    const std::size_t fast = swapped ? model::cpe_model::alpha_a : model::cpe_model::alpha_b;
    const std::array<std::array<double, 3>, 4> checks{{{got.ter, ter, got.ter_se},
                                                       {got.tec, tec, got.tec_se},
                                                       {got.params[slow], truth[model::cpe_model::alpha_a], got.errors[slow]},
                                                       {got.params[fast], truth[model::cpe_model::alpha_b], got.errors[fast]}}};
    for (std::size_t k = 0; k < checks.size(); ++k) {
      if (std::abs(checks[k][0] - checks[k][1]) <= checks[k][2]) ++inside[k];
    }
  }
  const char* names[] = {"TER", "TEC", "alpha (slow membrane)", "alpha (fast membrane)"};
  for (std::size_t k = 0; k < inside.size(); ++k) {
    const double share = static_cast<double>(inside[k]) / k_replicates;
    std::printf("%s: %.1f%% within one standard error\n", names[k], 100 * share);
    EXPECT_GE(share, k_low) << names[k];
    EXPECT_LE(share, k_high) << names[k];
  }
}

}  // namespace
