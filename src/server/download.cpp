// GET/HEAD /api/download/<filename>: the file as an attachment, streamed by
// the session from an open descriptor; one byte range (206/416); ETag from
// the SHA-256 with If-None-Match (304).
#include <sys/stat.h>

#include <cerrno>
#include <charconv>

#include "base/error.hpp"
#include "base/regular_file.hpp"
#include "server/handlers.hpp"

namespace eisgrid::server {
namespace {

struct byte_range {
  std::uint64_t first = 0, last = 0;  // inclusive
};

bool parse_number(std::string_view text, std::uint64_t& out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "bytes=a-b", "bytes=a-" or "bytes=-n" against a file of `size` bytes;
// empty optional when it is malformed, several ranges, or unsatisfiable.
std::optional<byte_range> parse_range(std::string_view header, std::uint64_t size) {
  header = trim(header);
  constexpr std::string_view k_unit = "bytes=";
  if (header.substr(0, k_unit.size()) != k_unit) return std::nullopt;
  const std::string_view spec = trim(header.substr(k_unit.size()));
  if (spec.find(',') != std::string_view::npos) return std::nullopt;
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos || size == 0) return std::nullopt;
  const auto a = trim(spec.substr(0, dash)), b = trim(spec.substr(dash + 1));
  byte_range r;
  if (a.empty()) {
    std::uint64_t suffix = 0;
    if (!parse_number(b, suffix) || suffix == 0) return std::nullopt;
    r.first = suffix >= size ? 0 : size - suffix;
    r.last = size - 1;
    return r;
  }
  if (!parse_number(a, r.first) || r.first >= size) return std::nullopt;
  if (b.empty()) {
    r.last = size - 1;
  } else {
    if (!parse_number(b, r.last) || r.last < r.first) return std::nullopt;
    r.last = std::min(r.last, size - 1);
  }
  return r;
}

// Whether an If-None-Match list holds `etag` (or "*"); weak tags compare equal.
bool matches(std::string_view header, const std::string& etag) {
  while (!header.empty()) {
    const auto comma = header.find(',');
    auto item = trim(header.substr(0, comma));
    if (item.substr(0, 2) == "W/") item.remove_prefix(2);
    if (item == "*" || item == etag) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

response get_download(const context& c, std::string_view filename) {
  const auto d = resolve_dataset(c, filename);
  // A link or a FIFO in the data directory is "not there" for a client,
  // exactly as the dataset loaders see it.
  opened_file opened;
  try {
    opened = open_regular_file(d.path, d.path.string());
  } catch (const error& e) {
    if (e.kind() == error_kind::io) throw;
    c.a.log(e.what());
    throw error(error_kind::not_found, "dataset '" + d.record.file_name + "' is not available");
  }
  const struct stat st = opened.info;
  auto file = std::make_shared<file_handle>(opened.fd.release());
  const auto size = static_cast<std::uint64_t>(st.st_size);

  response r;
  const std::string etag = "\"" + d.record.file_hash + "\"";
  r.set("ETag", etag);
  r.set("Accept-Ranges", "bytes");
  r.set("Cache-Control", "private, no-cache");
  if (const auto inm = c.req.header("if-none-match"); !inm.empty() && matches(inm, etag)) {
    r.status = 304;
    return r;
  }
  r.set("Content-Type", "application/octet-stream");
  r.set("Content-Disposition", "attachment; filename=\"" + d.record.file_name + "\"");
  file_part part{file, 0, size};
  if (const auto range = c.req.header("range"); !range.empty()) {
    const auto parsed = parse_range(range, size);
    if (!parsed) {
      auto bad =
          json_error(416, "the Range header must be one satisfiable range 'bytes=first-last' of a " + std::to_string(size) + "-byte file");
      bad.set("Content-Range", "bytes */" + std::to_string(size));
      bad.set("Accept-Ranges", "bytes");
      return bad;
    }
    r.status = 206;
    part.offset = parsed->first;
    part.length = parsed->last - parsed->first + 1;
    r.set("Content-Range", "bytes " + std::to_string(parsed->first) + "-" + std::to_string(parsed->last) + "/" + std::to_string(size));
  }
  r.file = part;
  return r;
}

}  // namespace eisgrid::server
