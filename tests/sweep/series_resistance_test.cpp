// Rs in the sweep (SPEC 10): it only shifts the reference, so Rs = 0 and a
// fixed Rs reproduce five-parameter sweeps exactly, and a swept Rs finds a
// model reference that carries one.
#include <gtest/gtest.h>

#include "model/frequency_grid.hpp"
#include "sweep/engine.hpp"

using namespace eisgrid;
using namespace eisgrid::sweep;

namespace {

reference_spectrum reference_with(double rs) {
  const auto freqs = model::frequencies({0.1, 1e5, 40, model::spacing::log});
  auto ref = model_reference({2000, 800, 3e-6, 300, 1.2e-5}, freqs);
  for (auto& z : ref.z) z += rs;
  return ref;
}

void expect_identical(const sweep_result& a, const sweep_result& b) {
  ASSERT_EQ(a.indices, b.indices);
  ASSERT_EQ(a.resnorms.size(), b.resnorms.size());
  for (std::size_t i = 0; i < a.resnorms.size(); ++i) EXPECT_EQ(a.resnorms[i], b.resnorms[i]) << "row " << i;
}

TEST(sweep_series_resistance, rs_zero_reproduces_the_five_parameter_sweep_exactly) {
  for (auto m : {metric::mae, metric::rmse, metric::relative, metric::modulus}) {
    sweep_options plain;
    plain.metric = m;
    plain.threads = 2;
    sweep_options with_rs = plain;
    with_rs.series_resistances = {0.0};
    const auto ref = reference_with(0);
    expect_identical(run_sweep(plain, ref), run_sweep(with_rs, ref));
    plain.keep = with_rs.keep = 17;
    expect_identical(run_sweep(plain, ref), run_sweep(with_rs, ref));
  }
}

TEST(sweep_series_resistance, fixed_rs_equals_the_sweep_of_the_shifted_reference) {
  // mae and rmse weigh every point alike, so subtracting Rs from the reference
  // before the sweep or inside it is the same arithmetic.
  for (auto m : {metric::mae, metric::rmse}) {
    const double rs = 37.25;
    sweep_options fixed;
    fixed.metric = m;
    fixed.series_resistances = {rs};
    auto shifted = reference_with(rs);
    for (auto& z : shifted.z) z = {z.real() - rs, z.imag()};
    sweep_options plain;
    plain.metric = m;
    expect_identical(run_sweep(fixed, reference_with(rs)), run_sweep(plain, shifted));
  }
}

TEST(sweep_series_resistance, swept_rs_finds_the_reference_cell_with_rs_slowest_in_the_index) {
  // The reference is a grid cell plus the second of three Rs values.
  sweep_options o;
  o.metric = metric::modulus;
  o.series_resistances = {5.0, 20.0, 80.0};
  o.grid = model::grid_spec::defaults(4);
  const model::parameter_grid grid(o.grid);
  const std::uint64_t cell = 123;
  const auto freqs = model::frequencies({0.1, 1e5, 30, model::spacing::log});
  auto ref = model_reference(grid.point(cell), freqs);
  for (auto& z : ref.z) z += 20.0;
  const auto r = run_sweep(o, ref);
  EXPECT_EQ(r.total_points, 3 * grid.size());
  EXPECT_EQ(r.indices.front(), 1 * grid.size() + cell);
  EXPECT_LT(r.resnorms.front(), 1e-12);
  const auto point = split_index(o, grid.size(), r.indices.front());
  EXPECT_EQ(point.rs, 20.0);
  EXPECT_EQ(point.grid_index, cell);
  EXPECT_EQ(sweep_points(o), 3 * grid.size());
}

}  // namespace
