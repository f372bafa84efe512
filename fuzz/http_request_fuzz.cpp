// libFuzzer harness for the HTTP request parser (server/request_parser.hpp)
// and its limits. Each input is one connection's bytes, read the way the
// session reads them: requests parsed one after another (pipelining), each
// parser fed what has arrived and not been used. The bytes are fed twice:
// all at once, and in pieces whose sizes come from the input. Findings:
//   - a crash, a sanitizer report, an exception, a leak;
//   - the two feedings disagreeing (a limit or a result that depends on how
//     the bytes arrive);
//   - an accepted request over a limit (body, header fields, whole request);
//   - a parser that waits for more while holding a full budget unused.
//
// So that short inputs reach the limits, the byte 0xFE followed by a count n
// repeats the line before it (since the last '\n') 64 * n times; HTTP never
// needs 0xFE in a request.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "server/request_parser.hpp"

namespace {

using eisgrid::server::k_max_body_bytes;
using eisgrid::server::k_max_header_bytes;
using eisgrid::server::k_max_request_bytes;
using eisgrid::server::request_parser;

constexpr unsigned char k_repeat = 0xFE;
constexpr std::size_t k_repeat_unit = 64;
// More requests than this on one connection add nothing new.
constexpr std::size_t k_max_requests = 16;

std::string expand(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (static_cast<unsigned char>(in[i]) != k_repeat || i + 1 >= in.size()) {
      out.push_back(in[i]);
      continue;
    }
    const std::size_t times = k_repeat_unit * static_cast<unsigned char>(in[++i]);
    const std::size_t line_start = out.rfind('\n', out.empty() ? 0 : out.size() - 1);
    const std::string line = out.substr(line_start == std::string::npos ? 0 : line_start + 1);
    for (std::size_t t = 0; t < times && out.size() < 2 * k_max_request_bytes; ++t) out += line;
  }
  return out;
}

// What one request came to: done with its fields, refused with a status, or
// waiting for bytes that never came.
struct outcome {
  int status = 0;  // 0: parsed; -1: incomplete
  std::string method, target, body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool keep_alive = false;
  bool operator==(const outcome&) const = default;
};

[[noreturn]] void finding() { std::abort(); }

// Parses the connection's bytes, `piece` bytes arriving at a time (all at once
// when 0).
std::vector<outcome> parse(std::string_view bytes, std::size_t piece) {
  std::vector<outcome> out;
  std::string buffered;
  std::size_t arrived = 0;
  while (out.size() < k_max_requests) {
    request_parser parser;
    std::size_t used_by_this = 0;
    outcome o;
    for (;;) {
      const std::size_t used = parser.feed(buffered);
      buffered.erase(0, used);
      used_by_this += used;
      if (parser.done() || parser.failure()) break;
      // Waiting for more: what it holds unused must be less than one budget.
      if (buffered.size() >= k_max_header_bytes) finding();
      if (arrived == bytes.size()) break;
      const std::size_t n = piece == 0 ? bytes.size() - arrived : std::min(piece, bytes.size() - arrived);
      buffered.append(bytes.substr(arrived, n));
      arrived += n;
    }
    if (const auto* f = parser.failure()) {
      o.status = f->status;
      if (f->status < 400 || f->status > 501 || f->message.empty()) finding();
    } else if (parser.done()) {
      o.keep_alive = parser.keep_alive();
      const auto r = parser.take();
      o.method = r.method;
      o.target = r.target;
      o.body = r.body;
      std::size_t field_bytes = 0;
      for (const auto& [name, value] : r.headers) {
        field_bytes += name.size() + value.size();
        o.headers.emplace_back(name, value);
      }
      if (r.body.size() > k_max_body_bytes || field_bytes > k_max_header_bytes || used_by_this > k_max_request_bytes) finding();
    } else {
      o.status = -1;
    }
    out.push_back(std::move(o));
    if (out.back().status != 0 || (buffered.empty() && arrived == bytes.size())) break;
  }
  return out;
}

// Whether two feedings agree: the same requests parsed, in order, then both
// refusing or waiting for more. Which refusal may differ: Beast finds some
// errors while it parses a line, which it does as soon as it has the bytes,
// and otherwise waits for the header's end, so a malformed request line is a
// 400 when it arrives with the rest and a 431 when the rest arrives slowly
// and never ends. Either way nothing is accepted that the other refused.
bool agree(const std::vector<outcome>& a, const std::vector<outcome>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const bool parsed_a = a[i].status == 0, parsed_b = b[i].status == 0;
    if (parsed_a != parsed_b || (parsed_a && !(a[i] == b[i]))) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the piece size: 1 to 255 bytes, or 4 KiB for 0.
  const std::size_t piece = data[0] == 0 ? 4096 : data[0];
  const std::string bytes = expand(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  if (!agree(parse(bytes, 0), parse(bytes, piece))) finding();
  return 0;
}
