#include "catalog/params_by_name.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

namespace eisgrid::catalog::detail {

using json = nlohmann::json;

std::string params_by_name(std::span<const model::parameter_spec> parameters, std::span<const double> values) {
  json out = json::object();
  for (std::size_t k = 0; k < parameters.size() && k < values.size(); ++k) {
    out[std::string(parameters[k].name)] = std::isfinite(values[k]) ? json(values[k]) : json(nullptr);
  }
  return out.dump();
}

std::vector<double> params_from_names(std::span<const model::parameter_spec> parameters, std::string_view text) {
  const auto object = json::parse(text, nullptr, false);
  if (!object.is_object()) return {};
  std::vector<double> values;
  for (const auto& p : parameters) {
    const auto it = object.find(std::string(p.name));
    values.push_back(it != object.end() && it->is_number() ? it->get<double>() : std::nan(""));
  }
  return values;
}

}  // namespace eisgrid::catalog::detail
