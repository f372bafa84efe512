#include "fit/status.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "measured/cell_layer.hpp"

namespace eisgrid::fit {

fit_verdict judge(const data_quality& quality, std::span<const double> frequencies, std::span<const double> relative_residuals) {
  fit_verdict v;
  if (!quality.plausible || !quality.kk_passed) {
    v.status = fit_status::invalid_data;
    v.reasons = quality.reasons;
    if (v.reasons.empty()) v.reasons.emplace_back(!quality.plausible ? "implausible data" : "fails the Kramers-Kronig test");
    return v;
  }
  const std::size_t n = std::min(frequencies.size(), relative_residuals.size());
  if (n == 0) return v;
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += relative_residuals[i] * relative_residuals[i];
  const double rms = std::sqrt(sum / static_cast<double>(n));
  char text[160];
  if (rms > k_poor_rms) {
    std::snprintf(text, sizeof text, "the model misses the data by %.1f%% rms (more than %.0f%%)", 100 * rms, 100 * k_poor_rms);
    v.reasons.emplace_back(text);
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return frequencies[a] < frequencies[b]; });
  std::size_t run = 0, longest = 0, longest_end = 0;
  for (std::size_t k = 0; k < n; ++k) {
    run = relative_residuals[order[k]] > k_poor_point ? run + 1 : 0;
    if (run > longest) {
      longest = run;
      longest_end = k;
    }
  }
  if (longest >= k_poor_run) {
    std::snprintf(text, sizeof text, "%zu consecutive frequencies (%.4g to %.4g Hz) are off by more than %.0f%%", longest,
                  frequencies[order[longest_end + 1 - longest]], frequencies[order[longest_end]], 100 * k_poor_point);
    v.reasons.emplace_back(text);
  }
  if (!v.reasons.empty()) v.status = fit_status::poor_fit;
  return v;
}

fit_verdict judge(const data_quality& quality, std::span<const double> frequencies, std::span<const double> relative_residuals,
                  const layer_values& layer) {
  auto v = judge(quality, frequencies, relative_residuals);
  constexpr double k_uf = 1e6;
  constexpr const char* k_unit_hint = ": not a cell layer; is the frequency column in the unit its header says?";
  std::vector<std::string> outside;
  char text[240];
  if (layer.area_cm2) {
    const double per_area = layer.tec / *layer.area_cm2;
    if (!(per_area >= measured::k_min_tec_per_cm2 && per_area <= measured::k_max_tec_per_cm2)) {
      std::snprintf(text, sizeof text, "TEC %.3g uF/cm2 is outside %.3g to %.3g uF/cm2%s", per_area * k_uf,
                    measured::k_min_tec_per_cm2 * k_uf, measured::k_max_tec_per_cm2 * k_uf, k_unit_hint);
      outside.emplace_back(text);
    }
  } else if (!(layer.tec >= measured::k_min_tec && layer.tec <= measured::k_max_tec)) {
    std::snprintf(text, sizeof text, "TEC %.3g uF is outside %.3g to %.3g uF, what a cell layer has on any insert%s", layer.tec * k_uf,
                  measured::k_min_tec * k_uf, measured::k_max_tec * k_uf, k_unit_hint);
    outside.emplace_back(text);
  }
  const double tau = layer.ter * layer.tec;
  if (!(tau >= measured::k_min_layer_tau && tau <= measured::k_max_layer_tau)) {
    std::snprintf(text, sizeof text, "TER*TEC %.3g s is outside %.3g to %.3g s, the time constants of cell layers%s", tau,
                  measured::k_min_layer_tau, measured::k_max_layer_tau, k_unit_hint);
    outside.emplace_back(text);
  }
  if (!outside.empty()) {
    v.status = fit_status::invalid_data;
    v.reasons.insert(v.reasons.begin(), outside.begin(), outside.end());
  }
  return v;
}

}  // namespace eisgrid::fit
