#include "measured/kramers_kronig.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "base/error.hpp"

namespace eisgrid::measured {
namespace {

// tau_k = tau_1 (tau_M / tau_1)^((k-1)/(M-1)): the paper's log spacing; one element sits at tau_1.
std::vector<double> time_constants(double f_min, double f_max, std::size_t m) {
  const double tau_min = 1 / (2 * std::numbers::pi * f_max);
  const double tau_max = 1 / (2 * std::numbers::pi * f_min);
  std::vector<double> tau(m, tau_min);
  for (std::size_t k = 1; k < m; ++k) tau[k] = tau_min * std::pow(tau_max / tau_min, static_cast<double>(k) / static_cast<double>(m - 1));
  return tau;
}

// The unknowns, in the order of the matrix columns: R0, then L and 1/C where enabled, then R_1..R_M.
struct layout {
  bool inductance;
  bool capacitance;
  [[nodiscard]] std::size_t series() const noexcept { return 1 + (inductance ? 1 : 0) + (capacitance ? 1 : 0); }
};

struct fit {
  std::vector<double> tau;
  Eigen::VectorXd x;  // the unknowns in `layout` order
};

// Weighted linear least squares on the stacked real (rows 0..N-1) and imaginary (rows N..2N-1)
// parts. Columns are scaled to unit norm first: R_k columns are O(1) while the L column grows
// with omega (up to 10^6) and the C column with 1/omega, and the solver's rank decision
// should not depend on units. The complete orthogonal decomposition gives the minimum-norm
// solution if columns are dependent, as an SVD would.
fit solve(std::span<const double> f, std::span<const std::complex<double>> z, layout cols, std::vector<double> tau) {
  const auto n = static_cast<Eigen::Index>(f.size());
  const auto series = static_cast<Eigen::Index>(cols.series());
  const auto p = series + static_cast<Eigen::Index>(tau.size());
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(2 * n, p);
  Eigen::VectorXd b(2 * n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double w = 1 / std::abs(z[i]);
    const double omega = 2 * std::numbers::pi * f[i];
    Eigen::Index c = 0;
    a(i, c++) = w;
    if (cols.inductance) a(n + i, c++) = w * omega;
    if (cols.capacitance) a(n + i, c++) = -w / omega;
    for (const double t : tau) {
      const double x = omega * t;
      a(i, c) = w / (1 + x * x);
      a(n + i, c++) = -w * x / (1 + x * x);
    }
    b(i) = w * z[i].real();
    b(n + i) = w * z[i].imag();
  }
  Eigen::VectorXd scale = a.colwise().norm().transpose();
  for (double& s : scale) s = s > 0 ? s : 1;
  a *= scale.cwiseInverse().asDiagonal();
  Eigen::VectorXd x = a.completeOrthogonalDecomposition().solve(b);
  return {std::move(tau), x.cwiseQuotient(scale)};
}

std::complex<double> evaluate(const fit& m, layout cols, double f) {
  const double omega = 2 * std::numbers::pi * f;
  Eigen::Index c = 0;
  std::complex<double> z = m.x(c++);
  if (cols.inductance) z += std::complex<double>(0, omega * m.x(c++));
  if (cols.capacitance) z += std::complex<double>(0, -m.x(c++) / omega);
  for (const double t : m.tau) z += m.x(c++) / std::complex<double>(1, omega * t);
  return z;
}

std::string check_input(std::span<const double> f, std::span<const std::complex<double>> z) {
  if (f.size() > k_max_kk_points) return std::to_string(f.size()) + " points, more than " + std::to_string(k_max_kk_points);
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (!std::isfinite(f[i]) || f[i] <= 0) return "a frequency that is not positive and finite";
    if (!std::isfinite(z[i].real()) || !std::isfinite(z[i].imag())) return "an impedance that is not finite";
    if (std::abs(z[i]) == 0) return "a point with |Z| = 0, which the 1/|Z| weights can't take";
  }
  return {};
}

}  // namespace

double mu_criterion(std::span<const double> resistances) noexcept {
  double negative = 0;
  double positive = 0;
  for (const double r : resistances) (r < 0 ? negative : positive) += std::abs(r);
  if (positive == 0) return negative > 0 ? -std::numeric_limits<double>::infinity() : 1.0;
  return 1 - negative / positive;
}

kk_result kramers_kronig_test(std::span<const double> frequencies, std::span<const std::complex<double>> z, const kk_options& options) {
  if (frequencies.size() != z.size()) {
    throw error(error_kind::internal, "kramers_kronig_test: " + std::to_string(frequencies.size()) + " frequencies but " +
                                          std::to_string(z.size()) + " impedances");
  }
  kk_result r;
  r.not_tested = check_input(frequencies, z);
  if (!r.not_tested.empty()) return r;

  std::vector<double> sorted(frequencies.begin(), frequencies.end());
  std::sort(sorted.begin(), sorted.end());
  const auto distinct = static_cast<std::size_t>(std::unique(sorted.begin(), sorted.end()) - sorted.begin());
  const layout cols{options.series_inductance, options.series_capacitance};
  // At least one more equation (2 per point) than unknowns, so that a residual means something.
  const std::size_t equations = 2 * frequencies.size();
  const std::size_t by_equations = equations > cols.series() + 1 ? equations - cols.series() - 1 : 0;
  const std::size_t m_max = std::min({k_max_voigt_elements, distinct, by_equations});
  if (distinct < 2 || m_max == 0) {
    r.not_tested = "too few points (" + std::to_string(frequencies.size()) + ", " + std::to_string(distinct) + " distinct frequencies)";
    return r;
  }
  const double f_min = sorted.front();
  const double f_max = sorted[distinct - 1];
  const double decades = std::log10(f_max / f_min);
  const auto m_start = std::clamp<std::size_t>(static_cast<std::size_t>(std::ceil(k_elements_per_decade * decades)), 1, m_max);

  fit best;
  for (std::size_t m = m_start; m <= m_max; ++m) {
    best = solve(frequencies, z, cols, time_constants(f_min, f_max, m));
    const auto series = static_cast<Eigen::Index>(cols.series());
    r.mu = mu_criterion(std::span<const double>(best.x.data() + series, m));
    r.voigt_elements = m;
    if (r.mu < options.mu_threshold) {
      r.mu_reached = true;
      break;
    }
  }

  r.tested = true;
  Eigen::Index c = 0;
  r.ohmic_resistance = best.x(c++);
  if (cols.inductance) r.inductance = best.x(c++);
  if (cols.capacitance) r.inverse_capacitance = best.x(c++);
  r.time_constants = best.tau;
  r.resistances.assign(best.x.data() + c, best.x.data() + best.x.size());

  const std::size_t n = frequencies.size();
  r.fitted.resize(n);
  r.residual_real.resize(n);
  r.residual_imag.resize(n);
  double sum_squares = 0;
  for (std::size_t i = 0; i < n; ++i) {
    r.fitted[i] = evaluate(best, cols, frequencies[i]);
    const std::complex<double> d = (z[i] - r.fitted[i]) / std::abs(z[i]);
    r.residual_real[i] = d.real();
    r.residual_imag[i] = d.imag();
    sum_squares += std::norm(d);
    const double worst = std::max(std::abs(d.real()), std::abs(d.imag()));
    if (worst > r.max_residual) {
      r.max_residual = worst;
      r.max_residual_frequency = frequencies[i];
    }
  }
  r.rms_residual = std::sqrt(sum_squares / static_cast<double>(2 * n));
  r.passed = r.max_residual <= options.max_residual;
  return r;
}

}  // namespace eisgrid::measured
