#pragma once
// One HTTP/1.1 request parsed from bytes, with every limit of docs/API.md
// applied while parsing, whatever the framing: the session feeds it what the
// socket gave, and the fuzz target feeds it arbitrary bytes the same way.
//
// Beast's basic_parser does the syntax; this class adds what Beast 1.74 leaves
// unbounded: chunk extensions and trailer fields are not under its header
// limit, and a chunk line or a trailer section is buffered whole before it is
// parsed. Here they share one budget with the header fields, no line or
// section may grow past k_max_header_bytes while it is incomplete, and a whole
// request, framing included, is at most its route's body limit plus the
// framing allowance of k_max_request_bytes over k_max_body_bytes. Trailer fields
// are counted and dropped: a trailer never changes the request's headers
// (RFC 9110 6.5.1). A Transfer-Encoding other than exactly "chunked" is
// refused (RFC 9112 6.1): 501 for a coding eisgrid does not implement, 400 for
// a malformed list or one on HTTP/1.0, instead of reading the body as the
// next request. A request that needs a signed-in caller (http.hpp
// needs_credentials) without an Authorization header is refused (401) once its
// header is read, before its body is. Held at the header (hold_at_header), the
// parser stops there until released, so that the session can check the
// credential itself and reserve memory for the body before reading it.
//
// Not thread-safe; one parser per request.

#include <cstddef>
#include <string>
#include <string_view>

#include <boost/beast/http/basic_parser.hpp>

#include "server/http.hpp"

namespace eisgrid::server {

// Why a request was refused: the status and the JSON error message.
struct parse_failure {
  int status = 0;
  std::string message;
};

class request_parser : private boost::beast::http::basic_parser<true> {
 public:
  request_parser();

  // Parses as much of `input` (the bytes received and not yet used) as it can
  // and returns how many bytes it used; the rest belongs to a later call (or,
  // once done(), to the next request). Never throws for any input.
  std::size_t feed(std::string_view input);

  [[nodiscard]] bool done() const noexcept { return is_done() && failure_.status == 0; }
  // Makes feed() stop once the header is read, until release_header().
  void hold_at_header();
  void release_header();
  // Whether feed() stopped at the header it holds (no failure, not done).
  [[nodiscard]] bool held() const noexcept { return hold_ && is_header_done() && !is_done() && failure_.status == 0; }
  // The body length the header announces: Content-Length, or the route's
  // body limit for a chunked body (valid once the header is read).
  [[nodiscard]] std::size_t announced_body_bytes() const;
  // Set once the request is refused; feed() then uses nothing more.
  [[nodiscard]] const parse_failure* failure() const noexcept { return failure_.status ? &failure_ : nullptr; }
  // Whether the connection may stay open after this request (valid once done()).
  [[nodiscard]] bool keep_alive() const { return basic_parser::keep_alive(); }
  // The request as parsed so far: after a failure, its method and target
  // (when the request line was read) for the log.
  [[nodiscard]] const request& get() const noexcept { return request_; }
  // The parsed request (call once, after done()).
  [[nodiscard]] request take() { return std::move(request_); }

 private:
  using error_code = boost::beast::error_code;

  request request_;
  int version_ = 0;
  // Header fields, chunk extensions and trailer fields seen so far, against k_max_header_bytes.
  std::size_t header_bytes_ = 0;
  std::size_t request_bytes_ = 0;              // used by feed() so far, framing included
  std::size_t body_limit_ = k_max_body_bytes;  // this request's route's (http.hpp body_limit)
  parse_failure failure_;
  bool hold_ = false;

  void fail(int status, std::string message);
  // Counts `bytes` of header-like text; false (and failed) when over the budget.
  bool charge(std::size_t bytes);
  void check_transfer_encoding();

  void on_request_impl(boost::beast::http::verb method, boost::beast::string_view method_text, boost::beast::string_view target,
                       int version, error_code& ec) override;
  void on_response_impl(int, boost::beast::string_view, int, error_code& ec) override;
  void on_field_impl(boost::beast::http::field name, boost::beast::string_view name_text, boost::beast::string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length, error_code& ec) override;
  std::size_t on_body_impl(boost::beast::string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t size, boost::beast::string_view extensions, error_code& ec) override;
  std::size_t on_chunk_body_impl(std::uint64_t remain, boost::beast::string_view body, error_code& ec) override;
  void on_finish_impl(error_code& ec) override;
};

}  // namespace eisgrid::server
