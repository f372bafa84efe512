#pragma once
// `rc_electrode` (SPEC 12): ideal membranes, and a constant-phase element of
// the electrodes in series, Rs + 1/(Qel (j omega)^alpha_el) + Rsh || (Za + Zb).
// TER and TEC are the layer's alone. A large Qel makes the element vanish, so
// the model comes arbitrarily close to `rc`.

#include <array>

#include "model/circuit_model.hpp"
#include "model/cpe_model.hpp"
#include "model/rc_model.hpp"

namespace eisgrid::model {

// An electrode element that takes up rc's slower arc, as the fit starts it:
// its exponent, the share of that arc's resistance its modulus takes at the
// arc's corner, and the factor by which the layer's two membrane time
// constants are put either side of the faster arc's.
struct electrode_start {
  double alpha, share, split;
};
inline constexpr std::array<electrode_start, 4> k_electrode_starts{{{0.5, 1.0, 1.5}, {0.5, 0.3, 3}, {0.75, 0.3, 1.5}, {0.75, 1.0, 3}}};

struct rc_electrode_model {
  enum index : std::size_t { rs, qel, alpha_el, rsh, ra, ca, rb, cb, count };

  // Qel up to 1e3 S.s^alpha: below a milliohm at 0.1 Hz, nothing left of it.
  static constexpr std::array<parameter_spec, count> k_parameters{{
      {"Rs", "ohm", spacing::log, {0.0, 0.0, 0}, {0.01, 1e4, 0}},
      {"Qel", "S.s^alpha", spacing::log, {1e-5, 1e-1, 0}, {1e-6, 1e3, 0}},
      {"alpha_el", "1", spacing::linear, k_exponent_range, k_exponent_range},
      {"Rsh", "ohm", spacing::log, {10.0, 1e4, 0}, {10.0, 1e7, 0}},
      {"Ra", "ohm", spacing::log, {10.0, 1e4, 0}, {1.0, 1e6, 0}},
      {"Ca", "farad", spacing::log, {1e-7, 5e-5, 0}, {1e-9, 1e-3, 0}},
      {"Rb", "ohm", spacing::log, {10.0, 1e4, 0}, {1.0, 1e6, 0}},
      {"Cb", "farad", spacing::log, {1e-7, 5e-5, 0}, {1e-9, 1e-3, 0}},
  }};
  static constexpr std::array<std::size_t, 1> k_exponents{alpha_el};

  template <typename T>
  static complex_of<T> impedance(const T* p, double omega) {
    const complex_of<T> electrode = inverse(p[qel] * j_omega_power(omega, p[alpha_el]));
    return real_of(p[rs]) + electrode + rc_model::layer(p + rsh - rc_model::rsh, omega);
  }

  static double ter(const double* p) { return rc_model::ter(p + rsh - rc_model::rsh); }
  static double tec(const double* p) { return rc_model::tec(p + rsh - rc_model::rsh); }
  static std::vector<std::vector<double>> starts_from_rc(const rc_point& rc, double lowest_omega);
};

}  // namespace eisgrid::model
