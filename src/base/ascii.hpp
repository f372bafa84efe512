#pragma once
// ASCII case folding for the names protocols and our own options compare
// without regard to case: HTTP header and parameter names, auth schemes,
// transfer codings, column and parameter names typed by users. Bytes outside
// ASCII compare as they are, whatever the locale.

#include <string_view>

namespace eisgrid {

[[nodiscard]] constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

[[nodiscard]] constexpr bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

}  // namespace eisgrid
