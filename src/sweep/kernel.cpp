// Per-frequency work, with S = Za + Zb, the parallel combination
// Z = Rsh S / (Rsh + S) and the difference dZ = Z - Zref:
//   dZ = N / D  with  N = Rsh (S - Zref) - Zref S,  D = Rsh + S,
// so |dZ|^2 = |N|^2 / |D|^2 needs one division and no complex division.
// The division and square root share one pipelined unit; the rest is FMAs, so
// two independent accumulators keep both FMA ports busy.
#include "sweep/kernel.hpp"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "sweep/kernel.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace eisgrid::sweep::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <bool squared, class D, class V>
HWY_INLINE V residual_term(D d, V rsh, const row_inputs& in, const double* zb_re, const double* zb_im, std::size_t i) {
  const V sr = hn::Add(hn::LoadU(d, in.za_re + i), hn::LoadU(d, zb_re + i));
  const V si = hn::Add(hn::LoadU(d, in.za_im + i), hn::LoadU(d, zb_im + i));
  const V zr = hn::LoadU(d, in.ref_re + i);
  const V zi = hn::LoadU(d, in.ref_im + i);
  const V nr = hn::MulSub(rsh, hn::Sub(sr, zr), hn::MulSub(zr, sr, hn::Mul(zi, si)));
  const V ni = hn::MulSub(rsh, hn::Sub(si, zi), hn::MulAdd(zr, si, hn::Mul(zi, sr)));
  const V dr = hn::Add(rsh, sr);
  const V n2 = hn::MulAdd(nr, nr, hn::Mul(ni, ni));
  const V d2 = hn::MulAdd(dr, dr, hn::Mul(si, si));
  const V q = hn::Div(n2, d2);
  return hn::Mul(hn::LoadU(d, in.weight + i), squared ? q : hn::Sqrt(q));
}

template <bool squared>
void residual_row_t(const row_inputs& in, double* sums) {
  const hn::ScalableTag<double> d;
  const std::size_t lanes = hn::Lanes(d);
  const auto rsh = hn::Set(d, in.rsh);
  for (std::size_t k = 0; k < in.count; ++k) {
    const double* zb_re = in.zb_re + k * in.n;
    const double* zb_im = in.zb_im + k * in.n;
    auto acc0 = hn::Zero(d);
    auto acc1 = hn::Zero(d);
    double sum = 0;
    for (std::size_t block = 0; block < in.n; block += k_frequency_block) {
      for (std::size_t i = block; i < block + k_frequency_block; i += 2 * lanes) {
        acc0 = hn::Add(acc0, residual_term<squared>(d, rsh, in, zb_re, zb_im, i));
        acc1 = hn::Add(acc1, residual_term<squared>(d, rsh, in, zb_re, zb_im, i + lanes));
      }
      // Terms are non-negative and rounding is monotone, so a running sum
      // over the limit stays over it: stopping cannot drop a row that belongs.
      sum = hn::GetLane(hn::SumOfLanes(d, hn::Add(acc0, acc1)));
      if (sum > in.limit) break;
    }
    sums[k] = sum;
  }
}

void residual_row_impl(const row_inputs& in, double* sums) {
  if (in.squared) {
    residual_row_t<true>(in, sums);
  } else {
    residual_row_t<false>(in, sums);
  }
}

}  // namespace eisgrid::sweep::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace eisgrid::sweep {

HWY_EXPORT(residual_row_impl);

void residual_row(const row_inputs& in, double* sums) { HWY_DYNAMIC_DISPATCH(residual_row_impl)(in, sums); }

std::vector<std::int64_t> kernel_targets() { return hwy::SupportedAndGeneratedTargets(); }

std::string kernel_target_name(std::int64_t target) { return hwy::TargetName(target); }

void force_kernel_target(std::int64_t target) { hwy::SetSupportedTargetsForTest(target); }

std::string active_kernel_target() {
  const auto targets = hwy::SupportedAndGeneratedTargets();
  return targets.empty() ? "none" : hwy::TargetName(targets.front());
}

}  // namespace eisgrid::sweep
#endif
