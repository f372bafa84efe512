#pragma once
// Parsing JSON that a user, a client or a file supplied. Nesting is limited
// before nlohmann::json sees the text: its parser is iterative, but dump(),
// comparison and every walk over a value recurse, so a document nested
// 100,000 deep overflows the stack later, far from where it was read.

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

namespace eisgrid {

// Far more than any document eisgrid writes or reads (dataset metadata is 3
// levels deep, a compute request 3), small enough for every recursive walk.
inline constexpr std::size_t k_max_json_depth = 64;

// The deepest nesting of arrays and objects in `text`, counting brackets
// outside strings. Meaningful for valid JSON; never under-counts it.
[[nodiscard]] std::size_t json_nesting_depth(std::string_view text) noexcept;

// Parses `text`. Throws error(invalid_input) "nested deeper than 64 levels"
// before parsing, or "not valid JSON: <parser's reason>". Thread-safe.
[[nodiscard]] nlohmann::json parse_untrusted_json(std::string_view text);

}  // namespace eisgrid
