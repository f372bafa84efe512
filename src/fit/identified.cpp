#include "fit/identified.hpp"

#include <cmath>
#include <numbers>

namespace eisgrid::fit {
namespace {

// Rsh values scanned for the ends of the family's interval, and bisection steps at each end.
constexpr int k_interval_scan = 400;
constexpr int k_interval_bisections = 60;

bool feasible(const transfer& t, double rsh, const model::grid_spec& ranges) {
  const auto p = raw_at(t, rsh);
  return p && within(*p, ranges).has_value();
}

// The boundary between a feasible and an infeasible Rsh, by bisection in log Rsh.
double boundary(const transfer& t, const model::grid_spec& ranges, double inside, double outside) {
  for (int k = 0; k < k_interval_bisections; ++k) {
    const double mid = std::sqrt(inside * outside);
    (feasible(t, mid, ranges) ? inside : outside) = mid;
  }
  return inside;
}

}  // namespace

transfer transfer_of(const model::circuit_params& p, double rs) noexcept {
  const double r = p.ra + p.rb;
  const double tau_a = p.ra * p.ca, tau_b = p.rb * p.cb;
  // g = Rsh / (Rsh + R) and h = 1 - g, written to stay exact as Rsh -> inf.
  const double ratio = r / p.rsh;
  const double g = 1.0 / (1.0 + ratio), h = ratio / (1.0 + ratio);
  transfer t;
  t.rs = rs;
  t.ter = g * r;
  t.tau_z = (p.ra * tau_b + p.rb * tau_a) / r;
  const double a1 = g * (tau_a + tau_b) + h * t.tau_z;
  const double a2 = g * tau_a * tau_b;
  const double disc = std::max(0.0, a1 * a1 - 4.0 * a2);
  t.tau1 = 0.5 * (a1 + std::sqrt(disc));
  t.tau2 = a2 / t.tau1;
  return t;
}

std::complex<double> impedance(const transfer& t, double freq_hz) noexcept {
  const std::complex<double> s(0.0, 2.0 * std::numbers::pi * freq_hz);
  return t.rs + t.ter * (1.0 + s * t.tau_z) / ((1.0 + s * t.tau1) * (1.0 + s * t.tau2));
}

std::optional<model::circuit_params> raw_at(const transfer& t, double rsh) noexcept {
  if (!(rsh > t.ter) || !(t.tau1 > t.tau_z) || !(t.tau_z > t.tau2) || !(t.tau2 > 0)) return std::nullopt;
  // With g = Rsh / (Rsh + R): TER = g R, tau_a tau_b = a2 / g, tau_a + tau_b =
  // (a1 - (1 - g) tau_z) / g, and Ra tau_b + Rb tau_a = tau_z R. The zero lies
  // between tau_a and tau_b whenever it lies between tau1 and tau2, so every
  // Rsh > TER gives positive values.
  const double h = t.ter / rsh;  // 1 - g
  const double u = 1.0 / (1.0 - h);
  const double a1 = t.tau1 + t.tau2, a2 = t.tau1 * t.tau2;
  const double sum = t.tau_z + u * (a1 - t.tau_z), product = u * a2;
  const double disc = sum * sum - 4.0 * product;
  if (!(disc > 0)) return std::nullopt;
  const double tau_a = 0.5 * (sum + std::sqrt(disc));
  const double tau_b = product / tau_a;
  const double r = t.ter * u;
  const double ra = r * (tau_a - t.tau_z) / (tau_a - tau_b);
  const double rb = r * (t.tau_z - tau_b) / (tau_a - tau_b);
  if (!(ra > 0) || !(rb > 0)) return std::nullopt;
  const model::circuit_params p{rsh, ra, tau_a / ra, rb, tau_b / rb};
  for (double v : p.as_array()) {
    if (!std::isfinite(v) || v <= 0) return std::nullopt;
  }
  return p;
}

model::circuit_params mirror(const model::circuit_params& p) noexcept { return {p.rsh, p.rb, p.cb, p.ra, p.ca}; }

std::optional<model::circuit_params> within(const model::circuit_params& p, const model::grid_spec& ranges) noexcept {
  const auto inside = [&](const model::circuit_params& q) {
    const auto v = q.as_array();
    for (std::size_t k = 0; k < model::k_param_count; ++k) {
      if (!(v[k] >= ranges.axes[k].min && v[k] <= ranges.axes[k].max)) return false;
    }
    return true;
  };
  if (inside(p)) return p;
  if (inside(mirror(p))) return mirror(p);
  return std::nullopt;
}

std::optional<std::array<double, 2>> rsh_interval(const transfer& t, const model::grid_spec& ranges) {
  const auto& axis = ranges.axes[static_cast<std::size_t>(model::param::rsh)];
  const double lo = std::max(axis.min, t.ter * (1.0 + 1e-9)), hi = axis.max;
  if (!(lo <= hi)) return std::nullopt;
  const double step = k_interval_scan > 1 ? std::log(hi / lo) / (k_interval_scan - 1) : 0.0;
  int first = -1, last = -1;
  for (int k = 0; k < k_interval_scan; ++k) {
    if (feasible(t, lo * std::exp(step * k), ranges)) {
      if (first < 0) first = k;
      last = k;
    }
  }
  if (first < 0) return std::nullopt;
  const auto at = [&](int k) { return k <= 0 ? lo : (k >= k_interval_scan - 1 ? hi : lo * std::exp(step * k)); };
  const double low = first == 0 ? lo : boundary(t, ranges, at(first), at(first - 1));
  const double high = last == k_interval_scan - 1 ? hi : boundary(t, ranges, at(last), at(last + 1));
  return std::array<double, 2>{low, high};
}

std::optional<model::circuit_params> member_within(const transfer& t, const model::grid_spec& ranges,
                                                   const std::array<double, 2>& interval) {
  const double mid = std::sqrt(interval[0] * interval[1]);
  // Try the middle, then points walking out from it toward both ends.
  for (int k = 0; k <= k_interval_scan; ++k) {
    const double f = static_cast<double>(k) / k_interval_scan;
    for (double rsh : {mid * std::pow(interval[1] / mid, f), mid * std::pow(interval[0] / mid, f)}) {
      if (const auto p = raw_at(t, rsh)) {
        if (auto q = within(*p, ranges)) return q;
      }
    }
  }
  return std::nullopt;
}

}  // namespace eisgrid::fit
