#include "fit/status.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace {

using eisgrid::fit_status;
using eisgrid::fit::data_quality;
using eisgrid::fit::judge;

const std::vector<double> k_freqs{50000, 2, 10000, 100, 1000, 10, 5000, 500, 50, 20};

TEST(fit_status, a_few_percent_systematic_residual_is_ok) {
  // A real layer's smooth 2-8% misfit, all of one sign, stays ok.
  const std::vector<double> residuals{0.08, 0.02, 0.06, 0.03, 0.05, 0.02, 0.07, 0.04, 0.03, 0.02};
  const auto v = judge({}, k_freqs, residuals);
  EXPECT_EQ(v.status, fit_status::ok);
  EXPECT_TRUE(v.reasons.empty());
}

TEST(fit_status, a_large_overall_residual_is_a_poor_fit) {
  const std::vector<double> residuals(k_freqs.size(), 0.12);
  const auto v = judge({}, k_freqs, residuals);
  EXPECT_EQ(v.status, fit_status::poor_fit);
  ASSERT_FALSE(v.reasons.empty());
  EXPECT_NE(v.reasons[0].find("12.0%"), std::string::npos) << v.reasons[0];
}

TEST(fit_status, a_missed_feature_over_consecutive_frequencies_is_a_poor_fit_in_frequency_order) {
  // Off by 30% at 500, 1000 and 5000 Hz: consecutive in frequency, not in file order.
  std::vector<double> residuals(k_freqs.size(), 0.01);
  residuals[4] = residuals[6] = residuals[7] = 0.3;
  const auto v = judge({}, k_freqs, residuals);
  EXPECT_EQ(v.status, fit_status::poor_fit);
  ASSERT_FALSE(v.reasons.empty());
  EXPECT_NE(v.reasons.back().find("3 consecutive frequencies (500 to 5000 Hz)"), std::string::npos) << v.reasons.back();
  // One stray point is not structure.
  std::vector<double> one(k_freqs.size(), 0.01);
  one[4] = 0.25;
  EXPECT_EQ(judge({}, k_freqs, one).status, fit_status::ok);
}

TEST(fit_status, failed_checks_make_invalid_data_with_their_reasons) {
  const std::vector<double> residuals(k_freqs.size(), 0.01);
  const auto v = judge(data_quality{false, true, {"real part negative"}}, k_freqs, residuals);
  EXPECT_EQ(v.status, fit_status::invalid_data);
  EXPECT_EQ(v.reasons, std::vector<std::string>{"real part negative"});
  EXPECT_EQ(judge(data_quality{true, false, {}}, k_freqs, residuals).status, fit_status::invalid_data);
}

// Issue 18: the fits of the shared NOVA sweeps are cell layers; the same
// sweeps read with a kHz header over Hz values (TEC and TER*TEC 1000 times too
// small) are not, with or without the insert's area.
TEST(fit_status, a_fit_outside_what_a_cell_layer_can_be_is_invalid_data) {
  const std::vector<double> residuals(k_freqs.size(), 0.02);
  using eisgrid::fit::layer_values;
  for (const auto& layer : {layer_values{268.8, 0.686e-6, std::nullopt}, layer_values{593.1, 2.274e-6, 1.12},
                            layer_values{993.1, 0.876e-6, 1.0}, layer_values{1000, 1e-6, std::nullopt}}) {
    EXPECT_EQ(judge({}, k_freqs, residuals, layer).status, fit_status::ok) << layer.ter << " ohm, " << layer.tec << " F";
  }
  const auto hbe = judge({}, k_freqs, residuals, layer_values{268.8, 0.686e-9, std::nullopt});
  EXPECT_EQ(hbe.status, fit_status::invalid_data);
  ASSERT_EQ(hbe.reasons.size(), 2u);
  EXPECT_NE(hbe.reasons[0].find("TEC 0.000686 uF is outside 0.01 to 5e+03 uF"), std::string::npos) << hbe.reasons[0];
  EXPECT_NE(hbe.reasons[1].find("TER*TEC 1.84e-07 s is outside 5e-07 to 10 s"), std::string::npos) << hbe.reasons[1];
  EXPECT_NE(hbe.reasons[0].find("is the frequency column in the unit its header says?"), std::string::npos);

  // RPE's arc is slower: TER*TEC stays inside, TEC does not (absolute and per area).
  const auto rpe = judge({}, k_freqs, residuals, layer_values{593.1, 2.274e-9, std::nullopt});
  EXPECT_EQ(rpe.status, fit_status::invalid_data);
  ASSERT_EQ(rpe.reasons.size(), 1u);
  const auto per_area = judge({}, k_freqs, residuals, layer_values{593.1, 2.274e-9, 1.12});
  ASSERT_EQ(per_area.reasons.size(), 1u);
  EXPECT_NE(per_area.reasons[0].find("TEC 0.00203 uF/cm2 is outside 0.1 to 100 uF/cm2"), std::string::npos) << per_area.reasons[0];
  // Per area, a small TEC on a small insert is a cell layer.
  EXPECT_EQ(judge({}, k_freqs, residuals, layer_values{2000, 0.05e-6, 0.143}).status, fit_status::ok);

  // The residual's own reasons stay, after the physical ones.
  const std::vector<double> poor(k_freqs.size(), 0.12);
  const auto both = judge({}, k_freqs, poor, layer_values{268.8, 0.686e-9, std::nullopt});
  EXPECT_EQ(both.status, fit_status::invalid_data);
  EXPECT_EQ(both.reasons.size(), 3u);
}

}  // namespace
