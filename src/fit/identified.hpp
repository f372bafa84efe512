#pragma once
// What a spectrum determines (SPEC 10). With the series resistance the model is
//   Z(s) = Rs + TER (1 + s tau_z) / ((1 + s tau1)(1 + s tau2)),  s = j omega,
// five numbers for six raw parameters. A network of resistors and capacitors
// has its poles and zero interlaced, tau1 > tau_z > tau2 > 0, and every such
// set is realised by a one-parameter family of raw sets, one for each shunt
// Rsh in (TER, inf] (Rsh = inf: two RC membranes in series), each with its
// mirror (apical and basal swapped). This file maps between the two.

#include <array>
#include <complex>
#include <optional>

#include "model/circuit.hpp"
#include "model/parameter_grid.hpp"

namespace eisgrid::fit {

struct transfer {
  double rs = 0;     // series resistance [ohm]
  double ter = 0;    // TER = Z(0) - Rs [ohm]
  double tau1 = 0;   // slower pole [s]
  double tau2 = 0;   // faster pole [s]
  double tau_z = 0;  // the zero, between them [s]

  // TEC = a2 / b1 = tau1 tau2 / (TER tau_z) [F].
  [[nodiscard]] double tec() const noexcept { return tau1 * tau2 / (ter * tau_z); }
};

// The identified quantities of raw parameters p with series resistance rs.
// Preconditions: positive finite p, rs >= 0.
[[nodiscard]] transfer transfer_of(const model::circuit_params& p, double rs) noexcept;

[[nodiscard]] std::complex<double> impedance(const transfer& t, double freq_hz) noexcept;

// The raw set of the family at shunt `rsh`, the membrane with the longer time
// constant as apical; empty unless rsh > TER and tau1 > tau_z > tau2 > 0.
[[nodiscard]] std::optional<model::circuit_params> raw_at(const transfer& t, double rsh) noexcept;

// p with the membranes swapped: the same spectrum.
[[nodiscard]] model::circuit_params mirror(const model::circuit_params& p) noexcept;

// Whether p (or its mirror, returned then) lies within the grid's ranges.
[[nodiscard]] std::optional<model::circuit_params> within(const model::circuit_params& p, const model::grid_spec& ranges) noexcept;

// The shunts Rsh for which the family has a member (or its mirror) inside
// `ranges`: [lowest, highest] found by a scan of the Rsh range refined by
// bisection at its ends. Empty if none.
[[nodiscard]] std::optional<std::array<double, 2>> rsh_interval(const transfer& t, const model::grid_spec& ranges);

// One member inside the ranges, at the geometric middle of the interval (or
// the feasible point nearest it). Empty if none.
[[nodiscard]] std::optional<model::circuit_params> member_within(const transfer& t, const model::grid_spec& ranges,
                                                                 const std::array<double, 2>& interval);

}  // namespace eisgrid::fit
