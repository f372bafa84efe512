#pragma once
// The quality of one measured sweep, as callers see it: the plausibility check and the
// Kramers-Kronig test together, with warnings ready to show users. These warnings are
// attached to the sweep by `eisgrid spectra` and consulted by the fit (SPEC 9).

#include <complex>
#include <span>
#include <string>
#include <vector>

#include "measured/kramers_kronig.hpp"
#include "measured/measurement.hpp"
#include "measured/plausibility.hpp"

namespace eisgrid::measured {

struct sweep_quality {
  bool plausible = false;             // no sign beyond noise that a passive RC network can't give, and not degenerate
  bool kk_passed = false;             // the Kramers-Kronig test ran and passed
  kk_result kk;                       // not run (kk.tested false) for a degenerate sweep
  plausibility checks;                // the details behind `plausible`
  std::vector<std::string> warnings;  // one sentence each, empty for a good sweep
};

// Frequencies in Hz and impedance in ohm (Z'' < 0 capacitive), in measured order, repeats
// allowed. Pure function; thread-safe. Throws error(internal) if the spans differ in length.
[[nodiscard]] sweep_quality assess(std::span<const double> frequencies, std::span<const std::complex<double>> z);

// Appends each sweep's quality warnings (assess) to its reader notes, as
// `spectra`, compute's reference notes and uploads show them.
void add_quality_warnings(measurement& m);

}  // namespace eisgrid::measured
