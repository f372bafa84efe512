#pragma once
// A circuit model's parameter values as a JSON object keyed by the model's
// parameter names (internal to src/catalog): how a row stores any model's
// parameters, so that a new model needs no new column.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/circuit_model.hpp"

namespace eisgrid::catalog::detail {

// {"Rsh": 1200, "Qa": ...}: values[k] under parameters[k].name, NaN as null.
[[nodiscard]] std::string params_by_name(std::span<const model::parameter_spec> parameters, std::span<const double> values);

// The values of params_by_name() in the order of `parameters`, NaN for one
// missing or null; empty when `text` is not a JSON object.
[[nodiscard]] std::vector<double> params_from_names(std::span<const model::parameter_spec> parameters, std::string_view text);

}  // namespace eisgrid::catalog::detail
