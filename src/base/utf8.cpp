#include "base/utf8.hpp"

#include <cstdint>

#include "base/error.hpp"

namespace eisgrid {
namespace {

constexpr char32_t k_max_code_point = 0x10FFFF;
constexpr char32_t k_surrogate_first = 0xD800;
constexpr char32_t k_surrogate_last = 0xDFFF;

[[nodiscard]] bool is_scalar_value(char32_t c) noexcept { return c <= k_max_code_point && (c < k_surrogate_first || c > k_surrogate_last); }

// Decodes one sequence at `pos`, advancing it; returns false if malformed.
// The smallest code point per length rules out overlong encodings.
bool next_code_point(std::string_view s, std::size_t& pos, char32_t& out) noexcept {
  const auto lead = static_cast<std::uint8_t>(s[pos]);
  std::size_t extra = 0;
  char32_t min_value = 0;
  if (lead < 0x80) {
    out = lead;
    ++pos;
    return true;
  }
  if ((lead & 0xE0) == 0xC0) {
    extra = 1, min_value = 0x80, out = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    extra = 2, min_value = 0x800, out = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    extra = 3, min_value = 0x10000, out = lead & 0x07;
  } else {
    return false;
  }
  if (s.size() - pos <= extra) return false;
  for (std::size_t i = 1; i <= extra; ++i) {
    const auto cont = static_cast<std::uint8_t>(s[pos + i]);
    if ((cont & 0xC0) != 0x80) return false;
    out = (out << 6) | (cont & 0x3F);
  }
  pos += extra + 1;
  return out >= min_value && is_scalar_value(out);
}

[[noreturn]] void throw_invalid_utf8(std::string_view what) {
  throw error(error_kind::invalid_input, std::string(what) + " is not valid UTF-8");
}

}  // namespace

std::u32string decode_utf8(std::string_view utf8, std::string_view what) {
  std::u32string out;
  out.reserve(utf8.size());
  std::size_t pos = 0;
  char32_t c = 0;
  while (pos < utf8.size()) {
    if (!next_code_point(utf8, pos, c)) throw_invalid_utf8(what);
    out.push_back(c);
  }
  return out;
}

void validate_utf8(std::string_view utf8, std::string_view what) {
  std::size_t pos = 0;
  char32_t c = 0;
  while (pos < utf8.size()) {
    if (!next_code_point(utf8, pos, c)) throw_invalid_utf8(what);
  }
}

std::string encode_utf8(std::u32string_view code_points, std::string_view what) {
  std::string out;
  out.reserve(code_points.size());
  for (char32_t c : code_points) {
    if (!is_scalar_value(c)) throw error(error_kind::invalid_input, std::string(what) + " holds an invalid code point");
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

std::string printable(std::string_view text, std::size_t max_bytes) {
  std::string out;
  for (char c : text.substr(0, max_bytes)) out.push_back(c >= 0x20 && c < 0x7F ? c : '?');
  if (text.size() > max_bytes) out += "...";
  return out;
}

}  // namespace eisgrid
