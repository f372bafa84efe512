#include "catalog/connection.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>

#include "base/error.hpp"

namespace eisgrid::catalog {

bool row::is_null(std::size_t i) const { return std::holds_alternative<std::monostate>(values_.at(i)); }

std::int64_t row::get_int(std::size_t i) const {
  const auto& v = values_.at(i);
  if (const auto* n = std::get_if<std::int64_t>(&v)) return *n;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  if (const auto* s = std::get_if<std::string>(&v)) {
    if (*s == "t") return 1;
    if (*s == "f") return 0;
    return std::strtoll(s->c_str(), nullptr, 10);
  }
  throw error(error_kind::internal, "catalog: NULL where an integer was expected");
}

double row::get_double(std::size_t i) const {
  const auto& v = values_.at(i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return static_cast<double>(*n);
  // strtod reads PostgreSQL's "Infinity", "-Infinity" and "NaN" too.
  if (const auto* s = std::get_if<std::string>(&v)) return std::strtod(s->c_str(), nullptr);
  return std::numeric_limits<double>::quiet_NaN();
}

std::string row::get_text(std::size_t i) const {
  const auto& v = values_.at(i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) return std::to_string(*d);
  return {};
}

bool row::get_bool(std::size_t i) const { return !is_null(i) && get_int(i) != 0; }

std::optional<std::int64_t> row::get_optional_int(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return get_int(i);
}

}  // namespace eisgrid::catalog
