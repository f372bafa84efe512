#pragma once
// Starts for the refinement from a search over the time constants alone. For
// fixed tau1 > tau_z > tau2 the model Rs + TER (1 + s tau_z)/((1 + s tau1)(1 + s
// tau2)) is linear in Rs and TER, so their best values are a 2x2 weighted least
// squares: the remaining search is three-dimensional and cheap enough to cover
// the spectrum's whole time window finely. This finds basins a coarse grid over
// the raw parameters misses (a small second arc at one end of the spectrum or
// the other). Squared terms with the metric's weighting; for mae and relative
// it ranks starts only, the refinement minimises the metric itself.

#include <vector>

#include "fit/refine.hpp"

namespace eisgrid::fit {

// Time constants per decade-wide window side of the search, and zero positions per pole pair.
inline constexpr std::size_t k_profile_taus = 28;
inline constexpr std::size_t k_profile_zeros = 4;

// Up to `count` starts, best first, distinct in their time constants by more
// than a factor exp(min_log_gap). TER and the taus stay within what `ranges`
// allow; Rs within `rs`.
[[nodiscard]] std::vector<transfer> profile_starts(const spectrum_view& s, sweep::metric m, const rs_bounds& rs,
                                                   const model::grid_spec& ranges, std::size_t count, double min_log_gap);

}  // namespace eisgrid::fit
