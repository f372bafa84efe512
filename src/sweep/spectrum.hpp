#pragma once
// Model spectra of single parameter sets, for the rows of a dataset that carry
// one. Vectorised over frequencies like the residual kernel; no SIMD here.

#include <span>

#include "model/circuit.hpp"

namespace eisgrid::sweep {

// Writes omega.size() rows of (real, imag, magnitude, phase in degrees) of
// Rs + Z(p) as float32 to out[0 .. 4*omega.size()). `scratch` needs 4*omega.size() doubles.
// Preconditions: positive finite parameters, omega = 2 pi f. Thread-safe.
void model_spectrum_row(const model::circuit_params& p, double rs, std::span<const double> omega, std::span<double> scratch, float* out);

}  // namespace eisgrid::sweep
