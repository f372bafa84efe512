#pragma once
// The whole HTTP API of docs/API.md as one pure function: a request in, a
// response out, no sockets. Every failure is a JSON response with the right
// status: eisgrid::error maps through http_status(); anything else is logged
// and answered 500 "internal error", so internals never reach a client.
// Thread-safe: call it from any number of threads at once.

#include "server/app.hpp"
#include "server/http.hpp"

namespace eisgrid::server {

[[nodiscard]] response route(const request& req, app& a);

}  // namespace eisgrid::server
