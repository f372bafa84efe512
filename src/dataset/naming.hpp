#pragma once
// Dataset file names (SPEC 4): grid_{g}_freq_{fmin}_{fmax}.npz by default;
// any name a user gives is limited to letters, digits, '.', '_' and '-',
// ending in ".npz", so it can never leave its directory.

#include <string>
#include <string_view>

#include "model/frequency_grid.hpp"
#include "model/parameter_grid.hpp"

namespace eisgrid::dataset {

inline constexpr std::size_t k_max_file_name_length = 200;

// A number in its shortest plain form: 0.1, 100000, 0.0001 (never 1e+05).
[[nodiscard]] std::string plain_number(double value);

// grid_5_freq_0.1_100000.npz, or grid_6x5x5x5x5_freq_... for per-axis counts.
[[nodiscard]] std::string default_file_name(const model::grid_spec& grid, double fmin, double fmax);

// Empty if `name` is acceptable, otherwise why not.
[[nodiscard]] std::string file_name_problem(std::string_view name);
// Throws error(usage) with the reason if file_name_problem(name) is not empty.
void check_file_name(std::string_view name);

}  // namespace eisgrid::dataset
