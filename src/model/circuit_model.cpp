#include "model/circuit_model.hpp"

namespace eisgrid::model {

std::optional<std::size_t> circuit_model::index_of(std::string_view parameter) const noexcept {
  for (std::size_t k = 0; k < parameters.size(); ++k) {
    if (parameters[k].name == parameter) return k;
  }
  return std::nullopt;
}

}  // namespace eisgrid::model
