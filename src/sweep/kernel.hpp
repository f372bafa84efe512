#pragma once
// The residual kernel: for a row of grid points that share Rsh and the apical
// membrane and differ in the basal membrane, the weighted sum over frequencies
// of |Z_test - Z_ref|^p. No SIMD in this header: the vector code is compiled
// once per instruction set in kernel.cpp and chosen at run time.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace eisgrid::sweep {

// Frequency arrays are padded with zero-weight points to a multiple of this,
// which is also how often a running sum is checked against the limit.
inline constexpr std::size_t k_frequency_block = 16;

struct row_inputs {
  double rsh = 0;
  const double* za_re = nullptr;  // n values: the apical membrane of this row
  const double* za_im = nullptr;
  const double* zb_re = nullptr;  // count rows of n values: each point's basal membrane
  const double* zb_im = nullptr;
  const double* ref_re = nullptr;  // n values: the reference
  const double* ref_im = nullptr;
  const double* weight = nullptr;  // n values: 0 for padding and points left out
  std::size_t n = 0;               // a multiple of k_frequency_block
  std::size_t count = 0;           // points in the row
  bool squared = false;            // sum |dZ|^2 instead of |dZ|
  // A point whose running sum exceeds `limit` may stop early; its result is
  // then some value above `limit`. +inf computes every sum in full.
  double limit = 0;
};

// Writes one sum per point to sums[0..count). Thread-safe (pure function).
// The sums of points computed in full do not depend on `limit`.
void residual_row(const row_inputs& in, double* sums);

// The instruction sets compiled in and usable on this CPU, best first, and a
// way to force one (tests and benchmarks only; not thread-safe).
[[nodiscard]] std::vector<std::int64_t> kernel_targets();
[[nodiscard]] std::string kernel_target_name(std::int64_t target);
void force_kernel_target(std::int64_t target);  // 0 restores the default choice
[[nodiscard]] std::string active_kernel_target();

}  // namespace eisgrid::sweep
