#include "measured/text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

#include "base/error.hpp"

namespace eisgrid::measured {
namespace {

// Binary detection looks at this much of the start of a file: a text export has
// no NUL and almost no control characters there.
constexpr std::size_t k_sniff_bytes = 64 * 1024;
constexpr std::size_t k_max_control_per_mille = 10;
// Longest field parse_number copies to swap a decimal comma (numbers are short).
constexpr std::size_t k_max_number_chars = 64;

std::string too_large_rows(const std::string& name) {
  return "file '" + name + "' line " + std::to_string(k_max_rows + 1) + ": more than " + std::to_string(k_max_rows) +
         " lines, the most eisgrid reads from one measurement file";
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// Windows "Unicode text" (Excel, some instrument exports) is UTF-16 with a BOM.
std::string utf16_to_utf8(std::string_view bytes, bool little_endian) {
  std::string out;
  out.reserve(bytes.size() / 2);
  auto unit = [&](std::size_t i) {
    const auto lo = static_cast<unsigned char>(bytes[i + (little_endian ? 0 : 1)]);
    const auto hi = static_cast<unsigned char>(bytes[i + (little_endian ? 1 : 0)]);
    return static_cast<char32_t>(hi << 8 | lo);
  };
  for (std::size_t i = 2; i + 1 < bytes.size(); i += 2) {
    char32_t c = unit(i);
    if (c >= 0xD800 && c < 0xDC00 && i + 3 < bytes.size()) {
      const char32_t low = unit(i + 2);
      if (low >= 0xDC00 && low < 0xE000) {
        c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
        i += 2;
      } else {
        c = 0xFFFD;
      }
    } else if (c >= 0xD800 && c < 0xE000) {
      c = 0xFFFD;
    }
    append_utf8(out, c);
  }
  return out;
}

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view bytes) noexcept {
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;
      if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;
      if (c == 0xF4) high = 0x8F;
    } else {
      return false;
    }
    if (i + length > bytes.size()) return false;
    const auto second = static_cast<unsigned char>(bytes[i + 1]);
    if (second < low || second > high) return false;
    for (std::size_t k = 2; k < length; ++k) {
      if ((static_cast<unsigned char>(bytes[i + k]) & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

// Each byte of Latin-1 is the code point of the same number.
std::string latin1_to_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (const char c : bytes) append_utf8(out, static_cast<unsigned char>(c));
  return out;
}

void check_text(const std::string& name, std::string_view bytes) {
  if (const void* nul = std::memchr(bytes.data(), 0, bytes.size())) {
    const auto offset = static_cast<const char*>(nul) - bytes.data();
    throw error(error_kind::invalid_input, "file '" + name + "': binary content (a NUL byte at offset " + std::to_string(offset) +
                                               "), not a text export; export the measurement as text (ASCII/CSV)");
  }
  const std::string_view head = bytes.substr(0, k_sniff_bytes);
  const auto control = std::count_if(head.begin(), head.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') || c == 0x7F;
  });
  if (static_cast<std::size_t>(control) * 1000 > head.size() * k_max_control_per_mille) {
    throw error(error_kind::invalid_input, "file '" + name + "': binary content (" + std::to_string(control) +
                                               " control characters in its first " + std::to_string(head.size()) +
                                               " bytes), not a text export; export the measurement as text (ASCII/CSV)");
  }
}

}  // namespace

text_file::text_file(std::string name, std::string_view bytes) : name_(std::move(name)) {
  if (bytes.size() > k_max_file_bytes) {
    throw error(error_kind::too_large, "file '" + name_ + "': " + std::to_string(bytes.size()) + " bytes, more than the " +
                                           std::to_string(k_max_file_bytes) + " a measurement file may have");
  }
  if (bytes.size() >= 2 && (bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF")) {
    decoded_ = utf16_to_utf8(bytes, bytes[0] == '\xFF');
    bytes = decoded_;
  } else if (bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    bytes.remove_prefix(3);
  }
  check_text(name_, bytes);
  // A file that is not UTF-8 is Latin-1 (older Windows exports: "Cs/\xB5F"),
  // decoded so that every name and field quoted in a message, and every JSON
  // body that carries one, is valid UTF-8.
  if (decoded_.empty() && !valid_utf8(bytes)) {
    decoded_ = latin1_to_utf8(bytes);
    bytes = decoded_;
  }
  // Line ends are \n or \r\n (PowerSuite writes \r\r\n); a file without any
  // \n uses the old Mac \r.
  const char end = bytes.find('\n') == std::string_view::npos && bytes.find('\r') != std::string_view::npos ? '\r' : '\n';
  // Counted with memchr, stopping at the limit, before any line is stored.
  std::size_t ends = 0;
  for (const char* p = bytes.data(); (p = static_cast<const char*>(std::memchr(p, end, bytes.size() - (p - bytes.data()))));) {
    if (++ends > k_max_rows) throw error(error_kind::too_large, too_large_rows(name_));
    ++p;
  }
  lines_.reserve(ends + 1);
  std::size_t start = 0;
  while (start < bytes.size()) {
    std::size_t stop = bytes.find(end, start);
    if (stop == std::string_view::npos) stop = bytes.size();
    std::string_view line = bytes.substr(start, stop - start);
    while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines_.push_back({line, lines_.size() + 1});
    start = stop + 1;
  }
}

std::string text_file::where(std::size_t line) const { return "file '" + name_ + "' line " + std::to_string(line); }

void text_file::fail(std::size_t line, const std::string& reason) const {
  throw error(error_kind::invalid_input, where(line) + ": " + reason);
}

void text_file::fail(const std::string& reason) const { throw error(error_kind::invalid_input, "file '" + name_ + "': " + reason); }

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

namespace {
char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

bool starts_with_ci(std::string_view s, std::string_view prefix) noexcept {
  return s.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) { return lower(a) == lower(b); });
}

bool contains_ci(std::string_view s, std::string_view part) noexcept {
  return std::search(s.begin(), s.end(), part.begin(), part.end(), [](char a, char b) { return lower(a) == lower(b); }) != s.end();
}

void split_fields(const text_file& text, const text_line& line, char delimiter, std::vector<std::string_view>& fields) {
  fields.clear();
  std::string_view rest = line.text;
  if (delimiter == ' ') rest = trim(rest);
  while (true) {
    if (fields.size() == k_max_fields) text.fail(line.number, "more than " + std::to_string(k_max_fields) + " fields");
    std::string_view field;
    std::size_t next;
    const std::string_view lead = trim(rest);
    if (!lead.empty() && lead.front() == '"') {
      // A quoted field runs to its closing quote ("" inside stands for one quote).
      std::size_t close = 1;
      while (close < lead.size() && !(lead[close] == '"' && (close + 1 == lead.size() || lead[close + 1] != '"'))) {
        close += lead[close] == '"' ? 2 : 1;
      }
      field = lead.substr(1, std::min(close, lead.size()) - 1);
      const std::size_t after = static_cast<std::size_t>(lead.data() - rest.data()) + std::min(close + 1, lead.size());
      next = delimiter == ' ' ? rest.find_first_of(" \t", after) : rest.find(delimiter, after);
    } else {
      next = delimiter == ' ' ? rest.find_first_of(" \t") : rest.find(delimiter);
      field = trim(rest.substr(0, next));
    }
    fields.push_back(field);
    if (next == std::string_view::npos) break;
    rest.remove_prefix(next + 1);
    if (delimiter == ' ') rest = trim(rest);
  }
  // A delimiter at the end of the line (Parstat, NOVA) leaves no column.
  while (!fields.empty() && fields.back().empty()) fields.pop_back();
}

char guess_delimiter(std::string_view line) noexcept {
  if (line.find('\t') != std::string_view::npos) return '\t';
  if (line.find(';') != std::string_view::npos) return ';';
  if (line.find(',') != std::string_view::npos) return ',';
  return ' ';
}

char guess_decimal(std::span<const std::string_view> fields) noexcept {
  return std::any_of(fields.begin(), fields.end(), [](std::string_view f) { return f.find(',') != std::string_view::npos; }) ? ',' : '.';
}

std::optional<double> parse_number(std::string_view field, char decimal) noexcept {
  field = trim(field);
  if (!field.empty() && field.front() == '+') field.remove_prefix(1);
  if (field.empty() || field.size() > k_max_number_chars) return std::nullopt;
  std::array<char, k_max_number_chars> buffer{};
  if (decimal == ',') {
    if (field.find('.') != std::string_view::npos) return std::nullopt;
    std::copy(field.begin(), field.end(), buffer.begin());
    std::replace(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(field.size()), ',', '.');
    field = std::string_view(buffer.data(), field.size());
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (ec != std::errc() || end != field.data() + field.size()) return std::nullopt;
  return value;
}

bool all_numbers(std::span<const std::string_view> fields) noexcept {
  if (fields.empty()) return false;
  const char decimal = guess_decimal(fields);
  return std::all_of(fields.begin(), fields.end(), [decimal](std::string_view f) { return parse_number(f, decimal).has_value(); });
}

std::string_view header_value(const text_file& text, std::string_view key, std::size_t limit) {
  const auto lines = text.lines().first(std::min(limit, text.lines().size()));
  for (const auto& line : lines) {
    const std::string_view t = trim(line.text);
    if (!starts_with_ci(t, key)) continue;
    std::string_view value = t.substr(key.size());
    while (!value.empty() && (value.front() == ':' || value.front() == '=' || value.front() == ' ' || value.front() == '\t')) {
      value.remove_prefix(1);
    }
    return trim(value);
  }
  return {};
}

}  // namespace eisgrid::measured
