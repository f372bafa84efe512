// libFuzzer harness for the multipart/form-data parser (server/multipart.hpp).
// Each input is a Content-Type value, a line break, then the body. Findings:
//   - a crash, a sanitizer report, a leak, an exception other than
//     error(usage);
//   - a file part that is not where the framing puts it: its bytes must be a
//     range of the body, after a blank line and before "\r\n--boundary";
//   - an accepted boundary longer than RFC 2046 allows or with a character it
//     does not allow, and an accepted Content-Type naming two boundaries.
// Slowness is a finding too: run with -timeout (the search must stay linear).

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "server/multipart.hpp"

namespace {

[[noreturn]] void finding() { std::abort(); }

// The rules below are written apart from the parser's on purpose: an oracle
// that called the parser's own helpers would agree with its mistakes.

bool is_boundary_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

// Blanks before, blanks and a carriage return after, as HTTP's optional white space.
std::string_view trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

// The values of every parameter named boundary (in any case) of a Content-Type
// without quoted strings, where splitting at ';' is the whole grammar; nullopt
// for one with quotes, which this check leaves to the parser.
std::optional<std::vector<std::string_view>> plain_boundaries(std::string_view content_type) {
  if (content_type.find_first_of("\"\\") != std::string_view::npos) return std::nullopt;
  std::vector<std::string_view> found;
  for (auto at = content_type.find(';'); at != std::string_view::npos;) {
    const auto next = content_type.find(';', at + 1);
    const auto part = content_type.substr(at + 1, next == std::string_view::npos ? std::string_view::npos : next - at - 1);
    const auto eq = part.find('=');
    std::string name(trimmed(part.substr(0, eq)));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (eq != std::string_view::npos && name == "boundary") found.push_back(trimmed(part.substr(eq + 1)));
    at = next;
  }
  return found;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto line_end = input.find('\n');
  if (line_end == std::string_view::npos) return 0;
  const std::string_view content_type = input.substr(0, line_end);
  // A copy, so that reads past the body's end are the sanitizer's to see.
  const std::string body(input.substr(line_end + 1));
  try {
    const auto file = eisgrid::server::multipart_file(content_type, body);
    const auto offset = static_cast<std::size_t>(file.bytes.data() - body.data());
    if (file.bytes.data() < body.data() || offset + file.bytes.size() > body.size()) finding();
    if (offset < 4 || std::string_view(body).substr(offset - 4, 4) != "\r\n\r\n") finding();
    const auto boundaries = plain_boundaries(content_type);
    if (!boundaries) return 0;
    // One boundary parameter, of the characters RFC 2046 allows, frames the part.
    if (boundaries->size() != 1) finding();
    const auto boundary = boundaries->front();
    if (boundary.empty() || boundary.size() > eisgrid::server::k_max_boundary_chars || boundary.back() == ' ' ||
        !std::all_of(boundary.begin(), boundary.end(), is_boundary_char))
      finding();
    if (std::string_view(body).substr(offset + file.bytes.size(), 4 + boundary.size()) != "\r\n--" + std::string(boundary)) finding();
  } catch (const eisgrid::error& e) {
    if (e.kind() != eisgrid::error_kind::usage) finding();
  }
  return 0;
}
