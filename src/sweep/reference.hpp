#pragma once
// The spectrum a grid is ranked against: the model spectrum of reference
// parameters, or one sweep of a measurement as plain values (the engine does
// not link the instrument readers: compute/measured_reference.hpp makes one of
// a measurement).

#include <complex>
#include <optional>
#include <string>
#include <vector>

#include "model/circuit.hpp"
#include "model/frequency_grid.hpp"

namespace eisgrid::sweep {

struct reference_spectrum {
  // Hz. Ascending for a model reference; a measured one keeps the order it was
  // measured in, repeats included (the kernel sums over frequencies, so order
  // does not matter to it; the dataset writer stores them ascending).
  std::vector<double> frequencies;
  std::vector<std::complex<double>> z;
  std::optional<model::circuit_params> params;  // set for a model reference
  std::string source;                           // "model" or the measurement's file name
  // For a measured reference: which sweep of the file, its format and start time.
  std::size_t sweep = 0;
  std::optional<std::string> format;  // the instrument format's name (measured::to_string)
  std::optional<std::string> start_time;
};

// Throws error(usage) for invalid parameters.
[[nodiscard]] reference_spectrum model_reference(const model::circuit_params& params, std::vector<double> frequencies);

// A measured sweep already read, kept in measured order (repeats included).
// Throws error(invalid_input) naming `source` for
// lengths that differ, too few or too many points, or a frequency out of range.
[[nodiscard]] reference_spectrum measured_reference(std::vector<double> frequencies, std::vector<std::complex<double>> z,
                                                    std::string source);

}  // namespace eisgrid::sweep
