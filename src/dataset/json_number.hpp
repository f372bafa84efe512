#pragma once
// JSON has no NaN or infinity: eisgrid writes them as null everywhere, in
// dataset metadata, command output and API responses (SPEC 7).

#include <cmath>

#include <nlohmann/json.hpp>

namespace eisgrid::dataset {

template <class Json = nlohmann::json>
[[nodiscard]] Json finite_or_null(double v) {
  return std::isfinite(v) ? Json(v) : Json();
}

}  // namespace eisgrid::dataset
