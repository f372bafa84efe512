// libFuzzer harness for the multipart/form-data parser (server/multipart.hpp).
// Each input is a Content-Type value, a line break, then the body. Findings:
//   - a crash, a sanitizer report, a leak, an exception other than
//     error(usage);
//   - a file part that is not where the framing puts it: its bytes must be a
//     range of the body, after a blank line and before "\r\n--boundary";
//   - an accepted boundary longer than RFC 2046 allows.
// Slowness is a finding too: run with -timeout (the search must stay linear).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/error.hpp"
#include "server/multipart.hpp"

namespace {

[[noreturn]] void finding() { std::abort(); }

// The boundary parameter as the parser reads it, or empty when the
// Content-Type has none in the simple unquoted form this check knows.
std::string_view simple_boundary(std::string_view content_type) {
  constexpr std::string_view k_key = "; boundary=";
  const auto at = content_type.find(k_key);
  if (at == std::string_view::npos) return {};
  auto value = content_type.substr(at + k_key.size());
  if (value.find_first_of(";\"\t\r ") != std::string_view::npos) return {};
  return value;
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
    const auto boundary = simple_boundary(content_type);
    if (boundary.size() > eisgrid::server::k_max_boundary_chars) finding();
    if (!boundary.empty() &&
        std::string_view(body).substr(offset + file.bytes.size(), 4 + boundary.size()) != "\r\n--" + std::string(boundary))
      finding();
  } catch (const eisgrid::error& e) {
    if (e.kind() != eisgrid::error_kind::usage) finding();
  }
  return 0;
}
