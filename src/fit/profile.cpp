#include "fit/profile.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace eisgrid::fit {
namespace {

// The time window searched reaches this factor beyond 1/(2 pi f) of the
// extreme frequencies: a pole just outside the measured band still bends it.
constexpr double k_window_margin = 3.0;

struct scored {
  double cost = 0;
  transfer t;
};

}  // namespace

std::vector<transfer> profile_starts(const spectrum_view& s, sweep::metric m, const rs_bounds& rs, const model::grid_spec& ranges,
                                     std::size_t count, double min_log_gap) {
  const sweep::metric weighting =
      m == sweep::metric::relative || m == sweep::metric::modulus ? sweep::metric::modulus : sweep::metric::rmse;
  std::vector<double> omega, w;
  std::vector<std::complex<double>> z;
  for (std::size_t i = 0; i < s.z.size(); ++i) {
    const double modulus = std::abs(s.z[i]);
    if (!(modulus > 0)) continue;
    omega.push_back(2.0 * std::numbers::pi * s.frequencies[i]);
    w.push_back(std::sqrt(sweep::point_weight(weighting, modulus)));
    z.push_back(s.z[i]);
  }
  if (omega.size() < 2) return {};
  using model::param;
  const auto& axis = [&](param p) { return ranges.axes[static_cast<std::size_t>(p)]; };
  const double tau_min = std::min(axis(param::ra).min, axis(param::rb).min) * std::min(axis(param::ca).min, axis(param::cb).min);
  const double tau_max = std::max(axis(param::ra).max, axis(param::rb).max) * std::max(axis(param::ca).max, axis(param::cb).max);
  const auto [w_lo, w_hi] = std::minmax_element(omega.begin(), omega.end());
  const double lo = std::max(tau_min, 1.0 / (*w_hi * k_window_margin)), hi = std::min(tau_max, k_window_margin / *w_lo);
  if (!(lo < hi)) return {};
  std::vector<double> taus(k_profile_taus);
  for (std::size_t k = 0; k < taus.size(); ++k) taus[k] = lo * std::pow(hi / lo, static_cast<double>(k) / (taus.size() - 1));

  std::vector<scored> all;
  std::vector<std::complex<double>> h(omega.size());
  for (std::size_t i = 1; i < taus.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      const double tau1 = taus[i], tau2 = taus[j];
      for (std::size_t k = 1; k <= k_profile_zeros; ++k) {
        const double tau_z = tau2 * std::pow(tau1 / tau2, static_cast<double>(k) / (k_profile_zeros + 1));
        // Weighted least squares for (Rs, TER): Rs adds to the real part only.
        double uu = 0, uv = 0, vv = 0, uy = 0, vy = 0;
        for (std::size_t p = 0; p < omega.size(); ++p) {
          const std::complex<double> jw(0.0, omega[p]);
          h[p] = (1.0 + jw * tau_z) / ((1.0 + jw * tau1) * (1.0 + jw * tau2));
          const double ww = w[p] * w[p];
          uu += ww;
          uv += ww * h[p].real();
          vv += ww * std::norm(h[p]);
          uy += ww * z[p].real();
          vy += ww * (h[p].real() * z[p].real() + h[p].imag() * z[p].imag());
        }
        const double det = uu * vv - uv * uv;
        double series = rs.fixed ? *rs.fixed : (det > 0 ? (uy * vv - uv * vy) / det : rs.min);
        if (!rs.fixed) series = std::clamp(series, rs.min, rs.max);
        const double ter = (vy - series * uv) / vv;
        if (!(ter > 0) || !std::isfinite(ter)) continue;
        double cost = 0;
        for (std::size_t p = 0; p < omega.size(); ++p) cost += w[p] * w[p] * std::norm(series + ter * h[p] - z[p]);
        all.push_back({cost, {series, ter, tau1, tau2, tau_z}});
      }
    }
  }
  std::sort(all.begin(), all.end(), [](const scored& a, const scored& b) { return a.cost < b.cost; });
  std::vector<transfer> starts;
  for (const auto& c : all) {
    if (starts.size() >= count) break;
    const bool distinct = std::all_of(starts.begin(), starts.end(), [&](const transfer& t) {
      return std::max({std::abs(std::log(t.tau1 / c.t.tau1)), std::abs(std::log(t.tau2 / c.t.tau2)),
                       std::abs(std::log(t.tau_z / c.t.tau_z))}) > min_log_gap;
    });
    if (distinct) starts.push_back(c.t);
  }
  return starts;
}

}  // namespace eisgrid::fit
