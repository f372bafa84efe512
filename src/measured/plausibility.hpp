#pragma once
// Can a passive RC network have produced this sweep? (SPEC 9, "Plausibility")
//
// Resistors and capacitors alone give Re Z >= 0 and Im Z <= 0 at every
// frequency (Z = Z' + j Z'', Z'' < 0 capacitive). A measured sweep breaks this
// when an electrode is loose or disconnected, an air bubble sits on it, or the
// insert holds no cell layer (then the leads' inductance shows). Points are
// judged beyond noise only: a sign is "wrong" when the value is past the
// allowance below, never for a hair's breadth at a resistive point.
//
// Pure functions, no I/O; thread-safe.

#include <complex>
#include <cstddef>
#include <span>
#include <vector>

namespace eisgrid::measured {

// Noise allowance per point: max(k_sign_relative_tolerance * |Z|, k_sign_absolute_tolerance).
// Relative: 2 % of |Z| is a phase error of about 1.1 degrees, what a potentiostat with
// cell-culture electrodes and leads reaches at the top of its range (tens of kHz), where a
// resistive point (phase near 0) may tip to either sign.
inline constexpr double k_sign_relative_tolerance = 0.02;
// Absolute: below 10 milliohm the leads and contacts, not the sample, decide the sign.
inline constexpr double k_sign_absolute_tolerance = 0.01;  // ohm

// Degenerate sweeps, which no check or fit can judge:
// fewer points than the circuit's six unknowns (Rs and the five elements; each arc needs
// about three points to show its shape);
inline constexpr std::size_t k_min_points = 6;
// less than one decade between the lowest and highest frequency (an RC arc's imaginary
// part is 1.14 decades wide at half height, so a narrower sweep can't show an arc);
inline constexpr double k_min_frequency_ratio = 10.0;
// every |Z| below 0.1 ohm: a short circuit through the leads; culture medium alone between
// the electrodes of an insert already reads several ohms.
inline constexpr double k_min_magnitude = 0.1;  // ohm

// The points of one sweep whose real part is negative, or whose imaginary part is positive,
// beyond the noise allowance.
struct sign_violations {
  std::size_t count = 0;
  double worst = 0;                 // the value furthest past zero [ohm]: most negative Re Z, or most positive Im Z
  double worst_frequency = 0;       // where it is [Hz]
  std::vector<double> frequencies;  // every offending point, in measured order [Hz]
};

struct plausibility {
  std::size_t points = 0;
  sign_violations negative_real;  // Re Z < 0
  sign_violations inductive;      // Im Z > 0
  // Why the sweep is degenerate (each set flag is one reason); all false for a usable sweep.
  bool too_few_points = false;        // fewer than k_min_points
  bool no_frequency_spread = false;   // max f / min f below k_min_frequency_ratio
  bool tiny_impedance = false;        // every |Z| below k_min_magnitude
  std::size_t non_finite_points = 0;  // NaN or infinite frequency or impedance
  std::size_t non_positive_frequencies = 0;

  [[nodiscard]] bool degenerate() const noexcept {
    return too_few_points || no_frequency_spread || tiny_impedance || non_finite_points > 0 || non_positive_frequencies > 0;
  }
  [[nodiscard]] bool plausible() const noexcept { return !degenerate() && negative_real.count == 0 && inductive.count == 0; }
};

// The noise allowance at one point [ohm].
[[nodiscard]] double sign_tolerance(std::complex<double> z) noexcept;

// Checks one sweep. Frequencies in Hz, impedance in ohm, in any order (repeats allowed).
// Throws error(internal) if the two spans differ in length (a caller's bug).
[[nodiscard]] plausibility check_plausibility(std::span<const double> frequencies, std::span<const std::complex<double>> z);

}  // namespace eisgrid::measured
