// Helpers every endpoint shares: the JSON body and its keys, numbers and times.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <ctime>
#include <limits>

#include "base/error.hpp"
#include "base/untrusted_json.hpp"
#include "model/circuit.hpp"
#include "server/handlers.hpp"

namespace eisgrid::server {

using json = nlohmann::json;

void check_keys(const json& body, std::initializer_list<const char*> known) {
  for (const auto& item : body.items()) {
    const std::string& key = item.key();
    if (std::find_if(known.begin(), known.end(), [&](const char* k) { return key == k; }) == known.end()) {
      throw error(error_kind::usage, "unknown field '" + key + "'");
    }
  }
}

json number(double v) {
  if (!std::isfinite(v)) return nullptr;
  if (std::abs(v) > std::numeric_limits<float>::max()) return v;
  const float f = static_cast<float>(v);
  if (static_cast<double>(f) == v) {
    // A float32 value: print its shortest float text (1778.2794, not 1778.279418945...).
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, f);
    if (ec == std::errc()) {
      double shortest = v;
      std::from_chars(buf, end, shortest);
      return shortest;
    }
  }
  return v;
}

json params_object(const std::array<double, 5>& p) {
  json out = json::object();
  for (std::size_t k = 0; k < p.size(); ++k) out[std::string(model::k_param_names[k])] = number(p[k]);
  return out;
}

void append_number(std::string& out, double v, bool shortest_float) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[40];
  const bool fits = std::abs(v) <= std::numeric_limits<float>::max();
  const float f = fits ? static_cast<float>(v) : 0.0f;
  const auto [end, ec] = shortest_float && fits && static_cast<double>(f) == v ? std::to_chars(buf, buf + sizeof buf, f)
                                                                               : std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, ec == std::errc() ? end : buf);
}

std::string iso8601(std::filesystem::file_time_type t) {
  const auto sys = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::file_clock::to_sys(t));
  const std::time_t tt = std::chrono::system_clock::to_time_t(sys);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

json parse_body(const request& req) {
  json body;
  try {
    body = parse_untrusted_json(req.body);
  } catch (const error& e) {
    throw error(error_kind::invalid_input, std::string("the body is not usable JSON: ") + e.what());
  }
  if (!body.is_object()) throw error(error_kind::usage, "the body must be a JSON object");
  return body;
}

}  // namespace eisgrid::server
