#pragma once
// The spectrum a grid is ranked against: the model spectrum of reference
// parameters, or a measured spectrum read from CSV.

#include <complex>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "model/circuit.hpp"
#include "model/frequency_grid.hpp"

namespace eisgrid::sweep {

struct reference_spectrum {
  std::vector<double> frequencies;  // Hz, strictly ascending
  std::vector<std::complex<double>> z;
  std::optional<model::circuit_params> params;  // set for a model reference
  std::string source;                           // "model" or the CSV file name
};

// Throws error(usage) for invalid parameters.
[[nodiscard]] reference_spectrum model_reference(const model::circuit_params& params, std::vector<double> frequencies);

// Reads "frequency, real, imaginary" rows (Hz, ohm, ohm). Blank lines and lines
// starting with '#' are skipped; a first line that is not numeric is taken as a
// header. Rows may come in any order; they are sorted by frequency.
// Throws error(not_found) for a missing file and error(invalid_input) naming
// the line for a bad row: wrong column count, a non-number, a non-positive or
// non-finite frequency, a non-finite impedance, a repeated frequency, fewer
// than 2 rows, or more than model::k_max_frequency_points.
[[nodiscard]] reference_spectrum read_reference_csv(const std::filesystem::path& path);

// A measured sweep as a reference: sorted by frequency (instruments sweep
// downwards). Throws error(invalid_input) naming `source` for a repeated
// frequency, lengths that differ, or what model::frequency_problem refuses.
[[nodiscard]] reference_spectrum measured_reference(std::vector<double> frequencies, std::vector<std::complex<double>> z,
                                                    std::string source);

}  // namespace eisgrid::sweep
