#pragma once
// The linear Kramers-Kronig test (Schoenleber, Klotz, Ivers-Tiffee, Electrochimica Acta 131
// (2014) 20-27), written from the paper's equations.
//
// A spectrum that a linear, causal, time-invariant system produced is fitted closely by
//   Z^(w) = R0 + j w L + sum_k R_k / (1 + j w tau_k),   k = 1..M,
// with the M time constants fixed, log-spaced from tau_1 = 1/(2 pi f_max) to
// tau_M = 1/(2 pi f_min). Only R0, L and the R_k are free, so the fit is linear least
// squares, on real and imaginary parts together, each point weighted by 1/|Z_i|. Drift,
// a loose contact or a non-linear response leave residuals the fit can't remove:
//   d_re_i = (Z'_i - Z^'_i) / |Z_i|,  d_im_i = (Z''_i - Z^''_i) / |Z_i|.
//
// Of the paper's variants, the series inductance L is on by default and a series
// capacitance C (a term 1/(j w C)) is off. L is the leads' inductance at high frequencies,
// causal, and valid data showing it should pass here (the plausibility check reports it).
// C would let the fit absorb a drift of the low frequencies, which are measured last: Rsh
// falling by half over the last quarter of a sweep leaves 8.5-17 % residuals without C and
// only 5.5-11 % with it. Our circuit has a finite DC resistance (TER), so a spectrum that
// needs a series C does not fit it anyway.
//
// M is chosen by the paper's mu criterion, mu = 1 - sum_{R_k<0} |R_k| / sum_{R_k>=0} |R_k|:
// M grows until mu falls below c (0.85), where the fit starts to chase noise with
// resistances of alternating sign. One change from the paper: M starts at
// k_elements_per_decade per decade of measured frequency, not at 1. An ideal RC arc (our
// circuit has two, and a model cell is one) falls between two time constants of a coarser
// grid, and the fit then needs negative R_k to reach it, so mu drops below c while the fit
// is still far off: from M = 1, the 16HBE sweeps of the fixtures stop at M = 4 with
// residuals of 32 %, and clean model spectra of the five-element circuit fail alike. With
// three elements per decade an ideal arc in the middle of the range is fitted to within
// 0.44 % wherever it falls between two time constants, so what remains is the data's.
// Where mu decreases with M from the start, as the paper assumes, both rules agree.
//
// Limit, as in the paper: the time constants cover the measured range only, so an arc whose
// characteristic frequency lies at or beyond the ends of the sweep is fitted less well (up
// to 2.5 % for one at the very end of a two-decade sweep, tens of % for one half a decade
// outside), and a sweep that stops before its low-frequency arc has turned may fail.
// Extending the range would cure that but hide the drift above (1.6-7 % with a decade
// more on each side), and drift is the commoner trouble with cell layers.
//
// Frequencies may come in any order and repeat (multi-sine measurements): the fit sees a set
// of points. Pure function, no I/O; thread-safe.

#include <complex>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace eisgrid::measured {

// The paper's cut-off for mu ("0.85 proved a good choice").
inline constexpr double k_default_mu_threshold = 0.85;
// Time constants per decade where the search for M starts (see above).
inline constexpr double k_elements_per_decade = 3.0;
// Upper bound on M; further capped by the number of distinct frequencies, since more time
// constants than measured frequencies only add freedom.
inline constexpr std::size_t k_max_voigt_elements = 50;
// The test passes when every residual is at most 5 % of |Z|. The good sweeps of the fixtures
// reach 1 % (16HBE, model cell) and 3.3 % (the RPE multi-sine sweeps, whose neighbouring
// frequencies scatter by that much); the unusable ones 56-108 %. A non-causal distortion (a
// bump of 30 % of |Z| in the real part alone) leaves 11-19 %.
inline constexpr double k_default_max_residual = 0.05;
// Larger sweeps are not tested: the fit's matrix is 2N x (M + 3) doubles, 85 MB here.
inline constexpr std::size_t k_max_kk_points = 100'000;

struct kk_options {
  double mu_threshold = k_default_mu_threshold;
  double max_residual = k_default_max_residual;
  bool series_inductance = true;
  bool series_capacitance = false;
};

struct kk_result {
  bool tested = false;  // false: the sweep can't be tested (reason in `not_tested`), every other field empty
  std::string not_tested;

  std::size_t voigt_elements = 0;  // M
  // mu at M; -infinity when no R_k is positive.
  double mu = 0;
  // True when mu fell below the threshold by k_max_voigt_elements (or the distinct
  // frequencies); otherwise M is that limit and the fit may underfit.
  bool mu_reached = false;

  double ohmic_resistance = 0;         // R0 [ohm]
  double inductance = 0;               // L [H]
  double inverse_capacitance = 0;      // 1/C [1/F], with series_capacitance; 0 means no series capacitor
  std::vector<double> time_constants;  // tau_k [s], ascending
  std::vector<double> resistances;     // R_k [ohm]

  // In the order of the input points.
  std::vector<std::complex<double>> fitted;
  std::vector<double> residual_real;
  std::vector<double> residual_imag;

  double max_residual = 0;            // max over both parts of |d|
  double max_residual_frequency = 0;  // where [Hz]
  double rms_residual = 0;            // sqrt of the mean of d_re^2 and d_im^2 over all 2N values
  bool passed = false;                // tested && max_residual <= options.max_residual
};

// Runs the test. Needs at least two distinct frequencies, every frequency positive and finite,
// every |Z| positive and finite, and at most k_max_kk_points points; otherwise returns
// tested = false with the reason. Throws error(internal) if the spans differ in length.
[[nodiscard]] kk_result kramers_kronig_test(std::span<const double> frequencies, std::span<const std::complex<double>> z,
                                            const kk_options& options = {});

// mu of the paper for the resistances R_k.
[[nodiscard]] double mu_criterion(std::span<const double> resistances) noexcept;

}  // namespace eisgrid::measured
