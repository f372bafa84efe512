#include "server/http.hpp"

#include <unistd.h>

#include <algorithm>

#include "base/ascii.hpp"

namespace eisgrid::server {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

file_handle::~file_handle() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    if (c == '\0') return std::nullopt;
    out.push_back(c);
  }
  return out;
}

std::string_view request::raw_path() const {
  std::string_view t = target;
  return t.substr(0, t.find('?'));
}

std::optional<std::string> request::path() const {
  const auto raw = raw_path();
  if (raw.empty() || raw.front() != '/') return std::nullopt;
  return percent_decode(raw, false);
}

std::optional<std::string> request::query(std::string_view name) const {
  const std::size_t q = target.find('?');
  if (q == std::string::npos) return std::nullopt;
  std::string_view rest = std::string_view(target).substr(q + 1);
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view item = rest.substr(0, amp);
    const std::size_t eq = item.find('=');
    const auto key = percent_decode(item.substr(0, eq), true);
    if (key && *key == name) {
      const auto value = eq == std::string_view::npos ? std::optional<std::string>("") : percent_decode(item.substr(eq + 1), true);
      // A malformed value is returned as a value no parser accepts.
      return value ? value : std::optional<std::string>("%");
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::string request::header(std::string_view lower_name) const {
  const auto it = headers.find(std::string(lower_name));
  return it == headers.end() ? std::string() : it->second;
}

void response::set(std::string name, std::string value) {
  for (auto& [n, v] : headers) {
    if (equals_ignoring_case(n, name)) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

std::string response::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (equals_ignoring_case(n, name)) return v;
  }
  return {};
}

response json_response(const nlohmann::json& body, int status) {
  response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.set("Content-Type", "application/json");
  return r;
}

response json_success(nlohmann::json fields, int status) {
  nlohmann::json body = nlohmann::json::object();
  body["status"] = "success";
  for (auto& [k, v] : fields.items()) body[k] = std::move(v);
  return json_response(body, status);
}

response json_error(int status, const std::string& message) { return json_response({{"status", "error"}, {"message", message}}, status); }

std::size_t body_limit(std::string_view method, std::string_view target) noexcept {
  const auto path = target.substr(0, target.find('?'));
  return method == "POST" && path == "/api/measurements" ? k_max_upload_bytes : k_max_body_bytes;
}

bool needs_credentials(std::string_view method, std::string_view target) noexcept {
  if (method != "POST" && method != "PUT" && method != "PATCH" && method != "DELETE") return false;
  const auto path = target.substr(0, target.find('?'));
  if (path.substr(0, 5) != "/api/") return false;
  if (method == "POST") {
    for (const std::string_view read : {"/api/load/", "/api/spectrum/", "/api/search/", "/api/models/"}) {
      if (path.substr(0, read.size()) == read) return false;
    }
  }
  return true;
}

std::string limit_text(std::size_t bytes) {
  return bytes >= (std::size_t{1} << 20) ? std::to_string(bytes >> 20) + " MiB" : std::to_string(bytes >> 10) + " KiB";
}

}  // namespace eisgrid::server
