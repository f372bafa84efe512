#include "fit/fit.hpp"

#include "fit/profile.hpp"

#include <algorithm>
#include <cmath>

#include "base/error.hpp"
#include "model/spacing.hpp"

namespace eisgrid::fit {
namespace {

// Two grid rows are distinct starts when one of their time constants (tau1,
// tau2, tau_z) differs by more than this factor. Rs and TER are found from
// any start; the local minima of this model are where its two arcs sit
// (a small second arc fits at either end of the spectrum), so starts must
// differ there, not be neighbouring cells of one basin.
constexpr double k_distinct_log_ratio = 1.1;  // a factor of 3
// The smallest Rs start fraction of the spectrum's lowest real part.
constexpr double k_rs_sweep_fraction = 0.1;
// Members of the family tried as raw starts, from just above TER (by this
// factor) to the top of the Rsh range.
constexpr std::size_t k_family_starts = 6;
// Infeasible optima whose families are tried so.
constexpr std::size_t k_family_optima = 3;
constexpr double k_family_margin = 1.01;
// A parameter this close to a bound (relative, in log) is at the edge.
constexpr double k_edge_tolerance = 1e-6;

using key = std::array<double, 3>;

key key_of(const transfer& t) { return {std::log(t.tau1), std::log(t.tau2), std::log(t.tau_z)}; }

bool distinct(const key& a, const std::vector<key>& chosen) {
  for (const auto& b : chosen) {
    double most = 0;
    for (std::size_t k = 0; k < a.size(); ++k) most = std::max(most, std::abs(a[k] - b[k]));
    if (most <= k_distinct_log_ratio) return false;
  }
  return true;
}

parameter_edge edge_of(double v, double lo, double hi) {
  if (std::abs(std::log(v / lo)) <= k_edge_tolerance) return parameter_edge::at_min;
  if (std::abs(std::log(v / hi)) <= k_edge_tolerance) return parameter_edge::at_max;
  return parameter_edge::none;
}

struct candidate {
  double resnorm = 0;
  double rs = 0;
  model::circuit_params params;
  std::optional<std::array<double, 2>> interval;
};

// The fit's options with the grid's ranges and metric, checked.
fit_options checked_options(const fit_options& fit_opts, const sweep::sweep_options& grid_options) {
  fit_options options = fit_opts;
  options.grid = grid_options.grid;
  options.metric = grid_options.metric;
  if (options.fixed_rs && (!std::isfinite(*options.fixed_rs) || *options.fixed_rs < 0)) {
    throw error(error_kind::usage, "a fixed Rs must be a finite number >= 0");
  }
  if (!options.fixed_rs && !(options.rs.min > 0 && options.rs.min <= options.rs.max && std::isfinite(options.rs.max))) {
    throw error(error_kind::usage, "the range of Rs must be positive and finite, minimum not above maximum");
  }
  return options;
}

// Distinct starts from the ranked grid, best first; never empty.
std::vector<candidate> distinct_starts(const fit_options& options, const sweep::sweep_options& grid_options,
                                       const sweep::sweep_result& grid_result) {
  const model::parameter_grid grid(options.grid);
  std::vector<key> chosen;
  std::vector<candidate> starts;
  for (std::size_t r = 0; r < grid_result.indices.size() && starts.size() < options.starts; ++r) {
    const auto point = sweep::split_index(grid_options, grid.size(), grid_result.indices[r]);
    const auto params = grid.point(point.grid_index);
    const auto k = key_of(transfer_of(params, point.rs));
    if (!distinct(k, chosen)) continue;
    chosen.push_back(k);
    starts.push_back({grid_result.resnorms[r], point.rs, params, std::nullopt});
  }
  if (starts.empty()) throw error(error_kind::internal, "the fit's grid kept no rows");
  return starts;
}

// Every start refined in the identified coordinates, the grid's and those of
// the search over time constants: the finite optima, best first.
std::vector<std::pair<double, transfer>> identified_optima(const spectrum_view& s, const fit_options& options, const rs_bounds& bounds,
                                                           const std::vector<candidate>& starts) {
  std::vector<transfer> seeds;
  for (const auto& start : starts) seeds.push_back(transfer_of(start.params, start.rs));
  for (const auto& t : profile_starts(s, options.metric, bounds, options.grid, options.profile_starts, k_distinct_log_ratio)) {
    seeds.push_back(t);
  }
  std::vector<std::pair<double, transfer>> optima;
  for (const auto& seed : seeds) {
    const transfer t = refine_identified(s, options.metric, bounds, options.grid, seed, options.cancel);
    const double r = resnorm(s, options.metric, t);
    if (std::isfinite(r)) optima.emplace_back(r, t);
  }
  std::stable_sort(optima.begin(), optima.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  return optima;
}

// Back to raw parameters inside the ranges: the best optimum some member of
// whose family lies inside them.
std::optional<candidate> bounded_optimum(const spectrum_view& s, const fit_options& options, const rs_bounds& bounds,
                                         const std::vector<candidate>& starts, const std::vector<std::pair<double, transfer>>& optima) {
  std::optional<candidate> refined;
  std::size_t infeasible_better = 0;  // optima better than that one, with no member inside
  for (const auto& [r, t] : optima) {
    if (const auto interval = rsh_interval(t, options.grid)) {
      if (const auto p = member_within(t, options.grid, *interval)) {
        refined = candidate{resnorm(s, options.metric, *p, t.rs), t.rs, *p, interval};
        break;
      }
    }
    ++infeasible_better;
  }
  if (infeasible_better == 0) return refined;
  // A better optimum leaves the ranges, so the bounded optimum may lie on
  // their edges: refine the raw parameters within them, from the grid's
  // starts and from members of those optima's families across the Rsh range
  // (clamped into the ranges), which lie next to the edge.
  std::vector<raw_point> raw_starts;
  for (const auto& start : starts) raw_starts.push_back({start.rs, start.params});
  const auto& axis = options.grid.axes[static_cast<std::size_t>(model::param::rsh)];
  for (std::size_t i = 0; i < std::min(infeasible_better, k_family_optima); ++i) {
    const auto& t = optima[i].second;
    const double lo = std::max(axis.min, t.ter * k_family_margin), hi = std::max(lo, axis.max);
    for (std::size_t k = 0; k < k_family_starts; ++k) {
      const double rsh = lo * std::pow(hi / lo, static_cast<double>(k) / (k_family_starts - 1));
      if (const auto p = raw_at(t, rsh)) raw_starts.push_back({t.rs, *p});
    }
  }
  for (const auto& start : raw_starts) {
    const auto point = refine_raw(s, options.metric, bounds, options.grid, start, options.cancel);
    const double r = resnorm(s, options.metric, point.params, point.rs);
    if (std::isfinite(r) && (!refined || r < refined->resnorm)) refined = candidate{r, point.rs, point.params, std::nullopt};
  }
  return refined;
}

// The chosen optimum into `result`: its values, standard errors, the interval
// of Rsh that fits equally well, the parameters at an edge and the residuals.
void describe_optimum(const spectrum_view& s, const fit_options& options, const rs_bounds& bounds, const candidate& best,
                      fit_result& result) {
  result.rs = best.rs;
  result.params = best.params;
  result.resnorm = best.resnorm;
  result.identified = transfer_of(best.params, best.rs);
  result.errors = identified_errors(s, options.metric, bounds, result.identified);
  const auto interval = best.interval ? best.interval : rsh_interval(result.identified, options.grid);
  result.rsh_interval = interval ? *interval : std::array<double, 2>{best.params.rsh, best.params.rsh};
  if (!options.fixed_rs) result.edges[0] = edge_of(best.rs, options.rs.min, options.rs.max);
  const auto values = best.params.as_array();
  for (std::size_t k = 0; k < model::k_param_count; ++k) {
    result.edges[k + 1] = edge_of(values[k], options.grid.axes[k].min, options.grid.axes[k].max);
  }
  result.relative_residuals.resize(s.z.size());
  for (std::size_t i = 0; i < s.z.size(); ++i) {
    const auto model_z = best.rs + model::impedance(best.params, s.frequencies[i]);
    result.relative_residuals[i] = std::abs(model_z - s.z[i]) / std::abs(s.z[i]);
  }
}

}  // namespace

fit_options fit_options::measured(std::size_t g) {
  fit_options o;
  for (std::size_t k = 0; k < model::k_param_count; ++k) {
    o.grid.axes[k] = model::rc_model::k_parameters[k + 1].measured_range;
    o.grid.axes[k].count = g;
  }
  return o;
}

std::vector<double> rs_axis(const fit_options& options, std::span<const std::complex<double>> z) {
  if (options.fixed_rs) return {*options.fixed_rs};
  if (options.rs.count > 0) return model::spaced_points(options.rs.min, options.rs.max, options.rs.count, model::spacing::log);
  double lowest = options.rs.max;
  for (const auto& v : z) lowest = std::min(lowest, v.real());
  const double hi = std::clamp(lowest, options.rs.min, options.rs.max);
  const double lo = std::clamp(hi * k_rs_sweep_fraction, options.rs.min, options.rs.max);
  return lo < hi ? model::spaced_points(lo, hi, k_default_rs_count, model::spacing::log) : std::vector<double>{lo};
}

namespace {

void check_spectrum(std::span<const double> frequencies, std::span<const std::complex<double>> z) {
  if (frequencies.size() != z.size() || frequencies.size() < model::k_min_frequency_points) {
    throw error(error_kind::usage, "a fit needs at least 2 points with one impedance per frequency");
  }
  for (double f : frequencies) {
    if (!std::isfinite(f) || f <= 0) throw error(error_kind::usage, "frequencies must be positive and finite");
  }
}

}  // namespace

fit_result fit_spectrum(std::span<const double> frequencies, std::span<const std::complex<double>> z, const fit_options& options) {
  check_spectrum(frequencies, z);
  options.grid.validate();
  sweep::sweep_options grid_options;
  grid_options.grid = options.grid;
  grid_options.metric = options.metric;
  grid_options.keep = k_fit_keep;
  grid_options.threads = options.threads;
  grid_options.series_resistances = rs_axis(options, z);
  sweep::reference_spectrum reference;
  reference.frequencies.assign(frequencies.begin(), frequencies.end());
  reference.z.assign(z.begin(), z.end());
  reference.source = "measured";
  auto grid = sweep::run_sweep(grid_options, reference, {}, options.cancel);
  auto result = refine_grid(frequencies, z, options, grid_options, grid);
  result.grid_options = std::move(grid_options);
  result.grid = std::move(grid);
  return result;
}

fit_result refine_grid(std::span<const double> frequencies, std::span<const std::complex<double>> z, const fit_options& fit_opts,
                       const sweep::sweep_options& grid_options, const sweep::sweep_result& grid_result) {
  check_spectrum(frequencies, z);
  const fit_options options = checked_options(fit_opts, grid_options);
  const spectrum_view s{frequencies, z};
  const rs_bounds bounds{options.rs.min, options.rs.max, options.fixed_rs};

  fit_result result;
  result.metric = options.metric;
  const auto starts = distinct_starts(options, grid_options, grid_result);
  candidate best = starts.front();
  best.resnorm = resnorm(s, options.metric, best.params, best.rs);
  result.grid_resnorm = best.resnorm;

  const auto optima = identified_optima(s, options, bounds, starts);
  const auto refined = bounded_optimum(s, options, bounds, starts, optima);
  if (refined && refined->resnorm <= best.resnorm) {
    best = *refined;
    result.refined = true;
  }
  describe_optimum(s, options, bounds, best, result);
  return result;
}

}  // namespace eisgrid::fit
