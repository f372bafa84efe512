#include "compute/refine_reference.hpp"

#include <cassert>
#include <cstdio>

#include "compute/fit_report.hpp"
#include "measured/quality.hpp"

namespace eisgrid::compute {
namespace {

constexpr double k_microfarad = 1e6;

std::string describe(const fit::fit_result& r) {
  char text[200];
  std::snprintf(text, sizeof text, "TER %.7g ohm, TEC %.7g uF, Rs %.7g ohm, resnorm %.7g", r.identified.ter,
                r.identified.tec() * k_microfarad, r.rs, r.resnorm);
  return text;
}

bool inside(double v, const model::axis_range& a) { return v >= a.min && v <= a.max; }
// The same bounds; the counts are the grids' business, not the refinement's.
bool same_range(const model::axis_range& a, const model::axis_range& b) { return a.min == b.min && a.max == b.max; }

// The ranges of the run that keep `best` (fit's optimum) out: those which,
// widened alone to fit's range, let a member of its family in.
std::vector<std::string> blocking_ranges(const fit::fit_result& best, const compute_plan& plan, const fit::fit_options& as_fit) {
  std::vector<std::string> names;
  const auto& rs = plan.refine->rs;
  const bool rs_fits = plan.refine->fixed_rs.has_value() || inside(best.rs, rs);
  if (!rs_fits && fit::rsh_interval(best.identified, plan.options.grid)) names.emplace_back("Rs");
  for (std::size_t k = 0; k < model::k_param_count; ++k) {
    if (same_range(plan.options.grid.axes[k], as_fit.grid.axes[k])) continue;
    auto widened = plan.options.grid;
    widened.axes[k].min = as_fit.grid.axes[k].min;
    widened.axes[k].max = as_fit.grid.axes[k].max;
    if (rs_fits && fit::rsh_interval(best.identified, widened)) names.emplace_back(model::k_param_names[k]);
  }
  return names;
}

std::string range_text(const std::string& name, const compute_plan& plan, const fit::fit_options& as_fit) {
  char text[160];
  if (name == "Rs") {
    std::snprintf(text, sizeof text, "Rs %g to %g (fit: %g to %g)", plan.refine->rs.min, plan.refine->rs.max, as_fit.rs.min, as_fit.rs.max);
    return text;
  }
  for (std::size_t k = 0; k < model::k_param_count; ++k) {
    if (model::k_param_names[k] != name) continue;
    const auto& mine = plan.options.grid.axes[k];
    const auto& theirs = as_fit.grid.axes[k];
    std::snprintf(text, sizeof text, "%s %g to %g (fit: %g to %g)", name.c_str(), mine.min, mine.max, theirs.min, theirs.max);
  }
  return text;
}

}  // namespace

refined_reference refine_reference(const compute_plan& plan, const sweep::sweep_result& swept) {
  assert(plan.refine);
  const auto& f = plan.reference.frequencies;
  const auto& z = plan.reference.z;
  refined_reference out;
  out.result = fit::refine_grid(f, z, *plan.refine, plan.options, swept);

  // eisgrid fit with its defaults on this sweep, at the run's metric and fixed Rs.
  auto as_fit = fit::fit_options::measured();
  as_fit.metric = plan.options.metric;
  as_fit.fixed_rs = plan.refine->fixed_rs;
  auto theirs = fit::fit_spectrum(f, z, as_fit);

  bool same_ranges = plan.refine->fixed_rs.has_value() || same_range(plan.refine->rs, as_fit.rs);
  for (std::size_t k = 0; k < model::k_param_count; ++k) {
    same_ranges = same_ranges && same_range(plan.options.grid.axes[k], as_fit.grid.axes[k]);
  }
  const bool theirs_better = theirs.resnorm < out.result.resnorm * (1 - k_same_optimum);
  if (same_ranges) {
    // The same bounds: fit's optimum is one this run may report (edges and
    // the Rsh interval mean the same), unless its own grid found a better one.
    if (theirs.resnorm <= out.result.resnorm * (1 + k_same_optimum)) {
      theirs.grid_resnorm = out.result.grid_resnorm;
      theirs.grid_options = {};
      theirs.grid = {};
      out.result = std::move(theirs);
    }
  } else if (theirs_better) {
    const auto names = blocking_ranges(theirs, plan, as_fit);
    std::string why;
    if (names.empty()) {
      why = "no single range of this run keeps it out: its ranges together do, or its grid missed that optimum (try a finer --grid)";
    } else {
      for (const auto& name : names) why += (why.empty() ? "" : "; ") + range_text(name, plan, as_fit);
      why = "the range of " + why + " keeps it out; widen it with --range or drop --range to use fit's";
    }
    out.warnings.push_back("eisgrid fit reaches a better optimum (" + describe(theirs) + ") than this run's refinement (" +
                           describe(out.result) + "): " + why);
  }

  const auto quality = measured::assess(f, z);
  const fit::data_quality q{quality.plausible, quality.kk_passed, quality.warnings};
  out.verdict = fit::judge(q, f, out.result.relative_residuals, {out.result.identified.ter, out.result.identified.tec(), std::nullopt});
  return out;
}

nlohmann::ordered_json refined_json(const refined_reference& r) {
  auto j = fit_json(r.result, true);
  j["status"] = to_string(r.verdict.status);
  j["reasons"] = r.verdict.reasons;
  j["warnings"] = r.warnings;
  return j;
}

}  // namespace eisgrid::compute
