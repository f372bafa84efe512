#include "sweep/reference.hpp"

#include "base/error.hpp"

namespace eisgrid::sweep {

reference_spectrum model_reference(const model::circuit_params& params, std::vector<double> frequencies) {
  model::check_params(params, "reference");
  reference_spectrum ref;
  ref.z.reserve(frequencies.size());
  for (double f : frequencies) ref.z.push_back(model::impedance(params, f));
  ref.frequencies = std::move(frequencies);
  ref.params = params;
  ref.source = "model";
  return ref;
}

reference_spectrum measured_reference(const measured::measurement& m, std::size_t index) {
  if (index >= m.sweeps.size()) {
    throw error(error_kind::usage, "file '" + m.file + "' has " + std::to_string(m.sweeps.size()) + " sweep" +
                                       (m.sweeps.size() == 1 ? "" : "s") + " (numbered from 0); there is no sweep " +
                                       std::to_string(index));
  }
  const measured::sweep& s = m.sweeps[index];
  const std::string name = "file '" + m.file + "' sweep " + std::to_string(index);
  if (s.frequencies.size() < model::k_min_frequency_points) {
    throw error(error_kind::invalid_input, name + ": " + std::to_string(s.frequencies.size()) + " point; a reference needs at least " +
                                               std::to_string(model::k_min_frequency_points));
  }
  if (s.frequencies.size() > model::k_max_frequency_points) {
    throw error(error_kind::invalid_input, name + ": " + std::to_string(s.frequencies.size()) + " points, more than the " +
                                               std::to_string(model::k_max_frequency_points) + " a reference may have");
  }
  reference_spectrum ref;
  ref.frequencies = s.frequencies;
  ref.z = s.z;
  // Measured order and repeats stay; each frequency must still be one a dataset can store.
  for (const double f : s.frequencies) {
    if (!(f >= model::k_min_frequency_hz && f <= model::k_max_frequency_hz)) {
      throw error(error_kind::invalid_input, name + ": frequency " + std::to_string(f) + " Hz is outside the range a dataset can store");
    }
  }
  ref.source = m.file;
  ref.sweep = index;
  ref.format = m.format;
  ref.start_time = s.start_time;
  return ref;
}

}  // namespace eisgrid::sweep
