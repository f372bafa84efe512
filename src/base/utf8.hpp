#pragma once
// UTF-8 <-> Unicode code points, strictly: numpy's '<U{n}' arrays hold UTF-32
// code units and JSON text must be valid UTF-8, so overlong forms, surrogates
// and values past U+10FFFF are refused rather than passed through.

#include <cstddef>
#include <string>
#include <string_view>

namespace eisgrid {

// Throws error(invalid_input) "<what> is not valid UTF-8" on any malformed sequence.
[[nodiscard]] std::u32string decode_utf8(std::string_view utf8, std::string_view what);

// Throws error(invalid_input) "<what> holds an invalid code point" for
// surrogates and values past U+10FFFF.
[[nodiscard]] std::string encode_utf8(std::u32string_view code_points, std::string_view what);

// Checks `utf8` without converting it; same errors as decode_utf8.
void validate_utf8(std::string_view utf8, std::string_view what);

// `text` from an untrusted file made safe to quote in an error message (which
// may end up in a JSON body): bytes outside printable ASCII become '?', and
// anything past `max_bytes` becomes "...".
[[nodiscard]] std::string printable(std::string_view text, std::size_t max_bytes = 80);

}  // namespace eisgrid
