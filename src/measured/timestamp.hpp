#pragma once
// Start times as instruments write them, turned into ISO 8601 text.

#include <optional>
#include <string>
#include <string_view>

namespace eisgrid::measured {

// "9/23/2024", "10-12-2018", "2024-09-23", "23.09.2024", "Thursday, July 19, 2018",
// "Feb. 20, 2020 15:55:08", "4/23/2018 16:43:15", "9:40:30 AM July 19, 2018".
// Numeric dates are month first, as the instruments' US defaults write them,
// unless the first number is a year (Y-M-D), above 12, or the separator is '.'
// (day first). Returns "2024-09-23" or "2024-09-23T16:43:15"; nothing when the
// text holds no valid date.
[[nodiscard]] std::optional<std::string> iso_timestamp(std::string_view text);

// `iso` (with a time of day) plus whole `seconds`; a date without a time stays as it is.
[[nodiscard]] std::string add_seconds(const std::string& iso, double seconds);

}  // namespace eisgrid::measured
