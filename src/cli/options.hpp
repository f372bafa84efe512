#pragma once
// Parsers for the compound option values of the command line.

#include <optional>
#include <string_view>

#include "model/circuit.hpp"
#include "model/parameter_grid.hpp"

namespace eisgrid::cli {

// "Rsh=5005,Ra=5005,Ca=25.05e-6,Rb=5005,Cb=25.05e-6"; names are case-insensitive,
// missing names keep their value in `base`. Throws error(usage) naming the bad part.
[[nodiscard]] model::circuit_params parse_circuit(std::string_view text, model::circuit_params base);

// "Ca=1e-7:5e-5" or "Ca=1e-7:5e-5:8" (count) applied to `grid`. Throws error(usage).
void apply_range(std::string_view text, model::grid_spec& grid);

// As apply_range, but an item for Rs (the series resistance, SPEC 10) is
// returned instead of applied. Throws error(usage).
[[nodiscard]] std::optional<model::axis_range> parse_rs_range(std::string_view text, model::grid_spec& grid);

// Parses a whole positive number or "all" (returns 0 for all). Throws error(usage).
[[nodiscard]] std::uint64_t parse_count_or_all(std::string_view text, std::string_view option);

}  // namespace eisgrid::cli
