// POST /api/models/<name>/spectrum: a model's impedance at given frequencies
// from its own C++ kernel (the descriptor's `impedance`), so that the page
// draws every model's curve without a copy of its formula (issue 22).

#include <complex>
#include <numbers>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "base/utf8.hpp"
#include "model/models.hpp"
#include "server/handlers.hpp"

namespace eisgrid::server {
namespace {

using nlohmann::json;

constexpr double k_degrees_per_radian = 180.0 / std::numbers::pi;

std::string parameter_names(const model::circuit_model& m) {
  std::string out;
  for (const auto& p : m.parameters) out += (out.empty() ? "" : ", ") + std::string(p.name);
  return out;
}

const model::circuit_model& model_named(std::string_view name) {
  const auto* m = model::find_model(name);
  if (m == nullptr) {
    throw error(error_kind::usage, "unknown model '" + printable(name) + "'; the models are " + model::model_names());
  }
  return *m;
}

// The values of every parameter of `m`, in its order; each named once, finite.
std::vector<double> parameter_values(const model::circuit_model& m, const json& body) {
  const auto it = body.find("params");
  if (it == body.end() || !it->is_object()) {
    throw error(error_kind::usage, "'params' must be an object of the parameters of " + std::string(m.name) + ": " + parameter_names(m));
  }
  std::vector<double> values(m.count());
  for (const auto& [key, value] : it->items()) {
    const auto k = m.index_of(key);
    if (!k) {
      throw error(error_kind::usage, "unknown parameter '" + printable(key) + "' of model " + std::string(m.name) +
                                         "; its parameters are " + parameter_names(m));
    }
    // JSON has no infinity or NaN: a non-finite value arrives as null or a
    // string (parse_body refuses a number that overflows a double).
    if (!value.is_number()) {
      throw error(error_kind::usage, "parameter '" + key + "' must be a finite number");
    }
    values[*k] = value.get<double>();
  }
  for (const auto& p : m.parameters) {
    if (!it->contains(p.name)) {
      throw error(error_kind::usage, "missing parameter '" + std::string(p.name) + "' of model " + std::string(m.name) +
                                         "; its parameters are " + parameter_names(m));
    }
  }
  return values;
}

std::vector<double> frequencies_of(const json& body) {
  const auto it = body.find("frequencies");
  const std::string wanted =
      "'frequencies' must be a list of 1 to " + std::to_string(k_max_spectrum_frequencies) + " frequencies in Hz above 0";
  if (it == body.end() || !it->is_array() || it->empty() || it->size() > k_max_spectrum_frequencies) throw error(error_kind::usage, wanted);
  std::vector<double> out;
  out.reserve(it->size());
  for (const auto& f : *it) {
    if (!f.is_number() || !(f.get<double>() > 0)) throw error(error_kind::usage, wanted);
    out.push_back(f.get<double>());
  }
  return out;
}

}  // namespace

response post_model_spectrum(const request& req, std::string_view model_name) {
  const auto& m = model_named(model_name);
  const auto body = parse_body(req);
  check_keys(body, {"params", "frequencies"});
  const auto values = parameter_values(m, body);
  const auto frequencies = frequencies_of(body);
  json rows = json::array();
  for (const double f : frequencies) {
    // A value the formula overflows (an Rsh near 1e154 squares past a
    // double) comes back as null through number(), not as a wrong finite one.
    const auto z = m.impedance(values, f);
    rows.push_back({number(z.real()), number(z.imag()), number(std::abs(z)), number(std::arg(z) * k_degrees_per_radian)});
  }
  return json_success({{"model", m.name}, {"frequencies", frequencies}, {"rows", std::move(rows)}});
}

}  // namespace eisgrid::server
