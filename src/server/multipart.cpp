#include "server/multipart.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <optional>

#include "base/error.hpp"

namespace eisgrid::server {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The value of `key` in a header's parameters (`; key="value"` or `; key=value`).
std::optional<std::string> header_parameter(std::string_view header, std::string_view key) {
  std::size_t pos = 0;
  while ((pos = header.find(';', pos)) != std::string_view::npos) {
    auto part = trim(header.substr(pos + 1, header.find(';', pos + 1) - pos - 1));
    ++pos;
    if (part.size() <= key.size() || part.substr(0, key.size()) != key || part[key.size()] != '=') continue;
    auto value = part.substr(key.size() + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    return std::string(value);
  }
  return std::nullopt;
}

// The filename parameter of a part's Content-Disposition header, if it has one.
std::optional<std::string> part_file_name(std::string_view headers) {
  constexpr std::string_view k_disposition = "content-disposition:";
  for (std::size_t line = 0; line < headers.size();) {
    const std::size_t end = std::min(headers.find("\r\n", line), headers.size());
    const auto text = headers.substr(line, end - line);
    if (text.size() >= k_disposition.size() &&
        std::equal(k_disposition.begin(), k_disposition.end(), text.begin(),
                   [](char want, char got) { return want == static_cast<char>(std::tolower(static_cast<unsigned char>(got))); })) {
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
