#include "server/request_parser.hpp"

#include <algorithm>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

#include "base/ascii.hpp"

namespace eisgrid::server {
namespace {

namespace http = boost::beast::http;

// What a field costs beyond its name and value, as on the wire: ": " and CRLF.
// So a flood of empty trailer fields is charged like the bytes it takes.
constexpr std::size_t k_field_overhead = 4;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

request_parser::request_parser() {
  header_limit(static_cast<std::uint32_t>(k_max_header_bytes));
  body_limit(k_max_body_bytes);
  eager(true);
}

void request_parser::fail(int status, std::string message) {
  if (failure_.status == 0) failure_ = {status, std::move(message)};
}

bool request_parser::charge(std::size_t bytes) {
  header_bytes_ += bytes;
  if (header_bytes_ <= k_max_header_bytes) return true;
  fail(431, "request header fields, chunk extensions and trailers too large (limit " + limit_text(k_max_header_bytes) + " together)");
  return false;
}

void request_parser::hold_at_header() {
  hold_ = true;
  eager(false);  // put() returns at the end of the header instead of reading on
}

void request_parser::release_header() {
  hold_ = false;
  eager(true);
}

std::size_t request_parser::announced_body_bytes() const {
  const auto length = content_length();
  return length ? static_cast<std::size_t>(std::min<std::uint64_t>(*length, body_limit_)) : (chunked() ? body_limit_ : 0);
}

std::size_t request_parser::feed(std::string_view input) {
  std::size_t used = 0;
  while (failure_.status == 0 && !is_done() && used < input.size() && !held()) {
    // At most one budget's worth at a time: a header, a line or a trailer
    // section that does not end within it is refused the same way however the
    // bytes arrive. The header's budget is what is left of it: Beast, handed
    // bytes all at once, would take the request line and the fields against
    // its limit one after the other.
    const std::size_t budget = is_header_done() ? k_max_header_bytes : k_max_header_bytes - std::min(request_bytes_, k_max_header_bytes);
    if (budget == 0) {
      fail(431, "request header too large (limit " + limit_text(k_max_header_bytes) + ")");
      break;
    }
    const std::size_t window = std::min(input.size() - used, budget);
    error_code ec;
    const std::size_t n = put(boost::asio::const_buffer(input.data() + used, window), ec);
    used += n;
    request_bytes_ += n;
    if (failure_.status != 0) break;  // refused by a callback below
    // The framing allowance over the body limit is the same for every route.
    const std::size_t request_limit = body_limit_ + (k_max_request_bytes - k_max_body_bytes);
    if (request_bytes_ > request_limit) {
      fail(413, "request too large (limit " + limit_text(request_limit) + " with its framing)");
      break;
    }
    if (ec == http::error::need_more) {
      if (n > 0) continue;
      if (window == budget) fail(431, "request header, chunk line or trailer section longer than " + limit_text(k_max_header_bytes));
      break;
    }
    if (ec == http::error::header_limit) {
      fail(431, "request header too large (limit " + limit_text(k_max_header_bytes) + ")");
    } else if (ec == http::error::body_limit) {
      fail(413, "request body too large (limit " + limit_text(body_limit_) + ")");
    } else if (ec) {
      fail(400, "malformed HTTP request");
    }
  }
  return used;
}

void request_parser::check_transfer_encoding() {
  const auto it = request_.headers.find("transfer-encoding");
  if (it == request_.headers.end()) return;
  if (version_ < 11) return fail(400, "Transfer-Encoding needs HTTP/1.1");
  std::string_view rest = it->second;
  int chunked = 0, others = 0;
  while (true) {
    const std::size_t comma = rest.find(',');
    const std::string_view coding = trim(rest.substr(0, comma));
    if (equals_ignoring_case(coding, "chunked")) {
      ++chunked;
    } else if (!coding.empty()) {
      ++others;
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (others > 0) return fail(501, "unsupported Transfer-Encoding (only chunked is)");
  if (chunked != 1) fail(400, "malformed Transfer-Encoding");
}

void request_parser::on_request_impl(http::verb, boost::beast::string_view method_text, boost::beast::string_view target, int version,
                                     error_code& ec) {
  request_.method = std::string(method_text);
  request_.target = std::string(target);
  version_ = version;
  // The route decides how large a body may be (an upload more than JSON).
  body_limit_ = server::body_limit(request_.method, request_.target);
  body_limit(body_limit_);
  if (!charge(method_text.size() + target.size())) ec = http::error::header_limit;
}

void request_parser::on_response_impl(int, boost::beast::string_view, int, error_code& ec) { ec = http::error::bad_version; }

void request_parser::on_field_impl(http::field, boost::beast::string_view name_text, boost::beast::string_view value, error_code& ec) {
  if (!charge(name_text.size() + value.size() + k_field_overhead)) {
    ec = http::error::header_limit;
    return;
  }
  if (is_header_done()) return;  // a trailer: counted, never merged into the headers
  std::string name(name_text);
  std::transform(name.begin(), name.end(), name.begin(), ascii_lower);
  auto& slot = request_.headers[name];
  if (!slot.empty()) slot += ", ";
  slot.append(value.data(), value.size());
}

void request_parser::on_header_impl(error_code& ec) {
  check_transfer_encoding();
  // A write without a credential would be a 401 once read: refused now,
  // before its body (up to 16 MiB for an upload) is read into memory. The
  // credential itself is checked by the session while the parser holds here.
  if (failure_.status == 0 && needs_credentials(request_.method, request_.target) && request_.headers.count("authorization") == 0) {
    fail(401, "sign in first: this needs an API key or a token");
  }
  if (failure_.status != 0) ec = http::error::bad_transfer_encoding;
}

void request_parser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length, error_code&) {
  if (content_length) request_.body.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(*content_length, body_limit_)));
}

std::size_t request_parser::on_body_impl(boost::beast::string_view body, error_code&) {
  request_.body.append(body.data(), body.size());
  return body.size();
}

void request_parser::on_chunk_header_impl(std::uint64_t, boost::beast::string_view extensions, error_code& ec) {
  if (!charge(extensions.size())) ec = http::error::header_limit;
}

std::size_t request_parser::on_chunk_body_impl(std::uint64_t, boost::beast::string_view body, error_code&) {
  request_.body.append(body.data(), body.size());
  return body.size();
}

void request_parser::on_finish_impl(error_code&) {}

}  // namespace eisgrid::server
