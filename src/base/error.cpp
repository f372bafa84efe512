#include "base/error.hpp"

#include <cstring>

namespace eisgrid {

int exit_code(error_kind kind) noexcept { return kind == error_kind::usage ? 2 : 1; }

int http_status(error_kind kind) noexcept {
  switch (kind) {
    case error_kind::usage:
    case error_kind::invalid_input: return 400;
    case error_kind::unauthorized: return 401;
    case error_kind::forbidden: return 403;
    case error_kind::not_found: return 404;
    case error_kind::conflict: return 409;
    case error_kind::too_large: return 413;
    case error_kind::cancelled: return 409;
    case error_kind::io:
    case error_kind::internal: return 500;
  }
  return 500;
}

const char* to_string(error_kind kind) noexcept {
  switch (kind) {
    case error_kind::usage: return "usage";
    case error_kind::invalid_input: return "invalid input";
    case error_kind::not_found: return "not found";
    case error_kind::forbidden: return "forbidden";
    case error_kind::unauthorized: return "unauthorized";
    case error_kind::conflict: return "conflict";
    case error_kind::too_large: return "too large";
    case error_kind::cancelled: return "cancelled";
    case error_kind::io: return "i/o error";
    case error_kind::internal: return "internal error";
  }
  return "error";
}

error system_error(error_kind kind, const std::string& what, int err) { return error(kind, what + ": " + std::strerror(err)); }

}  // namespace eisgrid
