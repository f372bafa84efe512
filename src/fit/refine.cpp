#include "fit/refine.hpp"

#include "fit/residuals.hpp"

#include "base/error.hpp"

#include <ceres/ceres.h>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace eisgrid::fit {
namespace {

// The interlacing bounds are kept this far inside, so a start on the boundary
// (two equal membrane time constants) still has a defined zero.
constexpr double k_min_log_gap = 1e-6;
constexpr double k_tolerance = 1e-12;
constexpr int k_identified_count = 4;  // ln TER, ln tau2, two log gaps
constexpr int k_raw_count = 5;

struct identified_residual {
  const weighted_points* pts;
  std::optional<double> fixed_rs;

  template <typename T>
  bool operator()(const T* log_rs, const T* x, T* out) const {
    const T rs = fixed_rs ? T(*fixed_rs) : ceres::exp(log_rs[0]);
    const T ter = ceres::exp(x[0]);
    const T tau2 = ceres::exp(x[1]);
    const T tau_z = tau2 * ceres::exp(x[2]);
    const T tau1 = tau_z * ceres::exp(x[3]);
    for (std::size_t i = 0; i < pts->z.size(); ++i) {
      const double w = pts->omega[i];
      // TER (1 + j w tau_z) / ((1 - w^2 tau1 tau2) + j w (tau1 + tau2))
      const T nr = ter, ni = ter * w * tau_z;
      const T dr = 1.0 - w * w * tau1 * tau2, di = w * (tau1 + tau2);
      const T den = dr * dr + di * di;
      pts->write(i, rs + (nr * dr + ni * di) / den, (ni * dr - nr * di) / den, out);
    }
    return true;
  }
};

struct raw_residual {
  const weighted_points* pts;
  std::optional<double> fixed_rs;

  template <typename T>
  bool operator()(const T* log_rs, const T* x, T* out) const {
    const T rs = fixed_rs ? T(*fixed_rs) : ceres::exp(log_rs[0]);
    const T rsh = ceres::exp(x[0]), ra = ceres::exp(x[1]), ca = ceres::exp(x[2]), rb = ceres::exp(x[3]), cb = ceres::exp(x[4]);
    for (std::size_t i = 0; i < pts->z.size(); ++i) {
      const double w = pts->omega[i];
      // Each membrane R / (1 + j x), x = w R C; S = Za + Zb; Z = Rsh S / (Rsh + S).
      const T xa = w * ra * ca, xb = w * rb * cb;
      const T ga = ra / (1.0 + xa * xa), gb = rb / (1.0 + xb * xb);
      const T sr = ga + gb, si = -(ga * xa + gb * xb);
      const T dr = rsh + sr;
      const T scale = rsh / (dr * dr + si * si);
      pts->write(i, rs + scale * (sr * dr + si * si), scale * rsh * si, out);
    }
    return true;
  }
};

double clamp_log(double v, double lo, double hi) { return std::clamp(std::log(v), std::log(lo), std::log(hi)); }

// Adds the Rs block: constant when Rs is fixed, else bounded in log.
void add_rs_bounds(ceres::Problem& problem, double* log_rs, const rs_bounds& rs) {
  if (rs.fixed) {
    problem.SetParameterBlockConstant(log_rs);
    return;
  }
  problem.SetParameterLowerBound(log_rs, 0, std::log(rs.min));
  problem.SetParameterUpperBound(log_rs, 0, std::log(rs.max));
}

std::array<double, k_identified_count> identified_coordinates(const transfer& t) {
  return {std::log(t.ter), std::log(t.tau2), std::max(k_min_log_gap, std::log(t.tau_z / t.tau2)),
          std::max(k_min_log_gap, std::log(t.tau1 / t.tau_z))};
}

transfer transfer_from(double rs, const double* x) {
  transfer t;
  t.rs = rs;
  t.ter = std::exp(x[0]);
  t.tau2 = std::exp(x[1]);
  t.tau_z = t.tau2 * std::exp(x[2]);
  t.tau1 = t.tau_z * std::exp(x[3]);
  return t;
}

template <typename Functor, int n>
using cost_of = ceres::AutoDiffCostFunction<Functor, ceres::DYNAMIC, 1, n>;

}  // namespace

ceres::Solver::Options solver_options() {
  ceres::Solver::Options o;
  o.minimizer_type = ceres::TRUST_REGION;
  o.trust_region_strategy_type = ceres::LEVENBERG_MARQUARDT;
  o.linear_solver_type = ceres::DENSE_QR;
  o.max_num_iterations = k_max_lm_iterations;
  o.function_tolerance = k_tolerance;
  o.gradient_tolerance = k_tolerance;
  o.parameter_tolerance = k_tolerance;
  o.num_threads = 1;
  o.logging_type = ceres::SILENT;
  o.minimizer_progress_to_stdout = false;
  return o;
}

bool solve(ceres::Problem& problem, const std::atomic<bool>* cancel) {
  class cancel_callback final : public ceres::IterationCallback {
   public:
    explicit cancel_callback(const std::atomic<bool>& flag) : flag_(flag) {}
    ceres::CallbackReturnType operator()(const ceres::IterationSummary&) override {
      return flag_.load(std::memory_order_relaxed) ? ceres::SOLVER_ABORT : ceres::SOLVER_CONTINUE;
    }

   private:
    const std::atomic<bool>& flag_;
  };
  auto options = solver_options();
  std::optional<cancel_callback> callback;
  if (cancel) options.callbacks.push_back(&callback.emplace(*cancel));
  ceres::Solver::Summary summary;
  ceres::Solve(options, &problem, &summary);
  if (cancel && cancel->load()) throw error(error_kind::cancelled, "cancelled");
  return summary.IsSolutionUsable();
}

transfer refine_identified(const spectrum_view& s, sweep::metric m, const rs_bounds& rs, const model::grid_spec& ranges, transfer start,
                           const std::atomic<bool>* cancel) {
  const weighted_points pts(s, m, false);
  double log_rs = rs.fixed ? 0.0 : clamp_log(std::max(start.rs, rs.min), rs.min, rs.max);
  auto x = identified_coordinates(start);
  ceres::Problem problem;
  problem.AddResidualBlock(
      new cost_of<identified_residual, k_identified_count>(new identified_residual{&pts, rs.fixed}, pts.residual_count()), nullptr, &log_rs,
      x.data());
  add_rs_bounds(problem, &log_rs, rs);
  using model::param;
  const auto& axis = [&](param p) { return ranges.axes[static_cast<std::size_t>(p)]; };
  const double r_min = std::min(axis(param::ra).min, axis(param::rb).min), r_max = std::max(axis(param::ra).max, axis(param::rb).max);
  const double c_min = std::min(axis(param::ca).min, axis(param::cb).min), c_max = std::max(axis(param::ca).max, axis(param::cb).max);
  const double rsh_min = axis(param::rsh).min;
  const double ter_min = rsh_min * 2 * r_min / (rsh_min + 2 * r_min);
  const double log_tau_min = std::log(r_min * c_min), log_tau_max = std::log(r_max * c_max);
  x[0] = std::clamp(x[0], std::log(ter_min), std::log(axis(param::rsh).max));
  x[1] = std::clamp(x[1], log_tau_min, log_tau_max);
  problem.SetParameterLowerBound(x.data(), 0, std::log(ter_min));
  problem.SetParameterUpperBound(x.data(), 0, std::log(axis(param::rsh).max));
  problem.SetParameterLowerBound(x.data(), 1, log_tau_min);
  problem.SetParameterUpperBound(x.data(), 1, log_tau_max);
  for (int k = 2; k < k_identified_count; ++k) {
    x[k] = std::min(x[k], log_tau_max - log_tau_min);
    problem.SetParameterLowerBound(x.data(), k, 0.0);
    problem.SetParameterUpperBound(x.data(), k, log_tau_max - log_tau_min);
  }
  // A failed solve keeps the start it was given.
  if (!solve(problem, cancel)) return start;
  return transfer_from(rs.fixed ? *rs.fixed : std::exp(log_rs), x.data());
}

raw_point refine_raw(const spectrum_view& s, sweep::metric m, const rs_bounds& rs, const model::grid_spec& ranges, raw_point start,
                     const std::atomic<bool>* cancel) {
  const weighted_points pts(s, m, false);
  double log_rs = rs.fixed ? 0.0 : clamp_log(std::max(start.rs, rs.min), rs.min, rs.max);
  std::array<double, k_raw_count> x{};
  const auto values = start.params.as_array();
  for (std::size_t k = 0; k < k_raw_count; ++k) x[k] = clamp_log(values[k], ranges.axes[k].min, ranges.axes[k].max);
  ceres::Problem problem;
  problem.AddResidualBlock(new cost_of<raw_residual, k_raw_count>(new raw_residual{&pts, rs.fixed}, pts.residual_count()), nullptr, &log_rs,
                           x.data());
  add_rs_bounds(problem, &log_rs, rs);
  for (int k = 0; k < k_raw_count; ++k) {
    problem.SetParameterLowerBound(x.data(), k, std::log(ranges.axes[k].min));
    problem.SetParameterUpperBound(x.data(), k, std::log(ranges.axes[k].max));
  }
  if (!solve(problem, cancel)) return start;
  std::array<double, k_raw_count> v{};
  for (std::size_t k = 0; k < k_raw_count; ++k) v[k] = std::exp(x[k]);
  return {rs.fixed ? *rs.fixed : std::exp(log_rs), model::circuit_params::from_array(v)};
}

standard_errors identified_errors(const spectrum_view& s, sweep::metric m, const rs_bounds& rs, const transfer& t) {
  const weighted_points pts(s, m, true);
  const int count = pts.residual_count();
  double log_rs = std::log(std::max(t.rs, rs.min > 0 ? rs.min : 1e-300));
  auto x = identified_coordinates(t);
  const cost_of<identified_residual, k_identified_count> cost(new identified_residual{&pts, rs.fixed}, count);
  std::vector<double> residuals(static_cast<std::size_t>(count));
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> j_rs(count, 1), j_x(count, k_identified_count);
  const double* parameters[] = {&log_rs, x.data()};
  double* jacobians[] = {j_rs.data(), j_x.data()};
  if (!cost.Evaluate(parameters, residuals.data(), jacobians)) return {};

  // Columns: ln Rs (when free), ln TER, ln tau2, ln(tau_z/tau2), ln(tau1/tau_z).
  const int offset = rs.fixed ? 0 : 1;
  const int p = k_identified_count + offset;
  Eigen::MatrixXd jac(count, p);
  if (!rs.fixed) jac.col(0) = j_rs.col(0);
  jac.rightCols(k_identified_count) = j_x;
  double sum = 0;
  for (double r : residuals) sum += r * r;
  const double variance = count > p ? sum / (count - p) : 0.0;
  const Eigen::MatrixXd cov = variance * (jac.transpose() * jac).completeOrthogonalDecomposition().pseudoInverse();

  // The gradient of each log quantity in these coordinates.
  const auto error_of = [&](double value, std::initializer_list<std::pair<int, double>> gradient) {
    Eigen::VectorXd g = Eigen::VectorXd::Zero(p);
    for (const auto& [k, v] : gradient) g(k + offset) += v;
    return value * std::sqrt(std::max(0.0, g.dot(cov * g)));
  };
  standard_errors e;
  e.rs = rs.fixed ? 0.0 : t.rs * std::sqrt(std::max(0.0, cov(0, 0)));
  e.ter = error_of(t.ter, {{0, 1.0}});
  e.tau2 = error_of(t.tau2, {{1, 1.0}});
  e.tau1 = error_of(t.tau1, {{1, 1.0}, {2, 1.0}, {3, 1.0}});
  // ln TEC = ln tau1 + ln tau2 - ln TER - ln tau_z = ln tau2 + ln(tau1/tau_z) - ln TER.
  e.tec = error_of(t.tec(), {{1, 1.0}, {3, 1.0}, {0, -1.0}});
  return e;
}

double resnorm(const spectrum_view& s, sweep::metric m, const model::circuit_params& p, double rs) {
  std::vector<std::complex<double>> dz(s.z.size());
  for (std::size_t i = 0; i < dz.size(); ++i) dz[i] = rs + model::impedance(p, s.frequencies[i]) - s.z[i];
  return sweep::resnorm_of(m, dz.data(), s.z.data(), dz.size());
}

double resnorm(const spectrum_view& s, sweep::metric m, const transfer& t) {
  std::vector<std::complex<double>> dz(s.z.size());
  for (std::size_t i = 0; i < dz.size(); ++i) dz[i] = impedance(t, s.frequencies[i]) - s.z[i];
  return sweep::resnorm_of(m, dz.data(), s.z.data(), dz.size());
}

}  // namespace eisgrid::fit
