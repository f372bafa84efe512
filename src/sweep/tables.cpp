#include "sweep/tables.hpp"

#include <cmath>
#include <numbers>

#include "sweep/kernel.hpp"

namespace eisgrid::sweep {
namespace {

// The membrane of grid axes [first, first + size): one row of n values per
// combination of their values, the last axis fastest, as the grid index runs.
membrane_table make_membranes(const model::parameter_grid& grid, std::size_t first, const std::vector<double>& omega, std::size_t n) {
  const auto& m = grid.model();
  std::size_t rows = 1;
  for (std::size_t k = first; k < first + m.membrane_size; ++k) rows *= grid.count(k);
  membrane_table t;
  t.re.assign(rows * n, 0.0);
  t.im.assign(t.re.size(), 0.0);
  std::vector<double> values(m.membrane_size);
  for (std::size_t row = 0; row < rows; ++row) {
    std::size_t rest = row;
    for (std::size_t k = m.membrane_size; k-- > 0;) {
      values[k] = grid.axis(first + k)[rest % grid.count(first + k)];
      rest /= grid.count(first + k);
    }
    for (std::size_t i = 0; i < omega.size(); ++i) {
      const auto z = m.membrane(values.data(), omega[i]);
      t.re[row * n + i] = z.real();
      t.im[row * n + i] = z.imag();
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
  const std::size_t size = grid.model().membrane_size;
  t.apical = make_membranes(grid, 1, omega, t.n);
  t.basal = make_membranes(grid, 1 + size, omega, t.n);
  return t;
}

}  // namespace eisgrid::sweep
