#pragma once
// Requests and responses as the router sees them: plain values, no sockets.
// The session turns Beast messages into these and back, so route() can be
// tested by calling it.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace eisgrid::server {

// Limits of SPEC 7 and docs/API.md, applied while a request is parsed
// (request_parser.hpp).
// The request line and header fields, plus the chunk extensions and trailer
// fields of a chunked body: all the text of a request that is not its body.
// Also the longest incomplete line or trailer section held while waiting for more.
inline constexpr std::size_t k_max_header_bytes = 16 * 1024;
// The body, after the chunked framing is removed.
inline constexpr std::size_t k_max_body_bytes = 64 * 1024;
// Everything one request sends, framing included: header and body at their
// limits leave 176 KiB for chunk lines, so only absurd framing (a body in
// one-byte chunks, chunk sizes padded with zeros) reaches it.
inline constexpr std::size_t k_max_request_bytes = 256 * 1024;
// An uploaded instrument file (POST /api/measurements), raw or multipart. Real
// files are kilobytes to a few megabytes; the session holds the body in
// memory, so the limit bounds what one upload costs the server.
inline constexpr std::size_t k_max_upload_bytes = 16 * 1024 * 1024;

// The body limit of a request, by its method and target: k_max_upload_bytes
// for an upload, k_max_body_bytes for everything else.
[[nodiscard]] std::size_t body_limit(std::string_view method, std::string_view target) noexcept;
// Whether a request needs a signed-in caller whatever it asks: every write to
// the API (POST, PUT, PATCH, DELETE under /api/) except the reads that take a
// JSON body by POST (load, spectrum, search of a dataset; a model's spectrum). Other methods are
// a 405 with a body of at most 64 KiB.
[[nodiscard]] bool needs_credentials(std::string_view method, std::string_view target) noexcept;
// "64 KiB", "16 MiB": a limit as error messages say it.
[[nodiscard]] std::string limit_text(std::size_t bytes);

struct request {
  std::string method;                          // "GET", "POST", ...
  std::string target;                          // as sent: path and query
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  // The path without the query, percent-decoded; empty optional if the
  // target is not a valid origin-form path (bad escapes, NUL).
  [[nodiscard]] std::optional<std::string> path() const;
  [[nodiscard]] std::string_view raw_path() const;
  // The decoded value of query parameter `name`, if present.
  [[nodiscard]] std::optional<std::string> query(std::string_view name) const;
  [[nodiscard]] std::string header(std::string_view lower_name) const;
};

// An open file descriptor, closed when the last response holding it is done.
class file_handle {
 public:
  explicit file_handle(int fd) noexcept : fd_(fd) {}
  ~file_handle();
  file_handle(const file_handle&) = delete;
  file_handle& operator=(const file_handle&) = delete;
  [[nodiscard]] int fd() const noexcept { return fd_; }

 private:
  int fd_;
};

// A byte range of an open file, streamed by the session in chunks.
struct file_part {
  std::shared_ptr<file_handle> file;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

struct response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<file_part> file;  // the body, instead of `body`

  void set(std::string name, std::string value);
  [[nodiscard]] std::string header(std::string_view name) const;
  [[nodiscard]] std::uint64_t body_size() const noexcept { return file ? file->length : body.size(); }
};

// {"status": "success", ...fields}; fields must be an object.
[[nodiscard]] response json_success(nlohmann::json fields, int status = 200);
[[nodiscard]] response json_response(const nlohmann::json& body, int status);
// {"status": "error", "message": message}
[[nodiscard]] response json_error(int status, const std::string& message);

// Percent-decodes `text` ('+' stays '+' unless `plus_is_space`); empty
// optional on a malformed escape or a decoded NUL.
[[nodiscard]] std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

}  // namespace eisgrid::server
