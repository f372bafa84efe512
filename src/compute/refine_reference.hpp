#pragma once
// The refined best result of a run against a measured reference (SPEC 10):
// the grid's best rows refined as `eisgrid fit` refines them, and compared
// with `eisgrid fit`'s own fit of the same sweep, so that both commands give
// one optimum, or the run says which of its ranges keeps it from fit's.

#include <string>
#include <vector>

#include "compute/request.hpp"
#include "fit/fit.hpp"
#include "fit/status.hpp"

namespace eisgrid::compute {

// Two resnorms within this relative distance are the same optimum; ties go to
// `eisgrid fit`'s result, so that both commands print the same numbers.
inline constexpr double k_same_optimum = 1e-6;

struct refined_reference {
  fit::fit_result result;             // within the run's ranges
  fit::fit_verdict verdict;           // fit::judge of the result
  std::vector<std::string> warnings;  // fit's optimum out of reach, and why
};

// Precondition: plan.refine is set (a measured reference) and `swept` is the
// plan's sweep. Throws what fit::refine_grid and fit::fit_spectrum throw.
[[nodiscard]] refined_reference refine_reference(const compute_plan& plan, const sweep::sweep_result& swept);

// The metadata "refined" of such a run: compute::fit_json with edges, plus
// "status", "reasons" and "warnings".
[[nodiscard]] nlohmann::ordered_json refined_json(const refined_reference& r);

}  // namespace eisgrid::compute
