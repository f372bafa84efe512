#pragma once
// Numbers as eisgrid writes them. One policy: a double as the shortest text
// that reads back as exactly the same double ("0.1", "1e+300", "-0"), a value
// stored as float32 as its float's shortest text (1778.2794, not the
// 1778.2794189453125 of its exact double). JSON has no NaN or infinity:
// eisgrid writes them as null everywhere, in dataset metadata, command output
// and API responses (SPEC 7).

#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

namespace eisgrid {

// std::to_chars' shortest round-trip text; "nan", "inf", "-inf" for those.
[[nodiscard]] std::string shortest_text(double v);
[[nodiscard]] std::string shortest_text(float v);

// v itself, unless v is a float32 value (a double equal to a float): then the
// double nearest its float's shortest text, which a JSON writer printing
// shortest doubles prints as that text.
[[nodiscard]] double with_float_text(double v) noexcept;

template <class Json = nlohmann::json>
[[nodiscard]] Json finite_or_null(double v) {
  return std::isfinite(v) ? Json(v) : Json();
}

// Appends v as JSON text: null when not finite, else its shortest text, that of
// its float when `shortest_float` and v is a float32 value. For bodies written
// without a JSON tree; unlike nlohmann's, a whole number has no ".0".
void append_json_number(std::string& out, double v, bool shortest_float);

}  // namespace eisgrid
