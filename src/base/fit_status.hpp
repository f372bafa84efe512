#pragma once
// The verdict on one fitted sweep (SPEC 9, 10; fit/status.hpp says when each
// applies). One type for the fit that gives it and the catalog that stores it,
// here because the catalog is below the fit.

#include <optional>
#include <string_view>

namespace eisgrid {

enum class fit_status { ok, poor_fit, invalid_data };

// An out-of-range value reads as invalid_data: never as a fit to trust.
[[nodiscard]] constexpr std::string_view to_string(fit_status s) noexcept {
  switch (s) {
    case fit_status::ok: return "ok";
    case fit_status::poor_fit: return "poor_fit";
    case fit_status::invalid_data: return "invalid_data";
  }
  return "invalid_data";
}

[[nodiscard]] constexpr std::optional<fit_status> parse_fit_status(std::string_view text) noexcept {
  for (const auto s : {fit_status::ok, fit_status::poor_fit, fit_status::invalid_data}) {
    if (text == to_string(s)) return s;
  }
  return std::nullopt;
}

}  // namespace eisgrid
