// The web page: "/" is index.html of the built page, "/assets/..." its files.
// Paths are checked character by character before touching the disk, so
// "..", backslashes and absolute paths never reach open().
#include <fcntl.h>
#include <sys/stat.h>

#include <array>
#include <cerrno>

#include "base/error.hpp"
#include "server/handlers.hpp"

namespace eisgrid::server {
namespace {

constexpr std::size_t k_max_asset_path = 512;

struct content_type {
  std::string_view extension, type;
};
constexpr std::array<content_type, 17> k_types{{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".ico", "image/x-icon"},
    {".webp", "image/webp"},
    {".woff", "font/woff"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
    {".wasm", "application/wasm"},
}};

std::string_view type_of(std::string_view path) {
  for (const auto& t : k_types) {
    if (path.size() > t.extension.size() && path.substr(path.size() - t.extension.size()) == t.extension) return t.type;
  }
  return "application/octet-stream";
}

// Segments of letters, digits, '.', '_', '-', '@', '+', separated by '/',
// none empty and none starting with '.'.
bool safe_relative(std::string_view p) {
  if (p.empty() || p.size() > k_max_asset_path) return false;
  bool segment_start = true;
  for (char c : p) {
    if (c == '/') {
      if (segment_start) return false;
      segment_start = true;
      continue;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
                    c == '@' || c == '+';
    if (!ok || (segment_start && c == '.')) return false;
    segment_start = false;
  }
  return !segment_start;
}

constexpr const char* k_placeholder = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>eisgrid</title></head>
<body>
<h1>eisgrid</h1>
<p>The API is running. The web page is not built: run <code>npm run build</code> in <code>web/</code>,
or start the server with <code>--web DIR</code>.</p>
<p>See <a href="/api/status">/api/status</a>, <a href="/api/datasets">/api/datasets</a> and
<a href="/api/openapi.json">/api/openapi.json</a>.</p>
</body></html>
)";

response file_response(const std::filesystem::path& path, std::string_view type, bool immutable) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return json_error(404, "not found");
  auto file = std::make_shared<file_handle>(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return json_error(404, "not found");
  response r;
  r.set("Content-Type", std::string(type));
  r.set("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
  r.file = file_part{file, 0, static_cast<std::uint64_t>(st.st_size)};
  return r;
}

}  // namespace

response serve_static(const request& /*req*/, const app& a, const std::string& path) {
  const auto& web = a.cfg().web;
  if (path == "/" || path == "/index.html") {
    if (web && std::filesystem::is_regular_file(*web / "index.html"))
      return file_response(*web / "index.html", type_of("index.html"), false);
    response r;
    r.body = k_placeholder;
    r.set("Content-Type", "text/html; charset=utf-8");
    return r;
  }
  constexpr std::string_view k_assets = "/assets/";
  if (web && path.compare(0, k_assets.size(), k_assets) == 0) {
    const std::string_view rel = std::string_view(path).substr(1);
    if (!safe_relative(rel)) return json_error(404, "not found");
    return file_response(*web / std::string(rel), type_of(rel), true);
  }
  // Top-level files of the build (favicon.svg and the like).
  if (web && path.size() > 1 && path.find('/', 1) == std::string::npos && safe_relative(std::string_view(path).substr(1))) {
    return file_response(*web / path.substr(1), type_of(path), false);
  }
  return json_error(404, "not found: " + path);
}

}  // namespace eisgrid::server
