#include "model/parameter_grid.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "base/error.hpp"
#include "model/spacing.hpp"

using namespace eisgrid::model;

TEST(parameter_grid, default_axes_match_numpy_logspace) {
  const parameter_grid grid(grid_spec::defaults(5));
  const auto& rsh = grid.axis(param::rsh);
  ASSERT_EQ(rsh.size(), 5u);
  EXPECT_DOUBLE_EQ(rsh.front(), 10.0);
  EXPECT_DOUBLE_EQ(rsh.back(), 10000.0);
  EXPECT_NEAR(rsh[2], 316.227766016838, 1e-9);
  EXPECT_NEAR(grid.axis(param::ra)[3], 1778.27941003892, 1e-8);
  EXPECT_NEAR(grid.axis(param::ca)[3], 1.05737126e-5, 1e-13);
  EXPECT_DOUBLE_EQ(grid.axis(param::cb).back(), 5e-5);
  EXPECT_EQ(grid.size(), 3125u);
}

TEST(parameter_grid, index_formula_has_rsh_slowest_and_cb_fastest) {
  const parameter_grid grid(grid_spec::defaults(4));
  EXPECT_EQ(grid.index({0, 0, 0, 0, 1}), 1u);
  EXPECT_EQ(grid.index({1, 0, 0, 0, 0}), 256u);
  EXPECT_EQ(grid.index({1, 2, 3, 0, 2}), ((((1 * 4 + 2) * 4 + 3) * 4 + 0) * 4 + 2u));
  for (std::uint64_t i = 0; i < grid.size(); i += 37) EXPECT_EQ(grid.index(grid.decompose(i)), i);
  const auto p = grid.point(grid.index({3, 0, 1, 2, 3}));
  EXPECT_EQ(p.rsh, grid.axis(param::rsh)[3]);
  EXPECT_EQ(p.ca, grid.axis(param::ca)[1]);
  EXPECT_EQ(p.cb, grid.axis(param::cb)[3]);
}

TEST(parameter_grid, per_axis_counts) {
  auto spec = grid_spec::defaults(3);
  spec.axes[4].count = 7;
  const parameter_grid grid(spec);
  EXPECT_EQ(grid.size(), 3u * 3 * 3 * 3 * 7);
  EXPECT_EQ(spec.uniform_count(), 0u);
  EXPECT_EQ(grid.index({0, 0, 0, 1, 0}), 7u);
}

TEST(parameter_grid, rejects_bad_specs) {
  auto spec = grid_spec::defaults(1);
  EXPECT_THROW(parameter_grid{spec}, eisgrid::error);
  spec = grid_spec::defaults(5);
  spec.axes[1].min = -1;
  EXPECT_THROW(parameter_grid{spec}, eisgrid::error);
  spec = grid_spec::defaults(5);
  spec.axes[2].max = INFINITY;
  EXPECT_THROW(parameter_grid{spec}, eisgrid::error);
  spec = grid_spec::defaults(5);
  spec.axes[3].min = 1e6;
  EXPECT_THROW(parameter_grid{spec}, eisgrid::error);
  EXPECT_THROW(parameter_grid{grid_spec::defaults(2000)}, eisgrid::error);
}

TEST(spacing, linear_and_single_point) {
  const auto lin = spaced_points(10, 1000, 100, spacing::linear);
  EXPECT_DOUBLE_EQ(lin[1], 20.0);
  EXPECT_DOUBLE_EQ(lin.back(), 1000.0);
  EXPECT_EQ(spaced_points(3, 3, 1, spacing::log), std::vector<double>{3});
}
