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

// Whether route() answers `req` in a few microseconds without blocking: no
// database, no dataset, no disk (anonymous GET of /api/health,
// /api/openapi.json and /api/models). The session answers these on its own thread: handing
// them to the handler pool and back costs more (two thread wake-ups) than the
// work. /api/status is not one: it counts what the caller may see, in the
// catalog.
[[nodiscard]] bool is_quick(const request& req);

// Whether route()'s work for `req` grows with the data it touches: reading a
// stored measurement (GET /api/measurements/<id>, up to 2,000,000 points, a
// second or two), parsing an upload (POST /api/measurements, 16 MiB), checking
// a fit's sweeps against its limits (POST /api/fit reads them), loading
// or searching a dataset (load/, best-results/, spectrum/, search/). The
// session runs these on a pool of their own, so that a few of them at once
// never delay the light requests (lists, status, jobs, edits) of other users.
[[nodiscard]] bool is_heavy(const request& req);

}  // namespace eisgrid::server
