#include "base/iso_time.hpp"

#include <cstdio>

namespace eisgrid {

std::string iso8601_date(std::chrono::year_month_day date) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()));
  return buf;
}

std::string iso8601_local(std::chrono::year_month_day date, std::chrono::hh_mm_ss<std::chrono::seconds> time) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "T%02d:%02d:%02d", static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return iso8601_date(date) + buf;
}

std::string iso8601_utc(std::chrono::sys_seconds t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  return iso8601_local(std::chrono::year_month_day{day}, std::chrono::hh_mm_ss{t - day}) + "Z";
}

std::string iso8601_utc_ms(std::chrono::sys_time<std::chrono::milliseconds> t) {
  const auto second = std::chrono::floor<std::chrono::seconds>(t);
  const auto day = std::chrono::floor<std::chrono::days>(second);
  char buf[8];
  std::snprintf(buf, sizeof buf, ".%03dZ", static_cast<int>((t - second).count()));
  return iso8601_local(std::chrono::year_month_day{day}, std::chrono::hh_mm_ss{second - day}) + buf;
}

}  // namespace eisgrid
