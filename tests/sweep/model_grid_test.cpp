// The grid sweep of another model than rc (SPEC 12): the cpe grid against a
// plain evaluation of its formula with std::complex, and its α = 1 grid
// against rc's, which it then contains point for point.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <numeric>

#include "base/error.hpp"
#include "model/frequency_grid.hpp"
#include "model/models.hpp"
#include "sweep/engine.hpp"

using namespace eisgrid;
using namespace eisgrid::sweep;

namespace {

// R || CPE, straight from the formula: 1 / (1/R + Q (j w)^alpha).
std::complex<double> plain_membrane(double r, double q, double alpha, double w) {
  return 1.0 / (1.0 / r + q * std::pow(std::complex<double>(0, w), alpha));
}

// The cpe layer Rsh || (Za + Zb); p = Rsh, Ra, Qa, alpha_a, Rb, Qb, alpha_b.
std::complex<double> plain_cpe(const std::vector<double>& p, double f) {
  const double w = 2 * std::numbers::pi * f;
  const auto s = plain_membrane(p[1], p[2], p[3], w) + plain_membrane(p[4], p[5], p[6], w);
  return p[0] * s / (p[0] + s);
}

model::grid_spec small_cpe_grid() {
  auto spec = model::grid_spec::defaults(*model::find_model("cpe"), 3);
  spec.axes[3] = {0.6, 1.0, 3};  // alpha_a
  spec.axes[6] = {0.7, 1.0, 2};  // alpha_b
  return spec;
}

reference_spectrum cpe_reference(const std::vector<double>& p) {
  reference_spectrum ref;
  ref.frequencies = model::frequencies({});
  for (double f : ref.frequencies) ref.z.push_back(plain_cpe(p, f));
  return ref;
}

}  // namespace

TEST(sweep_model_grid, cpe_grid_ranks_every_point_as_its_formula_gives) {
  sweep_options o;
  o.grid = small_cpe_grid();
  o.metric = metric::mae;
  const model::parameter_grid grid(o.grid);
  ASSERT_EQ(grid.size(), 3u * 3 * 3 * 3 * 3 * 3 * 2);
  // A point of the grid is the reference, so it must come first with resnorm 0.
  std::vector<double> truth(grid.dimensions());
  const std::uint64_t truth_index = grid.index({1, 2, 0, 1, 1, 2, 0});
  grid.values(truth_index, truth.data());
  const auto ref = cpe_reference(truth);
  const auto result = run_sweep(o, ref);
  ASSERT_EQ(result.indices.size(), grid.size());
  EXPECT_EQ(result.indices.front(), truth_index);
  EXPECT_NEAR(result.resnorms.front(), 0.0, 1e-9);

  // Every resnorm (mean |dZ|) as the plain formula gives it, and in order.
  std::vector<double> p(grid.dimensions());
  for (std::size_t r = 0; r < result.indices.size(); ++r) {
    grid.values(result.indices[r], p.data());
    double sum = 0;
    for (std::size_t f = 0; f < ref.frequencies.size(); ++f) sum += std::abs(plain_cpe(p, ref.frequencies[f]) - ref.z[f]);
    const double want = sum / static_cast<double>(ref.frequencies.size());
    ASSERT_NEAR(result.resnorms[r], want, 1e-9 * want + 1e-9) << "row " << r;
    if (r > 0) {
      ASSERT_LE(result.resnorms[r - 1], result.resnorms[r]) << "row " << r;
    }
  }
}

TEST(sweep_model_grid, top_k_of_a_cpe_grid_is_the_head_of_the_full_ranking) {
  sweep_options all;
  all.grid = small_cpe_grid();
  const auto ref = cpe_reference({900, 300, 2e-6, 0.8, 2000, 8e-6, 0.9});
  const auto full = run_sweep(all, ref);
  auto top = all;
  top.keep = 25;
  const auto head = run_sweep(top, ref);
  ASSERT_EQ(head.indices.size(), 25u);
  EXPECT_TRUE(std::equal(head.indices.begin(), head.indices.end(), full.indices.begin()));
}

TEST(sweep_model_grid, cpe_with_exponents_at_one_is_rc) {
  sweep_options rc;
  rc.grid = model::grid_spec::defaults(4);
  const auto ref = model_reference(model::k_default_reference, model::frequencies({}));
  const auto rc_result = run_sweep(rc, ref);

  // Each α axis holds 1 twice, so every rc point appears four times.
  sweep_options cpe;
  cpe.grid = model::grid_spec::defaults(*model::find_model("cpe"), 4);
  cpe.grid.axes[3] = {1.0, 1.0, 2};
  cpe.grid.axes[6] = {1.0, 1.0, 2};
  const auto cpe_result = run_sweep(cpe, ref);
  ASSERT_EQ(cpe_result.indices.size(), 4 * rc_result.indices.size());
  for (std::size_t r = 0; r < rc_result.indices.size(); r += 37) {
    EXPECT_NEAR(cpe_result.resnorms[4 * r], rc_result.resnorms[r], 1e-9 * rc_result.resnorms[r]) << "row " << r;
  }
}

TEST(sweep_model_grid, refuses_what_a_model_cannot_be) {
  sweep_options o;
  o.grid = small_cpe_grid();
  o.grid.axes[3] = {0.3, 1.0, 3};  // alpha below 0.5: a tail, not a membrane
  const auto ref = cpe_reference({900, 300, 2e-6, 0.8, 2000, 8e-6, 0.9});
  try {
    (void)run_sweep(o, ref);
    FAIL() << "alpha 0.3 accepted";
  } catch (const error& e) {
    EXPECT_EQ(e.kind(), error_kind::usage);
    EXPECT_NE(std::string(e.what()).find("alpha_a"), std::string::npos) << e.what();
  }
  // An electrode in series with the layer is not a grid the kernel takes.
  sweep_options electrode;
  electrode.grid = model::grid_spec::defaults(*model::find_model("rc_electrode"), 2);
  try {
    (void)run_sweep(electrode, ref);
    FAIL() << "rc_electrode swept";
  } catch (const error& e) {
    EXPECT_EQ(e.kind(), error_kind::usage);
    EXPECT_NE(std::string(e.what()).find("eisgrid fit --model rc_electrode"), std::string::npos) << e.what();
  }
}
