#include "server/multipart.hpp"

#include <algorithm>
#include <functional>
#include <optional>

#include "base/ascii.hpp"
#include "base/error.hpp"

namespace eisgrid::server {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && (is_space(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The value of parameter `key` in a header's parameters (RFC 9110 5.6.6:
// `; name=token` or `; name="quoted string"` with backslash escapes), its
// name matched without regard to case. A parameter named twice is refused:
// another reader of the same header could take the other one.
std::optional<std::string> header_parameter(std::string_view header, std::string_view key) {
  std::optional<std::string> found;
  std::size_t i = header.find(';');
  while (i != std::string_view::npos) {
    ++i;
    const std::size_t name_end = std::min(header.find_first_of("=;", i), header.size());
    const auto name = trim(header.substr(i, name_end - i));
    i = name_end;
    if (i == header.size()) break;
    if (header[i] == ';') continue;  // a parameter without a value
    ++i;
    while (i < header.size() && is_space(header[i])) ++i;
    std::string value;
    if (i < header.size() && header[i] == '"') {
      for (++i;; ++i) {
        if (i >= header.size()) throw error(error_kind::usage, "a quoted parameter value has no closing quote");
        if (header[i] == '"') break;
        if (header[i] == '\\' && i + 1 < header.size()) ++i;
        value += header[i];
      }
      i = header.find(';', i);
    } else {
      const std::size_t end = std::min(header.find(';', i), header.size());
      value = trim(header.substr(i, end - i));
      i = end == header.size() ? std::string_view::npos : end;
    }
    if (!equals_ignoring_case(name, key)) continue;
    if (found) throw error(error_kind::usage, "the header names its '" + std::string(key) + "' parameter twice");
    found = std::move(value);
  }
  return found;
}

// RFC 2046 5.1.1: a boundary is 1 to 70 of these, and does not end in a space.
bool is_boundary_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

// The filename parameter of a part's Content-Disposition header, if it has one.
std::optional<std::string> part_file_name(std::string_view headers) {
  constexpr std::string_view k_disposition = "content-disposition:";
  for (std::size_t line = 0; line < headers.size();) {
    const std::size_t end = std::min(headers.find("\r\n", line), headers.size());
    const auto text = headers.substr(line, end - line);
    if (equals_ignoring_case(text.substr(0, k_disposition.size()), k_disposition)) {
      if (auto name = header_parameter(text, "filename")) return name;
    }
    line = end + 2;
  }
  return std::nullopt;
}

}  // namespace

form_file multipart_file(std::string_view content_type, std::string_view body) {
  const auto boundary = header_parameter(content_type, "boundary");
  if (!boundary || boundary->empty()) throw error(error_kind::usage, "multipart body without a boundary");
  if (boundary->size() > k_max_boundary_chars)
    throw error(error_kind::usage, "the multipart boundary has " + std::to_string(boundary->size()) + " characters; at most " +
                                       std::to_string(k_max_boundary_chars) + " (RFC 2046)");
  if (!std::all_of(boundary->begin(), boundary->end(), is_boundary_char) || boundary->back() == ' ')
    throw error(error_kind::usage,
                "the multipart boundary has a character RFC 2046 does not allow (letters, digits and '()+_,-./:=? only, "
                "and no space at its end)");
  // Every delimiter but a first one at the very start follows a line break.
  const std::string delimiter = "\r\n--" + *boundary;
  const std::boyer_moore_searcher searcher(delimiter.begin(), delimiter.end());
  const auto find_delimiter = [&](std::size_t from) {
    const auto found = std::search(body.begin() + static_cast<std::ptrdiff_t>(from), body.end(), searcher);
    return found == body.end() ? std::string_view::npos : static_cast<std::size_t>(found - body.begin());
  };
  const std::string_view first = std::string_view(delimiter).substr(2);
  // `at` is where a delimiter's "--boundary" starts.
  std::size_t at = body.substr(0, first.size()) == first ? 0 : find_delimiter(0);
  if (at != 0 && at != std::string_view::npos) at += 2;
  while (at != std::string_view::npos) {
    std::size_t part = at + first.size();
    if (body.substr(part, 2) == "--") break;  // the closing delimiter
    part = body.find("\r\n", part);
    if (part == std::string_view::npos) break;
    part += 2;
    const std::size_t headers_end = body.find("\r\n\r\n", part);
    if (headers_end == std::string_view::npos) break;
    const std::size_t content = headers_end + 4;
    const std::size_t next = find_delimiter(content);
    if (next == std::string_view::npos) break;
    if (auto name = part_file_name(body.substr(part, headers_end - part))) return {std::move(*name), body.substr(content, next - content)};
    at = next + 2;
  }
  throw error(error_kind::usage, "the multipart body has no file part (a part with a filename)");
}

}  // namespace eisgrid::server
