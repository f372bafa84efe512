#pragma once
// What a cell layer on an insert can be (issue 18), for the checks that a
// spectrum, or a fit of it, describes one: the reader's question to a
// frequency unit (tables.cpp) and the fit's verdict (fit/status.hpp). A value
// far outside these bounds is most often a frequency column in another unit
// than its header says: kHz over values in Hz divides every time constant and
// the capacitance by 1000 and leaves the resistances as they are.

namespace eisgrid::measured {

// TEC per area: a lipid membrane has about 1 uF/cm2, so two flat membranes in
// series give 0.5 uF/cm2, the least a confluent layer has; folding (microvilli,
// basal infoldings) raises it to 10-20 uF/cm2 in RPE and intestine. The
// bounds are a factor 5 beyond each, for partial cover and a misjudged area.
inline constexpr double k_min_tec_per_cm2 = 0.1e-6;  // F/cm2
inline constexpr double k_max_tec_per_cm2 = 100e-6;  // F/cm2
// TEC without an area: the per-area bounds on the smallest insert (96-well,
// 0.143 cm2) and on the largest (75 mm, 44 cm2), rounded outwards.
inline constexpr double k_min_tec = 0.01e-6;  // F
inline constexpr double k_max_tec = 5e-3;     // F
// TER*TEC, the time constant of the layer's arc, is the same per area
// (TER*A times TEC/A): at least that of the leakiest epithelium known (renal
// proximal tubule, about 5 ohm.cm2) at the least TEC above, 0.5 us (an apex at
// 300 kHz); at most that of the tightest (urinary bladder, about 1e5 ohm.cm2)
// at the most, 10 s.
inline constexpr double k_min_layer_tau = 0.5e-6;  // s
inline constexpr double k_max_layer_tau = 10;      // s

}  // namespace eisgrid::measured
