#include "fit/model_fit.hpp"

#include <ceres/ceres.h>

#include <Eigen/Dense>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <numeric>

#include "base/error.hpp"
#include "fit/residuals.hpp"
#include "model/models.hpp"

namespace eisgrid::fit {
namespace {

using model::spacing;

// A parameter this close to a bound (in its coordinate, relative to the
// range) is at the bound: its standard error is 0 and it is at the edge.
constexpr double k_edge_tolerance = 1e-6;
// Step of the central differences for the errors of TER and TEC.
constexpr double k_gradient_step = 1e-6;

double coordinate(const model::parameter_spec& p, double v) { return p.axis == spacing::log ? std::log(v) : v; }
double value_at(const model::parameter_spec& p, double x) { return p.axis == spacing::log ? std::exp(x) : x; }

struct bounds_in_coordinates {
  std::vector<double> lo, hi;
};

bounds_in_coordinates coordinates_of(const model::circuit_model& m, const std::vector<model::axis_range>& ranges) {
  bounds_in_coordinates b;
  for (std::size_t k = 0; k < m.count(); ++k) {
    b.lo.push_back(coordinate(m.parameters[k], ranges[k].min));
    b.hi.push_back(coordinate(m.parameters[k], ranges[k].max));
  }
  return b;
}

template <typename Kernel>
struct model_residual {
  const weighted_points* pts;
  std::optional<double> fixed_rs;

  template <typename T>
  bool operator()(const T* log_rs, const T* x, T* out) const {
    using std::exp;
    std::array<T, Kernel::count> p;
    p[0] = fixed_rs ? T(*fixed_rs) : exp(log_rs[0]);
    for (std::size_t k = 1; k < Kernel::count; ++k) p[k] = Kernel::k_parameters[k].axis == spacing::log ? exp(x[k - 1]) : x[k - 1];
    for (std::size_t i = 0; i < pts->z.size(); ++i) {
      const auto z = Kernel::impedance(p.data(), pts->omega[i]);
      pts->write(i, z.re, z.im, out);
    }
    return true;
  }
};

template <typename Kernel>
using model_cost = ceres::AutoDiffCostFunction<model_residual<Kernel>, ceres::DYNAMIC, 1, Kernel::count - 1>;

// Coordinates of a start, clamped into the bounds.
std::vector<double> clamped(const model::circuit_model& m, const bounds_in_coordinates& b, const std::vector<double>& values) {
  std::vector<double> x(m.count());
  for (std::size_t k = 0; k < m.count(); ++k) x[k] = std::clamp(coordinate(m.parameters[k], values[k]), b.lo[k], b.hi[k]);
  return x;
}

// Bounded LM from coordinates x (Rs first), the coordinates `held` kept
// where they are.
template <typename Kernel>
std::vector<double> solve_once(const weighted_points& pts, const bounds_in_coordinates& b, std::optional<double> fixed_rs,
                               const std::vector<double>& start, const std::vector<int>& held, const std::atomic<bool>* cancel) {
  std::vector<double> x = start;
  ceres::Problem problem;
  problem.AddResidualBlock(new model_cost<Kernel>(new model_residual<Kernel>{&pts, fixed_rs}, pts.residual_count()), nullptr, &x[0], &x[1]);
  const bool rs_held = fixed_rs || std::find(held.begin(), held.end(), 0) != held.end();
  if (rs_held) {
    problem.SetParameterBlockConstant(&x[0]);
  } else {
    problem.SetParameterLowerBound(&x[0], 0, b.lo[0]);
    problem.SetParameterUpperBound(&x[0], 0, b.hi[0]);
  }
  std::vector<int> held_in_block;
  for (int k : held) {
    if (k > 0) held_in_block.push_back(k - 1);
  }
  if (!held_in_block.empty()) problem.SetManifold(&x[1], new ceres::SubsetManifold(static_cast<int>(x.size()) - 1, held_in_block));
  for (std::size_t k = 1; k < x.size(); ++k) {
    problem.SetParameterLowerBound(&x[1], static_cast<int>(k - 1), b.lo[k]);
    problem.SetParameterUpperBound(&x[1], static_cast<int>(k - 1), b.hi[k]);
  }
  // A failed solve keeps the start it was given; a cancelled one throws error(cancelled).
  if (!fit::solve(problem, cancel)) return start;
  return x;
}

parameter_edge edge_of(const bounds_in_coordinates& b, std::size_t k, double x) {
  const double width = std::max(b.hi[k] - b.lo[k], 1e-300);
  if (std::abs(x - b.lo[k]) <= k_edge_tolerance * width) return parameter_edge::at_min;
  if (std::abs(x - b.hi[k]) <= k_edge_tolerance * width) return parameter_edge::at_max;
  return parameter_edge::none;
}

bool at_bound(const bounds_in_coordinates& b, std::size_t k, double x) { return edge_of(b, k, x) != parameter_edge::none; }

// Bounded LM from x, then again with every coordinate that ended on a bound
// held there: Ceres projects steps onto the bounds, and with a coordinate
// pressed against one (an alpha at 0.5, say) its trust region can shrink to
// nothing before the others have converged.
template <typename Kernel>
std::vector<double> solve(const weighted_points& pts, const bounds_in_coordinates& b, std::optional<double> fixed_rs,
                          const std::vector<double>& start, const std::atomic<bool>* cancel) {
  auto x = solve_once<Kernel>(pts, b, fixed_rs, start, {}, cancel);
  std::vector<int> held;
  for (std::size_t k = 0; k < x.size(); ++k) {
    if (at_bound(b, k, x[k])) held.push_back(static_cast<int>(k));
  }
  if (held.empty()) return x;
  return solve_once<Kernel>(pts, b, fixed_rs, x, held, cancel);
}

std::vector<double> values_of(const model::circuit_model& m, const std::vector<double>& x, std::optional<double> fixed_rs) {
  std::vector<double> v(m.count());
  for (std::size_t k = 0; k < m.count(); ++k) v[k] = value_at(m.parameters[k], x[k]);
  if (fixed_rs) v[0] = *fixed_rs;
  return v;
}

double resnorm_of(const model::circuit_model& m, sweep::metric metric, std::span<const double> f, std::span<const std::complex<double>> z,
                  const std::vector<double>& values) {
  std::vector<std::complex<double>> dz(z.size());
  for (std::size_t i = 0; i < z.size(); ++i) dz[i] = m.impedance(values, f[i]) - z[i];
  return sweep::resnorm_of(metric, dz.data(), z.data(), dz.size());
}

// Standard errors of the parameters, TER and TEC at x: the covariance
// s^2 (J^T J)^+ over the free coordinates not at a bound, J the Jacobian of
// the squared residuals of the metric's weighting, s^2 their sum over
// (residuals - free parameters). The pseudo-inverse keeps directions the
// spectrum does not determine out of quantities it does (TER and TEC).
template <typename Kernel>
void add_errors(model_fit_result& r, const weighted_points& pts, const bounds_in_coordinates& b, std::optional<double> fixed_rs,
                const std::vector<double>& x) {
  const auto& m = *r.model;
  const int count = pts.residual_count();
  const model_cost<Kernel> cost(new model_residual<Kernel>{&pts, fixed_rs}, count);
  std::vector<double> residuals(static_cast<std::size_t>(count));
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> j_rs(count, 1), j_x(count, Kernel::count - 1);
  const double* parameters[] = {&x[0], &x[1]};
  double* jacobians[] = {j_rs.data(), j_x.data()};
  r.errors.assign(m.count(), 0.0);
  if (!cost.Evaluate(parameters, residuals.data(), jacobians)) return;

  std::vector<std::size_t> free;
  for (std::size_t k = 0; k < m.count(); ++k) {
    if ((k == 0 && fixed_rs) || at_bound(b, k, x[k])) continue;
    free.push_back(k);
  }
  const auto p = static_cast<int>(free.size());
  Eigen::MatrixXd jac(count, p);
  for (int c = 0; c < p; ++c) jac.col(c) = free[c] == 0 ? j_rs.col(0) : j_x.col(static_cast<int>(free[c]) - 1);
  const double sum = std::inner_product(residuals.begin(), residuals.end(), residuals.begin(), 0.0);
  const double variance = count > p ? sum / (count - p) : 0.0;
  const Eigen::MatrixXd cov = variance * (jac.transpose() * jac).completeOrthogonalDecomposition().pseudoInverse();

  for (int c = 0; c < p; ++c) {
    const std::size_t k = free[c];
    const double sd = std::sqrt(std::max(0.0, cov(c, c)));
    r.errors[k] = m.parameters[k].axis == spacing::log ? value_at(m.parameters[k], x[k]) * sd : sd;
  }
  // d ln(quantity) / d coordinate by central differences.
  const auto error_of = [&](double (*quantity)(std::span<const double>), double value) {
    Eigen::VectorXd g(p);
    for (int c = 0; c < p; ++c) {
      auto up = x, down = x;
      up[free[c]] += k_gradient_step;
      down[free[c]] -= k_gradient_step;
      g(c) = (std::log(quantity(values_of(m, up, fixed_rs))) - std::log(quantity(values_of(m, down, fixed_rs)))) / (2 * k_gradient_step);
    }
    return value * std::sqrt(std::max(0.0, g.dot(cov * g)));
  };
  r.ter_se = error_of(m.ter, r.ter);
  r.tec_se = error_of(m.tec, r.tec);
}

template <typename Kernel>
model_fit_result fit_with(std::span<const double> f, std::span<const std::complex<double>> z, const model::circuit_model& m,
                          const fit_options& options, const fit_result& rc) {
  const spectrum_view s{f, z};
  const weighted_points pts(s, options.metric, false);
  const auto ranges = model_ranges(m, options);
  const auto b = coordinates_of(m, ranges);
  const double lowest_omega = 2.0 * std::numbers::pi * *std::min_element(f.begin(), f.end());

  std::vector<std::vector<double>> starts;
  for (const auto& start : m.starts_from_rc({rc.rs, rc.params}, lowest_omega)) starts.push_back(clamped(m, b, start));
  // Every start refined to the end: they are few, one for each place the
  // model's extra elements can take.
  std::optional<std::pair<double, std::vector<double>>> best;
  for (const auto& start : starts) {
    auto x = solve<Kernel>(pts, b, options.fixed_rs, start, options.cancel);
    const double r = resnorm_of(m, options.metric, f, z, values_of(m, x, options.fixed_rs));
    if (std::isfinite(r) && (!best || r < best->first)) best.emplace(r, std::move(x));
  }
  if (!best) throw error(error_kind::internal, "no start of the " + std::string(m.name) + " fit gave a finite residual");

  model_fit_result result;
  result.model = &m;
  result.metric = options.metric;
  result.params = values_of(m, best->second, options.fixed_rs);
  result.resnorm = best->first;
  result.ter = m.ter(result.params);
  result.tec = m.tec(result.params);
  result.edges.assign(m.count(), parameter_edge::none);
  for (std::size_t k = options.fixed_rs ? 1 : 0; k < m.count(); ++k) result.edges[k] = edge_of(b, k, best->second[k]);
  add_errors<Kernel>(result, weighted_points(s, options.metric, true), b, options.fixed_rs, best->second);
  result.free_parameters = m.count() - (options.fixed_rs ? 1 : 0);
  add_information_criteria(result, f, z);
  result.relative_residuals.resize(z.size());
  for (std::size_t i = 0; i < z.size(); ++i)
    result.relative_residuals[i] = std::abs(m.impedance(result.params, f[i]) - z[i]) / std::abs(z[i]);
  return result;
}

}  // namespace

std::vector<model::axis_range> model_ranges(const model::circuit_model& m, const fit_options& options) {
  std::vector<model::axis_range> out;
  for (const auto& p : m.parameters) {
    if (p.name == "Rs") {
      out.push_back(options.rs);
      continue;
    }
    if (const auto rc_index = model::rc().index_of(p.name)) {
      out.push_back(options.grid.axes[*rc_index - 1]);
      continue;
    }
    const auto given =
        std::find_if(options.other_ranges.begin(), options.other_ranges.end(), [&](const auto& named) { return named.first == p.name; });
    out.push_back(given != options.other_ranges.end() ? given->second : p.measured_range);
  }
  return out;
}

model_fit_result as_model_fit(const fit_result& rc, std::span<const double> frequencies, std::span<const std::complex<double>> z,
                              const fit_options& options) {
  model_fit_result r;
  r.model = &model::rc();
  r.metric = rc.metric;
  r.resnorm = rc.resnorm;
  const auto raw = rc.params.as_array();
  r.params = {rc.rs};
  r.params.insert(r.params.end(), raw.begin(), raw.end());
  // Rs, TER and TEC are identified; the raw set is one member of a family.
  r.errors.assign(r.params.size(), std::numeric_limits<double>::quiet_NaN());
  r.errors[0] = rc.errors.rs;
  r.edges.assign(rc.edges.begin(), rc.edges.end());
  r.ter = rc.identified.ter;
  r.ter_se = rc.errors.ter;
  r.tec = rc.identified.tec();
  r.tec_se = rc.errors.tec;
  r.free_parameters = r.params.size() - (options.fixed_rs ? 1 : 0);
  r.relative_residuals = rc.relative_residuals;
  add_information_criteria(r, frequencies, z);
  return r;
}

model_fit_result fit_model(std::span<const double> frequencies, std::span<const std::complex<double>> z, const model::circuit_model& m,
                           const fit_options& options, const fit_result& rc) {
  if (!m.starts_from_rc) throw error(error_kind::usage, "the " + std::string(m.name) + " model is fitted by fit_spectrum");
  std::optional<model_fit_result> out;
  model::with_kernel(m, [&](auto kernel) {
    using kernel_type = decltype(kernel);
    if constexpr (requires { &kernel_type::starts_from_rc; }) out = fit_with<kernel_type>(frequencies, z, m, options, rc);
  });
  return std::move(*out);
}

void add_information_criteria(model_fit_result& r, std::span<const double> frequencies, std::span<const std::complex<double>> z) {
  const sweep::metric weighting = squared_weighting(r.metric);
  double sum = 0;
  std::size_t points = 0;
  for (std::size_t i = 0; i < z.size(); ++i) {
    const double modulus = std::abs(z[i]);
    if (!(modulus > 0)) continue;
    sum += sweep::point_weight(weighting, modulus) * std::norm(r.model->impedance(r.params, frequencies[i]) - z[i]);
    ++points;
  }
  const double n = 2.0 * static_cast<double>(points);
  const double k = static_cast<double>(r.free_parameters);
  const double fit_term = n * std::log(sum / n);
  r.aic = fit_term + 2 * k;
  r.bic = fit_term + k * std::log(n);
}

}  // namespace eisgrid::fit
