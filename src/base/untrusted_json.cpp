#include "base/untrusted_json.hpp"

#include <algorithm>

#include "base/error.hpp"

namespace eisgrid {

std::size_t json_nesting_depth(std::string_view text) noexcept {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

nlohmann::json parse_untrusted_json(std::string_view text) {
  if (json_nesting_depth(text) > k_max_json_depth) {
    throw error(error_kind::invalid_input, "JSON nested deeper than " + std::to_string(k_max_json_depth) + " levels");
  }
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw error(error_kind::invalid_input, std::string("not valid JSON: ") + e.what());
  }
}

}  // namespace eisgrid
