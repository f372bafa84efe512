#pragma once
// `rc`: the ideal model of SPEC 1 and 10, Rs + Rsh || (Za + Zb) with each
// membrane Zk = Rk || Ck.

#include <array>

#include "model/circuit_model.hpp"
#include "model/generic_complex.hpp"

namespace eisgrid::model {

struct rc_model {
  enum index : std::size_t { rs, rsh, ra, ca, rb, cb, count };

  // Model runs: SPEC 2's default ranges, Rs 0. Measured fits: wide enough
  // that on real 16HBE and RPE sweeps the optimum inside them is the
  // unbounded one.
  // The layer's five take the names and units of circuit.hpp, which the
  // sweep, the datasets and the catalog use.
  static constexpr std::array<parameter_spec, count> k_parameters{{
      {"Rs", "ohm", spacing::log, {0.0, 0.0, 0}, {0.01, 1e4, 0}},
      {k_param_names[0], k_param_units[0], spacing::log, {10.0, 1e4, 0}, {10.0, 1e7, 0}},
      {k_param_names[1], k_param_units[1], spacing::log, {10.0, 1e4, 0}, {1.0, 1e6, 0}},
      {k_param_names[2], k_param_units[2], spacing::log, {1e-7, 5e-5, 0}, {1e-9, 1e-3, 0}},
      {k_param_names[3], k_param_units[3], spacing::log, {10.0, 1e4, 0}, {1.0, 1e6, 0}},
      {k_param_names[4], k_param_units[4], spacing::log, {1e-7, 5e-5, 0}, {1e-9, 1e-3, 0}},
  }};

  // R || C = 1 / (1/R + j omega C).
  template <typename T>
  static complex_of<T> membrane(const T& r, const T& c, double omega) {
    return inverse(complex_of<T>{T(1.0) / r, omega * c});
  }

  // The sweep's membrane tables (circuit_model::membrane).
  static constexpr std::size_t k_membrane_size = 2;
  static complex_of<double> membrane_of(const double* p, double omega) { return membrane(p[0], p[1], omega); }

  // The layer alone: Rsh || (Za + Zb).
  template <typename T>
  static complex_of<T> layer(const T* p, double omega) {
    return parallel(real_of(p[rsh]), membrane(p[ra], p[ca], omega) + membrane(p[rb], p[cb], omega));
  }

  template <typename T>
  static complex_of<T> impedance(const T* p, double omega) {
    return real_of(p[rs]) + layer(p, omega);
  }

  static double ter(const double* p) { return p[rsh] * (p[ra] + p[rb]) / (p[rsh] + p[ra] + p[rb]); }
  static double tec(const double* p) { return p[ca] * p[cb] / (p[ca] + p[cb]); }
  static circuit_params layer_params(const double* p) { return {p[rsh], p[ra], p[ca], p[rb], p[cb]}; }
};

}  // namespace eisgrid::model
