#pragma once
// The network side: a listener and one thin session per connection. The
// session owns the stream, the timeouts (cfg.request_read_timeout to read a
// request, 30 s by default, and cfg.idle_timeout, 15 s, idle between requests
// on a kept-alive connection), the header and body limits
// and keep-alive, and nothing else: every request goes to route() on a small
// fixed pool of handler threads, so a slow handler or many idle connections
// cannot starve the others (idle connections cost no thread at all). The
// constant-time requests of is_quick() are answered on the network thread.
// A request's body is read only once its header has passed: its announced
// length fits the memory left to bodies in flight (cfg.body_memory_bytes) and
// a write's credential is valid. Connections past cfg.max_connections are
// answered 503 and closed.

#include <chrono>
#include <cstddef>

#include "server/app.hpp"

namespace eisgrid::server {

// Writing a response may take this long, plus a second per MiB of body.
inline constexpr std::chrono::seconds k_write_timeout{30};
// After the reply to a refused request (too large, malformed), what the client
// goes on sending is read and dropped for up to this long or this many bytes
// before the connection closes: closing with unread bytes makes the kernel
// reset the connection, and the reset can discard the reply before the client
// reads it (a 413 seen as a dropped connection). Enough for an upload over
// the limit on a local network; a client sending longer is cut off.
inline constexpr std::chrono::seconds k_linger_timeout{5};
inline constexpr std::size_t k_max_linger_bytes = 64 * 1024 * 1024;

// Listens on cfg.host:cfg.port and serves until SIGINT or SIGTERM. Prints
// "eisgrid: serving on http://host:port" once listening. Throws error(io) if
// it cannot listen.
void serve(app& a);

}  // namespace eisgrid::server
