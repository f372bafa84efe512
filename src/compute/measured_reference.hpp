#pragma once
// A sweep of a measurement as the reference of a grid sweep: the sweep engine
// holds plain values and does not link the instrument readers, so turning a
// measurement into a reference happens here.

#include <cstddef>

#include "measured/measurement.hpp"
#include "sweep/reference.hpp"

namespace eisgrid::compute {

// Sweep `index` of a measurement as the reference. Throws error(usage) if the
// file has no such sweep, error(invalid_input) if the sweep has fewer than
// model::k_min_frequency_points or more than model::k_max_frequency_points points.
[[nodiscard]] sweep::reference_spectrum measured_reference(const measured::measurement& m, std::size_t index);

}  // namespace eisgrid::compute
