// Real arithmetic for Z = Rsh S / (Rsh + S), S = Za + Zb, each membrane
// Z = R (1 - j x) / (1 + x^2) with x = omega R C:
//   Re Z = Rsh (Re S (Rsh + Re S) + Im S^2) / |Rsh + S|^2
//   Im Z = Rsh^2 Im S / |Rsh + S|^2
// This network is passive, so Re Z > 0 and the phase is atan(Im Z / Re Z);
// Highway has a vector atan but no atan2.
#include "sweep/spectrum.hpp"

#include <numbers>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "sweep/spectrum.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>
// After foreach_target.h: compiled once per target like this file.
#include <hwy/contrib/math/math-inl.h>

HWY_BEFORE_NAMESPACE();
namespace eisgrid::sweep::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

void spectrum_columns(const model::circuit_params& p, double series, const double* omega, std::size_t n, double* re_out, double* im_out,
                      double* mag_out, double* phase_out) {
  const hn::ScalableTag<double> d;
  const std::size_t lanes = hn::Lanes(d);
  const auto rsh = hn::Set(d, p.rsh);
  const auto ra = hn::Set(d, p.ra), rb = hn::Set(d, p.rb);
  const auto tau_a = hn::Set(d, p.ra * p.ca), tau_b = hn::Set(d, p.rb * p.cb);
  const auto one = hn::Set(d, 1.0);
  const auto rs = hn::Set(d, series);
  const auto degrees = hn::Set(d, 180.0 / std::numbers::pi);
  const auto minus_90 = hn::Set(d, -90.0);
  std::size_t i = 0;
  auto step = [&](auto w, auto store) {
    const auto xa = hn::Mul(w, tau_a), xb = hn::Mul(w, tau_b);
    const auto ga = hn::Div(ra, hn::MulAdd(xa, xa, one));
    const auto gb = hn::Div(rb, hn::MulAdd(xb, xb, one));
    const auto sr = hn::Add(ga, gb);
    const auto si = hn::Neg(hn::MulAdd(ga, xa, hn::Mul(gb, xb)));
    const auto dr = hn::Add(rsh, sr);
    const auto scale = hn::Div(rsh, hn::MulAdd(dr, dr, hn::Mul(si, si)));
    const auto zr = hn::MulAdd(scale, hn::MulAdd(sr, dr, hn::Mul(si, si)), rs);
    const auto zi = hn::Mul(scale, hn::Mul(rsh, si));
    const auto mag = hn::Sqrt(hn::MulAdd(zr, zr, hn::Mul(zi, zi)));
    const auto ratio = hn::Div(zi, zr);
    const auto phase = hn::IfThenElse(hn::Eq(zr, hn::Zero(d)), minus_90, hn::Mul(hn::CallAtan(d, ratio), degrees));
    store(zr, zi, mag, phase);
  };
  for (; i + lanes <= n; i += lanes) {
    step(hn::LoadU(d, omega + i), [&](auto zr, auto zi, auto mag, auto phase) {
      hn::StoreU(zr, d, re_out + i);
      hn::StoreU(zi, d, im_out + i);
      hn::StoreU(mag, d, mag_out + i);
      hn::StoreU(phase, d, phase_out + i);
    });
  }
  if (i < n) {
    // The tail goes through one padded vector; padding lanes repeat a real frequency.
    constexpr std::size_t k_max_lanes = HWY_MAX_BYTES / sizeof(double);
    HWY_ALIGN double w[k_max_lanes], zr_t[k_max_lanes], zi_t[k_max_lanes], mag_t[k_max_lanes], ph_t[k_max_lanes];
    for (std::size_t k = 0; k < lanes; ++k) w[k] = omega[i + (k < n - i ? k : 0)];
    step(hn::Load(d, w), [&](auto zr, auto zi, auto mag, auto phase) {
      hn::Store(zr, d, zr_t);
      hn::Store(zi, d, zi_t);
      hn::Store(mag, d, mag_t);
      hn::Store(phase, d, ph_t);
    });
    for (std::size_t k = 0; i + k < n; ++k) {
      re_out[i + k] = zr_t[k];
      im_out[i + k] = zi_t[k];
      mag_out[i + k] = mag_t[k];
      phase_out[i + k] = ph_t[k];
    }
  }
}

}  // namespace eisgrid::sweep::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace eisgrid::sweep {

HWY_EXPORT(spectrum_columns);

void model_spectrum_row(const model::circuit_params& p, double rs, std::span<const double> omega, std::span<double> scratch, float* out) {
  const std::size_t n = omega.size();
  double* re = scratch.data();
  double* im = re + n;
  double* mag = im + n;
  double* phase = mag + n;
  HWY_DYNAMIC_DISPATCH(spectrum_columns)(p, rs, omega.data(), n, re, im, mag, phase);
  for (std::size_t i = 0; i < n; ++i) {
    out[4 * i] = static_cast<float>(re[i]);
    out[4 * i + 1] = static_cast<float>(im[i]);
    out[4 * i + 2] = static_cast<float>(mag[i]);
    out[4 * i + 3] = static_cast<float>(phase[i]);
  }
}

}  // namespace eisgrid::sweep
#endif
