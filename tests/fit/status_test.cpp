#include "fit/status.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace {

using eisgrid::fit::data_quality;
using eisgrid::fit::fit_status;
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

}  // namespace
