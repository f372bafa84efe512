#pragma once
// A fit's result as JSON (SPEC 10), as `eisgrid fit --json` prints it and as a
// dataset's metadata records its refined best result: values in ohm, farad
// and seconds, non-finite numbers as null.

#include <nlohmann/json.hpp>

#include "fit/fit.hpp"

namespace eisgrid::compute {

// {"metric", "resnorm", "grid_resnorm", "params": {"Rs", "Rsh", "Ra", "Ca",
// "Rb", "Cb"}, "ter", "tec", "tau1", "tau2", "stderr": {"Rs", "ter", "tec",
// "tau1", "tau2"}, "rsh_interval": [lo, hi]}, plus "at_edge": [names] when
// `with_edges`.
[[nodiscard]] nlohmann::ordered_json fit_json(const fit::fit_result& r, bool with_edges);

}  // namespace eisgrid::compute
