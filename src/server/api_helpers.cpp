// Helpers every endpoint shares: the JSON body and its keys, numbers.
#include <algorithm>

#include "base/error.hpp"
#include "base/json_number.hpp"
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

json number(double v) { return finite_or_null(with_float_text(v)); }

json params_object(const std::array<double, 5>& p) {
  json out = json::object();
  for (std::size_t k = 0; k < p.size(); ++k) out[std::string(model::k_param_names[k])] = number(p[k]);
  return out;
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
