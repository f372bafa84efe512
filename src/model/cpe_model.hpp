#pragma once
// `cpe` (SPEC 12): the membranes are constant-phase elements,
// Zk = Rk / (1 + Rk Qk (j omega)^alpha_k), alpha_k in [0.5, 1]; alpha = 1 is
// a capacitor (Q = C), so this model contains `rc`. TEC is the series of the
// effective capacitances C_k = Qk^(1/alpha_k) Rk^(1/alpha_k - 1) (Brug;
// Hsu-Mansfeld for R || CPE).

#include <array>

#include "model/circuit_model.hpp"
#include "model/generic_complex.hpp"

namespace eisgrid::model {

// An exponent below 0.5 is a diffusion-like tail, not a membrane; above 1 no
// passive element gives.
inline constexpr axis_range k_exponent_range{0.5, 1.0, 0};
// Q of a CPE in S.s^alpha: at alpha = 1 the capacitance range of rc, and
// wider, since a smaller alpha gives larger values for the same element.
inline constexpr axis_range k_cpe_q_model_range{1e-7, 5e-5, 0};
inline constexpr axis_range k_cpe_q_measured_range{1e-9, 1.0, 0};

// A membrane that takes up a low-frequency tail, as the fit starts it: its
// exponent, its share of TER, and its corner frequency (R Q omega^alpha = 1)
// as a multiple of the sweep's lowest frequency.
struct tail_start {
  double alpha, share, corner;
};
inline constexpr std::array<tail_start, 4> k_tail_starts{{{0.5, 0.4, 1}, {0.7, 0.15, 10}, {0.5, 0.15, 10}, {0.7, 0.4, 1}}};

struct cpe_model {
  enum index : std::size_t { rs, rsh, ra, qa, alpha_a, rb, qb, alpha_b, count };

  static constexpr std::array<parameter_spec, count> k_parameters{{
      {"Rs", "ohm", spacing::log, {0.0, 0.0, 0}, {0.01, 1e4, 0}},
      {"Rsh", "ohm", spacing::log, {10.0, 1e4, 0}, {10.0, 1e7, 0}},
      {"Ra", "ohm", spacing::log, {10.0, 1e4, 0}, {1.0, 1e6, 0}},
      {"Qa", "S.s^alpha", spacing::log, k_cpe_q_model_range, k_cpe_q_measured_range},
      {"alpha_a", "1", spacing::linear, k_exponent_range, k_exponent_range},
      {"Rb", "ohm", spacing::log, {10.0, 1e4, 0}, {1.0, 1e6, 0}},
      {"Qb", "S.s^alpha", spacing::log, k_cpe_q_model_range, k_cpe_q_measured_range},
      {"alpha_b", "1", spacing::linear, k_exponent_range, k_exponent_range},
  }};
  static constexpr std::array<std::size_t, 2> k_exponents{alpha_a, alpha_b};

  // R || CPE = 1 / (1/R + Q (j omega)^alpha).
  template <typename T>
  static complex_of<T> membrane(const T& r, const T& q, const T& alpha, double omega) {
    const complex_of<T> y = q * j_omega_power(omega, alpha);
    return inverse(complex_of<T>{T(1.0) / r + y.re, y.im});
  }

  // The sweep's membrane tables (circuit_model::membrane).
  static constexpr std::size_t k_membrane_size = 3;
  static complex_of<double> membrane_of(const double* p, double omega) { return membrane(p[0], p[1], p[2], omega); }

  template <typename T>
  static complex_of<T> impedance(const T* p, double omega) {
    const auto membranes = membrane(p[ra], p[qa], p[alpha_a], omega) + membrane(p[rb], p[qb], p[alpha_b], omega);
    return real_of(p[rs]) + parallel(real_of(p[rsh]), membranes);
  }

  static double ter(const double* p) { return p[rsh] * (p[ra] + p[rb]) / (p[rsh] + p[ra] + p[rb]); }
  static double effective_capacitance(double r, double q, double alpha);
  static double tec(const double* p);
  static std::vector<std::vector<double>> starts_from_rc(const rc_point& rc, double lowest_omega);
};

}  // namespace eisgrid::model
