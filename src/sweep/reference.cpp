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

// Measured order and repeats stay, and each frequency must be one a dataset can store.
reference_spectrum measured_reference(std::vector<double> frequencies, std::vector<std::complex<double>> z, std::string source) {
  if (frequencies.size() != z.size()) throw error(error_kind::invalid_input, source + ": frequencies and impedances differ in length");
  if (frequencies.size() < model::k_min_frequency_points) {
    throw error(error_kind::invalid_input, source + ": " + std::to_string(frequencies.size()) + " point; a reference needs at least " +
                                               std::to_string(model::k_min_frequency_points));
  }
  if (frequencies.size() > model::k_max_frequency_points) {
    throw error(error_kind::invalid_input, source + ": " + std::to_string(frequencies.size()) + " points, more than the " +
                                               std::to_string(model::k_max_frequency_points) + " a reference may have");
  }
  for (const double f : frequencies) {
    if (!(f >= model::k_min_frequency_hz && f <= model::k_max_frequency_hz)) {
      throw error(error_kind::invalid_input, source + ": frequency " + std::to_string(f) + " Hz is outside the range a dataset can store");
    }
  }
  reference_spectrum ref;
  ref.frequencies = std::move(frequencies);
  ref.z = std::move(z);
  ref.source = std::move(source);
  return ref;
}

}  // namespace eisgrid::sweep
