#include "sweep/tables.hpp"

#include <cmath>
#include <numbers>

#include "sweep/kernel.hpp"

namespace eisgrid::sweep {
namespace {

membrane_table make_membranes(const std::vector<double>& r_axis, const std::vector<double>& c_axis, const std::vector<double>& omega,
                              std::size_t n) {
  membrane_table t;
  t.re.assign(r_axis.size() * c_axis.size() * n, 0.0);
  t.im.assign(t.re.size(), 0.0);
  std::size_t row = 0;
  for (double r : r_axis) {
    for (double c : c_axis) {
      for (std::size_t i = 0; i < omega.size(); ++i) {
        const auto z = model::membrane_impedance(r, c, omega[i]);
        t.re[row * n + i] = z.real();
        t.im[row * n + i] = z.imag();
      }
      ++row;
    }
  }
  return t;
}

}  // namespace

std::vector<std::size_t> interleaved_order(std::size_t count) {
  const std::size_t stride = (count + k_frequency_block - 1) / k_frequency_block;
  std::vector<std::size_t> order;
  order.reserve(count);
  for (std::size_t start = 0; start < stride; ++start) {
    for (std::size_t i = start; i < count; i += stride) order.push_back(i);
  }
  return order;
}

sweep_tables build_tables(const model::parameter_grid& grid, const reference_spectrum& ref, metric m) {
  const std::size_t count = ref.frequencies.size();
  const auto order = interleaved_order(count);
  sweep_tables t;
  t.n = (count + k_frequency_block - 1) / k_frequency_block * k_frequency_block;
  t.ref_re.assign(t.n, 0.0);
  t.ref_im.assign(t.n, 0.0);
  t.weight.assign(t.n, 0.0);
  std::vector<double> omega(count);
  for (std::size_t slot = 0; slot < count; ++slot) {
    const std::size_t i = order[slot];
    omega[slot] = 2.0 * std::numbers::pi * ref.frequencies[i];
    t.ref_re[slot] = ref.z[i].real();
    t.ref_im[slot] = ref.z[i].imag();
    const double modulus = std::abs(ref.z[i]);
    if (modulus > 0) {
      t.weight[slot] = point_weight(m, modulus);
      ++t.valid_frequencies;
    }
  }
  using model::param;
  t.apical = make_membranes(grid.axis(param::ra), grid.axis(param::ca), omega, t.n);
  t.basal = make_membranes(grid.axis(param::rb), grid.axis(param::cb), omega, t.n);
  return t;
}

}  // namespace eisgrid::sweep
