#pragma once
// Precomputed inputs of the kernel. Each membrane's impedance depends on a few
// of the parameters (R and C, or R, Q and alpha), so it is computed once per
// combination of them rather than once per grid point. Frequencies are stored interleaved (0, s, 2s, ...,
// 1, s+1, ...) so that the first block of a running sum already samples the
// whole range and a hopeless point is dropped after one block.

#include <cstddef>
#include <vector>

#include "model/parameter_grid.hpp"
#include "sweep/metric.hpp"
#include "sweep/reference.hpp"

namespace eisgrid::sweep {

struct membrane_table {
  std::vector<double> re;  // [r_index * c_count + c_index][n]
  std::vector<double> im;
};

struct sweep_tables {
  std::size_t n = 0;                  // padded frequency count
  std::size_t valid_frequencies = 0;  // points with |Z_ref| > 0
  std::vector<double> ref_re, ref_im, weight;
  membrane_table apical;  // rc: (Ra, Ca); cpe: (Ra, Qa, alpha_a)
  membrane_table basal;   // rc: (Rb, Cb); cpe: (Rb, Qb, alpha_b)
};

// The storage order of the frequencies (a permutation of 0..count).
[[nodiscard]] std::vector<std::size_t> interleaved_order(std::size_t count);

[[nodiscard]] sweep_tables build_tables(const model::parameter_grid& grid, const reference_spectrum& ref, metric m);

}  // namespace eisgrid::sweep
