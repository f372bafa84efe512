#pragma once
// The file part of a multipart/form-data upload (RFC 7578, framing of
// RFC 2046 5.1), found in time linear in the body whatever the caller sends:
// a 16 MiB body is a few milliseconds of a handler thread, not seconds.
// The boundary is at most 70 characters, as RFC 2046 allows; every search
// for it is a Boyer-Moore search, which finds the first match in O(n + m).
// Pure functions, thread-safe; the fuzz target (fuzz/multipart_fuzz.cpp)
// calls them as the upload handler does.

#include <cstddef>
#include <string>
#include <string_view>

namespace eisgrid::server {

// RFC 2046 5.1.1: "boundary := 0*69<bchars> bcharsnospace".
inline constexpr std::size_t k_max_boundary_chars = 70;

struct form_file {
  std::string name;        // the part's filename parameter, as sent
  std::string_view bytes;  // the part's content, a view into the body
};

// The first part of `body` with a filename parameter, under the boundary of
// `content_type` (the request's Content-Type value). Throws error(usage) for
// a missing, empty or over-long boundary, one with a character RFC 2046 does
// not allow, a Content-Type or Content-Disposition that names the parameter
// twice, and a body without such a part.
[[nodiscard]] form_file multipart_file(std::string_view content_type, std::string_view body);

}  // namespace eisgrid::server
