#include "compute/measured_reference.hpp"

#include <string>

#include "base/error.hpp"

namespace eisgrid::compute {

sweep::reference_spectrum measured_reference(const measured::measurement& m, std::size_t index) {
  if (index >= m.sweeps.size()) {
    throw error(error_kind::usage, "file '" + m.file + "' has " + std::to_string(m.sweeps.size()) + " sweep" +
                                       (m.sweeps.size() == 1 ? "" : "s") + " (numbered from 0); there is no sweep " +
                                       std::to_string(index));
  }
  const measured::sweep& s = m.sweeps[index];
  sweep::reference_spectrum ref = sweep::measured_reference(s.frequencies, s.z, "file '" + m.file + "' sweep " + std::to_string(index));
  ref.source = m.file;
  ref.sweep = index;
  ref.format = std::string(measured::to_string(m.format));
  ref.start_time = s.start_time;
  return ref;
}

}  // namespace eisgrid::compute
