#include "measured/measurement.hpp"

#include <array>
#include <utility>

namespace eisgrid::measured {
namespace {

constexpr std::array<std::pair<format, std::string_view>, 10> k_names{{
    {format::csv, "csv"},
    {format::nova, "nova"},
    {format::gamry, "gamry"},
    {format::biologic, "biologic"},
    {format::zplot, "zplot"},
    {format::autolab, "autolab"},
    {format::chinstruments, "chinstruments"},
    {format::parstat, "parstat"},
    {format::powersuite, "powersuite"},
    {format::versastudio, "versastudio"},
}};

}  // namespace

std::string_view to_string(format f) noexcept {
  for (const auto& [value, name] : k_names) {
    if (value == f) return name;
  }
  return "csv";
}

std::optional<format> parse_format(std::string_view name) noexcept {
  for (const auto& [value, text] : k_names) {
    if (text == name) return value;
  }
  return std::nullopt;
}

const std::vector<format>& all_formats() {
  static const std::vector<format> formats = [] {
    std::vector<format> all;
    for (const auto& entry : k_names) all.push_back(entry.first);
    return all;
  }();
  return formats;
}

}  // namespace eisgrid::measured
