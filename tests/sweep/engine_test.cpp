#include "sweep/engine.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "base/error.hpp"
#include "model/frequency_grid.hpp"
#include "plain_sweep.hpp"

using namespace eisgrid;
using namespace eisgrid::sweep;

namespace {

std::vector<std::array<double, 3>> plain_ranges(const model::grid_spec& g) {
  std::vector<std::array<double, 3>> r;
  for (const auto& a : g.axes) r.push_back({a.min, a.max, double(a.count)});
  return r;
}

// Same resnorms to 1e-5 relative, same order; two rows may swap only where
// their resnorms tie to 1e-12 (rounding can split or join exact ties).
void expect_matches_plain(const sweep_result& got, const std::vector<plain::row>& want, std::size_t rows) {
  ASSERT_EQ(got.indices.size(), rows);
  for (std::size_t i = 0; i < rows; ++i) {
    ASSERT_NEAR(got.resnorms[i], want[i].resnorm, 1e-5 * std::abs(want[i].resnorm) + 1e-300) << "row " << i;
    if (got.indices[i] != want[i].index) {
      const double a = got.resnorms[i];
      double b = 0;
      for (const auto& w : want) {
        if (w.index == got.indices[i]) b = w.resnorm;
      }
      EXPECT_NEAR(a, b, 1e-12 * std::abs(b)) << "row " << i << ": index " << got.indices[i] << " vs " << want[i].index;
      EXPECT_NEAR(b, want[i].resnorm, 1e-12 * std::abs(b)) << "row " << i << " is not a near-tie";
    }
  }
}

reference_spectrum default_reference(const model::frequency_spec& f = {}) {
  return model_reference(model::k_default_reference, model::frequencies(f));
}

}  // namespace

TEST(sweep_engine, reproduces_spec_test_vectors) {
  sweep_options opt;
  opt.grid = model::grid_spec::defaults(5);
  const auto result = run_sweep(opt, default_reference());
  ASSERT_EQ(result.indices.size(), 3125u);
  const model::parameter_grid grid(opt.grid);
  const auto best = grid.point(result.indices[0]);
  EXPECT_NEAR(result.resnorms[0], 273.005236, 273.005236 * 1e-6);
  EXPECT_NEAR(best.rsh, 1e4, 1e-6 * 1e4);
  EXPECT_NEAR(best.ra, 1778.27941, 1778.27941 * 1e-6);
  EXPECT_NEAR(best.ca, 1.05737126e-5, 1.05737126e-5 * 1e-6);
  EXPECT_NEAR(best.rb, 1778.27941, 1778.27941 * 1e-6);
  EXPECT_NEAR(best.cb, 5e-5, 5e-5 * 1e-6);
  const auto second = grid.point(result.indices[1]);
  EXPECT_EQ(result.resnorms[1], result.resnorms[0]);
  EXPECT_EQ(second.ca, best.cb);
  EXPECT_EQ(second.cb, best.ca);
  EXPECT_LT(result.indices[0], result.indices[1]);
  const auto worst = grid.point(result.indices.back());
  EXPECT_NEAR(result.resnorms.back(), 3551.7497, 3551.7497 * 1e-6);
  EXPECT_EQ(worst.rsh, 1e4);
  EXPECT_EQ(worst.ra, 1e4);
  EXPECT_EQ(worst.ca, 1e-7);
  EXPECT_EQ(worst.rb, 1e4);
  EXPECT_EQ(worst.cb, 1e-7);
}

TEST(sweep_engine, keep_k_equals_head_of_full_ranking) {
  sweep_options opt;
  opt.grid = model::grid_spec::defaults(6);
  const auto ref = default_reference();
  const auto all = run_sweep(opt, ref);
  for (std::uint64_t k : {1u, 7u, 100u, 1000u}) {
    opt.keep = k;
    for (unsigned threads : {1u, 2u, 3u}) {
      opt.threads = threads;
      const auto best = run_sweep(opt, ref);
      ASSERT_EQ(best.indices.size(), k);
      for (std::size_t i = 0; i < k; ++i) {
        ASSERT_EQ(best.indices[i], all.indices[i]) << "k=" << k << " threads=" << threads << " row " << i;
        ASSERT_EQ(best.resnorms[i], all.resnorms[i]);
      }
      EXPECT_EQ(best.total_points, 6u * 6 * 6 * 6 * 6);
    }
  }
}

struct plain_case {
  std::size_t g;
  metric m;
  model::frequency_spec freqs;
  model::circuit_params ref;
};

class sweep_vs_plain : public ::testing::TestWithParam<plain_case> {};

TEST_P(sweep_vs_plain, equals_independent_double_implementation) {
  const auto& c = GetParam();
  sweep_options opt;
  opt.grid = model::grid_spec::defaults(c.g);
  opt.grid.axes[0].count = c.g + 1;  // per-axis counts too
  opt.metric = c.m;
  const auto freqs = model::frequencies(c.freqs);
  const auto ref = model_reference(c.ref, freqs);
  const auto want = plain::sweep(plain_ranges(opt.grid), freqs, ref.z, std::string(to_string(c.m)));
  expect_matches_plain(run_sweep(opt, ref), want, want.size());
  opt.keep = 50;
  expect_matches_plain(run_sweep(opt, ref), want, 50);
}

INSTANTIATE_TEST_SUITE_P(grids_metrics_references, sweep_vs_plain,
                         ::testing::Values(plain_case{4, metric::mae, {0.1, 1e5, 100, model::spacing::log}, model::k_default_reference},
                                           plain_case{5, metric::rmse, {1, 1e4, 50, model::spacing::log}, {300, 900, 2e-6, 150, 7e-6}},
                                           plain_case{
                                               3, metric::relative, {10, 1e3, 100, model::spacing::linear}, {50, 5000, 1e-5, 20, 4e-7}},
                                           plain_case{4, metric::mae, {1e-3, 1e2, 37, model::spacing::log}, {12, 40, 3e-5, 9000, 2e-7}}));

TEST(sweep_engine, measured_reference_matches_plain_in_any_order_with_repeats) {
  // A "measured" spectrum: a model spectrum with deterministic noise, one zero
  // row left out, measured from high to low frequency with two repeated points.
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0, 15);
  auto freqs = model::frequencies({0.5, 2e4, 41, model::spacing::log});
  std::reverse(freqs.begin(), freqs.end());
  freqs.push_back(freqs[3]);
  freqs.push_back(freqs[30]);
  std::vector<std::complex<double>> z;
  for (const double f : freqs) {
    z.push_back(model::impedance({2100, 800, 6e-6, 3100, 2e-5}, f) + std::complex<double>(noise(rng), noise(rng)));
  }
  z[5] = 0;
  const auto ref = measured_reference(freqs, z, "measured.csv");
  EXPECT_EQ(ref.frequencies.front(), 2e4);
  EXPECT_EQ(ref.frequencies.size(), 43u);
  for (metric m : {metric::mae, metric::rmse, metric::relative}) {
    sweep_options opt;
    opt.grid = model::grid_spec::defaults(4);
    opt.metric = m;
    const auto result = run_sweep(opt, ref);
    EXPECT_EQ(result.valid_frequencies, 42u);
    const auto want = plain::sweep(plain_ranges(opt.grid), ref.frequencies, ref.z, std::string(to_string(m)));
    expect_matches_plain(result, want, want.size());
  }
}

TEST(sweep_engine, reports_progress_and_can_be_cancelled) {
  sweep_options opt;
  opt.grid = model::grid_spec::defaults(40);  // 102 million points: far longer than one progress interval
  opt.keep = 10;
  std::atomic<bool> cancel{false};
  int calls = 0;
  try {
    (void)run_sweep(
        opt, default_reference(),
        [&](const sweep_progress& p) {
          EXPECT_EQ(p.total, 102400000u);
          EXPECT_LT(p.done, p.total);
          ++calls;
          cancel = true;
        },
        &cancel);
    FAIL() << "expected the sweep to be cancelled";
  } catch (const error& e) {
    EXPECT_EQ(e.kind(), error_kind::cancelled);
  }
  EXPECT_GE(calls, 1);
}

TEST(sweep_engine, progress_reaches_the_total) {
  sweep_options opt;
  opt.grid = model::grid_spec::defaults(6);
  sweep_progress last;
  (void)run_sweep(opt, default_reference(), [&](const sweep_progress& p) { last = p; });
  EXPECT_EQ(last.done, last.total);
  EXPECT_EQ(last.total, 7776u);
}

TEST(sweep_engine, rejects_bad_options) {
  sweep_options opt;
  opt.keep = 0;
  EXPECT_THROW((void)run_sweep(opt, default_reference()), error);
  opt.keep.reset();
  opt.grid.axes[2].count = 1;
  EXPECT_THROW((void)run_sweep(opt, default_reference()), error);
  reference_spectrum empty;
  EXPECT_THROW((void)run_sweep(sweep_options{}, empty), error);
}
