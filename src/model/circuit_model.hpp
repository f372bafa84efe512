#pragma once
// One description of an equivalent-circuit model (SPEC 12), from which the
// fit, its reports and the command line take names, units, ranges and
// impedance. A model is a kernel type (rc_model.hpp, cpe_model.hpp, ...) with
// its parameters, its impedance written once as a template (double for
// values, the fit's derivative type for Jacobians) and its derived quantities;
// models.hpp lists them.

#include <complex>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "model/axis_range.hpp"
#include "model/circuit.hpp"
#include "model/spacing.hpp"

namespace eisgrid::model {

struct parameter_spec {
  std::string_view name;  // as on the command line and in JSON: "Rs", "Qa", "alpha_a"
  std::string_view unit;  // "ohm", "farad", "S.s^alpha", "1"
  // log: swept log-spaced and refined in log (positive values); linear: as is.
  spacing axis = spacing::log;
  axis_range model_range;     // default for model runs
  axis_range measured_range;  // default for fits of measured spectra; also the bounds of a fit
};

// A point of the ideal model with series resistance, from which the other
// models start (each contains it, or comes arbitrarily close to it).
struct rc_point {
  double rs = 0;
  circuit_params params;
};

struct circuit_model {
  std::string_view name;                       // "rc", "cpe", "rc_electrode"
  std::string_view formula;                    // one line, as the README and --help give it
  std::span<const parameter_spec> parameters;  // Rs first in every model
  std::complex<double> (*impedance)(std::span<const double> values, double freq_hz);
  // The layer's DC resistance (without Rs or any electrode element) [ohm].
  double (*ter)(std::span<const double> values);
  // The layer's capacitance, effective where the membranes are not ideal [F].
  double (*tec)(std::span<const double> values);
  // Indices of constant-phase exponents (alpha), for the warnings about them.
  std::span<const std::size_t> exponents;
  // Starting points of a fit of this model from rc's optimum (`rc`, the
  // set of its family inside the ranges): rc's point itself first, where the
  // model contains it, then the places where the model's extra elements take
  // up what the ideal membranes could not (lowest_omega: the sweep's lowest
  // angular frequency, where tails show). Null for rc itself.
  std::vector<std::vector<double>> (*starts_from_rc)(const rc_point& rc, double lowest_omega);
  // The grid sweep's form (SPEC 3, 12): Rs + Rsh || (Za + Zb), the parameters
  // Rs, Rsh, then the apical membrane's `membrane_size`, then the basal's,
  // each membrane's impedance `membrane(its parameters, omega)`. 0 for a
  // model the sweep kernel cannot take (an element in series with the layer).
  std::size_t membrane_size = 0;
  std::complex<double> (*membrane)(const double* values, double omega) = nullptr;

  [[nodiscard]] std::size_t count() const noexcept { return parameters.size(); }
  [[nodiscard]] std::optional<std::size_t> index_of(std::string_view parameter) const noexcept;
};

}  // namespace eisgrid::model
