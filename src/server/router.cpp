#include "server/router.hpp"

#include <algorithm>

#include "base/error.hpp"
#include "server/handlers.hpp"

namespace eisgrid::server {
namespace {

constexpr std::string_view k_api = "/api/";
constexpr const char* k_cors_methods = "GET, HEAD, POST, PATCH, DELETE, OPTIONS";
constexpr const char* k_cors_headers = "Authorization, Content-Type, Range, If-None-Match";
constexpr const char* k_cors_expose = "ETag, Content-Range, Content-Disposition, Content-Length, Accept-Ranges";
constexpr const char* k_cors_max_age = "600";
// The page (web/dist, built by Vite) loads only its own scripts, styles and
// API, and sets styles through the CSSOM, never inline; its favicon is a
// data: URL. Nothing may frame it. On JSON and files the policy is inert.
constexpr const char* k_content_security_policy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

response method_not_allowed(const char* allowed) {
  auto r = json_error(405, std::string("method not allowed; use ") + allowed);
  r.set("Allow", allowed);
  return r;
}

// The API proper, after the path is decoded; `rest` is the path after "/api/".
response dispatch(const request& req, app& a, std::string_view rest) {
  const std::string& m = req.method;
  const bool get = m == "GET", post = m == "POST", del = m == "DELETE";
  if (rest == "health") {
    if (!get) return method_not_allowed("GET");
    return json_success({{"healthy", true},
                         {"version", a.cfg().version},
                         {"catalog", a.engine() == catalog::engine::postgresql ? "postgresql" : "sqlite"}});
  }
  if (rest == "openapi.json") {
    if (!get) return method_not_allowed("GET");
    response r;
    r.body = openapi_document();
    r.set("Content-Type", "application/json");
    return r;
  }

  if (rest == "models") return get ? get_models() : method_not_allowed("GET");
  if (starts_with(rest, "models/")) {
    // "models/<name>/spectrum": pure arithmetic, no catalog and no caller needed.
    constexpr std::string_view k_spectrum = "/spectrum";
    const auto name = rest.substr(std::string_view("models/").size());
    if (name.size() <= k_spectrum.size() || name.substr(name.size() - k_spectrum.size()) != k_spectrum) {
      return json_error(404, "no such endpoint: " + std::string(k_api) + std::string(rest));
    }
    return post ? post_model_spectrum(req, name.substr(0, name.size() - k_spectrum.size())) : method_not_allowed("POST");
  }

  auto lease = a.catalogs().acquire();
  const context c{req, a, *lease, authenticate(req, a, *lease)};
  // One segment endpoints.
  if (rest == "whoami") return get ? get_whoami(c) : method_not_allowed("GET");
  if (rest == "status") return get ? get_status(c) : method_not_allowed("GET");
  if (rest == "datasets") return get ? get_datasets(c) : method_not_allowed("GET");
  if (rest == "configurations") return get ? get_configurations(c) : method_not_allowed("GET");
  if (rest == "tags") return get ? get_tags(c) : post ? post_tag(c) : method_not_allowed("GET, POST");
  if (rest == "compute") return post ? post_compute(c) : method_not_allowed("POST");
  if (rest == "jobs") return get ? get_jobs(c) : method_not_allowed("GET");
  if (rest == "measurements") return get ? get_measurements(c) : post ? post_measurement(c) : method_not_allowed("GET, POST");
  if (rest == "experiments") return get ? get_experiments(c) : post ? post_experiment(c) : method_not_allowed("GET, POST");
  if (rest == "fit") return post ? post_fit(c) : method_not_allowed("POST");

  // Endpoints with a name or id after them: everything after the prefix is
  // the name (slashes included), so "../x" is checked, and refused, as a name.
  struct prefixed {
    std::string_view prefix;
    const char* allowed;
  };
  const auto tail = [&](std::string_view prefix) -> std::optional<std::string_view> {
    if (!starts_with(rest, prefix)) return std::nullopt;
    return rest.substr(prefix.size());
  };
  if (const auto name = tail("load/")) return post ? post_load(c, *name) : method_not_allowed("POST");
  if (const auto name = tail("best-results/")) return get ? get_best_results(c, *name) : method_not_allowed("GET");
  if (const auto name = tail("spectrum/")) return post ? post_spectrum(c, *name) : method_not_allowed("POST");
  if (const auto name = tail("search/")) return post ? post_search(c, *name) : method_not_allowed("POST");
  if (const auto name = tail("download/")) return get || m == "HEAD" ? get_download(c, *name) : method_not_allowed("GET, HEAD");
  if (const auto rest_of = tail("measurements/")) return measurement_route(c, *rest_of);
  if (const auto rest_of = tail("experiments/")) return experiment_route(c, *rest_of);
  if (const auto id = tail("tags/")) return del ? delete_tag(c, *id) : method_not_allowed("DELETE");
  if (const auto id = tail("jobs/")) {
    if (get) return get_job(c, *id);
    return del ? delete_job(c, *id) : method_not_allowed("GET, DELETE");
  }
  return json_error(404, "no such endpoint: " + std::string(k_api) + std::string(rest));
}

void add_cors(const request& req, const app& a, response& r) {
  const std::string origin = req.header("origin");
  if (origin.empty()) return;
  r.set("Vary", "Origin");
  const auto& allowed = a.cors_origins();
  if (std::find(allowed.begin(), allowed.end(), origin) == allowed.end()) return;
  r.set("Access-Control-Allow-Origin", origin);
  r.set("Access-Control-Expose-Headers", k_cors_expose);
}

response handle(const request& req, app& a) {
  const auto path = req.path();
  if (!path) return json_error(400, "malformed request path");
  if (req.method == "OPTIONS") {
    response r;
    r.status = 204;
    r.set("Allow", k_cors_methods);
    const auto& allowed = a.cors_origins();
    if (std::find(allowed.begin(), allowed.end(), req.header("origin")) != allowed.end()) {
      r.set("Access-Control-Allow-Methods", k_cors_methods);
      r.set("Access-Control-Allow-Headers", k_cors_headers);
      r.set("Access-Control-Max-Age", k_cors_max_age);
    }
    return r;
  }
  if (starts_with(*path, k_api)) return dispatch(req, a, std::string_view(*path).substr(k_api.size()));
  if (*path == "/api") return json_error(404, "no such endpoint: /api");
  if (req.method != "GET" && req.method != "HEAD") return method_not_allowed("GET, HEAD");
  return serve_static(req, a, *path);
}

}  // namespace

bool is_quick(const request& req) {
  if (req.method != "GET" || req.headers.count("authorization")) return false;
  const auto path = req.raw_path();
  return path == "/api/health" || path == "/api/openapi.json" || path == "/api/models";
}

bool is_heavy(const request& req) {
  const auto path = req.raw_path();
  if (!starts_with(path, k_api)) return false;
  const auto rest = path.substr(k_api.size());
  if (rest == "measurements" || rest == "fit") return req.method == "POST";
  constexpr std::string_view k_measurement = "measurements/";
  if (starts_with(rest, k_measurement)) return req.method == "GET" && rest.substr(k_measurement.size()).find('/') == std::string_view::npos;
  for (const std::string_view prefix : {"load/", "best-results/", "spectrum/", "search/"}) {
    if (starts_with(rest, prefix)) return true;
  }
  return false;
}

response route(const request& req, app& a) {
  response r;
  try {
    r = handle(req, a);
  } catch (const error& e) {
    if (e.kind() == error_kind::internal || e.kind() == error_kind::io) {
      a.log("internal error on " + req.method + " " + std::string(req.raw_path()) + ": " + e.what());
      a.catalogs().drop_idle();
      r = json_error(500, "internal error");
    } else {
      r = json_error(http_status(e.kind()), e.what());
      if (e.kind() == error_kind::unauthorized) r.set("WWW-Authenticate", "Bearer");
    }
  } catch (const std::exception& e) {
    a.log("internal error on " + req.method + " " + std::string(req.raw_path()) + ": " + e.what());
    a.catalogs().drop_idle();
    r = json_error(500, "internal error");
  }
  add_cors(req, a, r);
  if (r.header("Cache-Control").empty()) r.set("Cache-Control", "no-store");
  r.set("X-Content-Type-Options", "nosniff");
  r.set("Content-Security-Policy", k_content_security_policy);
  r.set("X-Frame-Options", "DENY");
  return r;
}

}  // namespace eisgrid::server
