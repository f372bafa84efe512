#pragma once
// ISO 8601 text of dates and times, the one form of every time eisgrid writes.
// A UTC instant ends in 'Z'; a clock time whose zone is unknown (an
// instrument's, written in its local time) has no zone, rather than a wrong one.

#include <chrono>
#include <string>

namespace eisgrid {

// "2026-12-06".
[[nodiscard]] std::string iso8601_date(std::chrono::year_month_day date);
// "2026-12-06T05:54:20": a date and time of day of no known zone.
[[nodiscard]] std::string iso8601_local(std::chrono::year_month_day date, std::chrono::hh_mm_ss<std::chrono::seconds> time);
// "2026-12-06T05:54:20Z".
[[nodiscard]] std::string iso8601_utc(std::chrono::sys_seconds t);
// "2026-12-06T05:54:20.123Z": where one second holds many events to order.
[[nodiscard]] std::string iso8601_utc_ms(std::chrono::sys_time<std::chrono::milliseconds> t);

}  // namespace eisgrid
