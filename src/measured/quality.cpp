#include "measured/quality.hpp"

#include <array>
#include <cmath>
#include <cstdio>

namespace eisgrid::measured {
namespace {

// "50 kHz", "948.7 Hz", "-2.59 kΩ": a value with an SI prefix and `digits` significant digits.
std::string with_prefix(double value, const char* unit, int digits, bool plus_sign = false) {
  static constexpr std::array<const char*, 5> k_prefixes{"m", "", "k", "M", "G"};
  static constexpr double k_step = 1000;
  std::size_t i = 1;
  double scaled = value;
  if (value != 0 && std::abs(value) < 1) {
    i = 0;
    scaled = value * k_step;
  }
  while (std::abs(scaled) >= k_step && i + 1 < k_prefixes.size()) {
    scaled /= k_step;
    ++i;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, plus_sign ? "%+.*g %s%s" : "%.*g %s%s", digits, scaled, k_prefixes[i], unit);
  return buf;
}

std::string frequency(double hz) { return with_prefix(hz, "Hz", 4); }
std::string ohms(double value, bool plus_sign) { return with_prefix(value, "Ω", 3, plus_sign); }

std::string percent(double fraction) {
  char buf[32];
  const double p = 100 * fraction;
  std::snprintf(buf, sizeof buf, p >= 10 ? "%.0f%%" : "%.1f%%", p);
  return buf;
}

std::string count_of(std::size_t count, std::size_t points) {
  return std::to_string(count) + " of " + std::to_string(points) + " point" + (points == 1 ? "" : "s");
}

void describe_degenerate(const plausibility& p, std::vector<std::string>& out) {
  if (p.too_few_points) {
    out.push_back("only " + std::to_string(p.points) + " point" + (p.points == 1 ? "" : "s") + " (at least " +
                  std::to_string(k_min_points) + " are needed to judge a spectrum)");
  }
  if (p.non_finite_points > 0) out.push_back("not a finite number at " + count_of(p.non_finite_points, p.points));
  if (p.non_positive_frequencies > 0) out.push_back("frequency zero or negative at " + count_of(p.non_positive_frequencies, p.points));
  if (p.no_frequency_spread) out.push_back("frequencies span less than a decade, too narrow to show an RC arc");
  if (p.tiny_impedance) out.push_back("every |Z| is below " + ohms(k_min_magnitude, false) + ": a short circuit, not a sample?");
}

void describe_signs(const plausibility& p, std::vector<std::string>& out) {
  if (p.negative_real.count > 0) {
    out.push_back("real part negative at " + count_of(p.negative_real.count, p.points) + ", down to " + ohms(p.negative_real.worst, false) +
                  " at " + frequency(p.negative_real.worst_frequency) + ", which no passive circuit gives: an electrode not connected?");
  }
  if (p.inductive.count > 0) {
    out.push_back("imaginary part positive (inductive) at " + count_of(p.inductive.count, p.points) + ", up to " +
                  ohms(p.inductive.worst, true) + " at " + frequency(p.inductive.worst_frequency) +
                  ", which no RC circuit gives: an empty insert (no cell layer), or the leads' inductance?");
  }
}

void describe_kk(const kk_result& kk, std::vector<std::string>& out) {
  if (!kk.tested) {
    out.push_back("Kramers–Kronig test not run: " + kk.not_tested);
    return;
  }
  if (kk.passed) return;
  out.push_back("Kramers–Kronig: residuals up to " + percent(kk.max_residual) + " of |Z| at " + frequency(kk.max_residual_frequency) +
                " (limit " + percent(k_default_max_residual) + ") — drift, a non-stationary sample or a loose contact?");
}

}  // namespace

sweep_quality assess(std::span<const double> frequencies, std::span<const std::complex<double>> z) {
  sweep_quality q;
  q.checks = check_plausibility(frequencies, z);
  q.plausible = q.checks.plausible();
  describe_degenerate(q.checks, q.warnings);
  describe_signs(q.checks, q.warnings);
  // A degenerate sweep has its reason above already; the test would only repeat it.
  if (!q.checks.degenerate()) {
    q.kk = kramers_kronig_test(frequencies, z);
    q.kk_passed = q.kk.passed;
    describe_kk(q.kk, q.warnings);
  } else {
    q.kk.not_tested = "the sweep is degenerate";
  }
  return q;
}

void add_quality_warnings(measurement& m) {
  for (auto& s : m.sweeps) {
    for (auto& w : assess(s.frequencies, s.z).warnings) s.warnings.push_back(std::move(w));
  }
}

}  // namespace eisgrid::measured
