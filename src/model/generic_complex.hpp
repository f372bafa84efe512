#pragma once
// Complex arithmetic over any real type T: double for a model's impedance, and
// the fit's automatic-derivative type (ceres::Jet) for its Jacobian.
// std::complex is only specified for float, double and long double, so it
// cannot carry a Jet; the few operations a circuit needs are written here once.

#include <cmath>
#include <complex>
#include <numbers>

namespace eisgrid::model {

template <typename T>
struct complex_of {
  T re;
  T im;
};

template <typename T>
complex_of<T> operator+(const complex_of<T>& a, const complex_of<T>& b) {
  return {a.re + b.re, a.im + b.im};
}

template <typename T>
complex_of<T> operator*(const complex_of<T>& a, const complex_of<T>& b) {
  return {a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re};
}

template <typename T>
complex_of<T> operator*(const T& s, const complex_of<T>& a) {
  return {s * a.re, s * a.im};
}

template <typename T>
complex_of<T> inverse(const complex_of<T>& a) {
  const T d = a.re * a.re + a.im * a.im;
  return {a.re / d, -a.im / d};
}

template <typename T>
complex_of<T> operator/(const complex_of<T>& a, const complex_of<T>& b) {
  return a * inverse(b);
}

// 1 / (1/a + 1/b): two elements in parallel.
template <typename T>
complex_of<T> parallel(const complex_of<T>& a, const complex_of<T>& b) {
  return (a * b) / (a + b);
}

// (j omega)^alpha = omega^alpha (cos(alpha pi/2) + j sin(alpha pi/2)), the
// admittance of a constant-phase element per unit Q. alpha = 1 is j omega.
template <typename T>
complex_of<T> j_omega_power(double omega, const T& alpha) {
  using std::cos;
  using std::exp;
  using std::sin;
  const T magnitude = exp(alpha * std::log(omega));
  const T angle = alpha * (std::numbers::pi / 2);
  return {magnitude * cos(angle), magnitude * sin(angle)};
}

template <typename T>
complex_of<T> real_of(const T& v) {
  return {v, T(0.0)};
}

inline std::complex<double> to_std(const complex_of<double>& z) noexcept { return {z.re, z.im}; }

}  // namespace eisgrid::model
