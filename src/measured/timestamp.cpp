#include "measured/timestamp.hpp"

#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

#include "base/iso_time.hpp"
#include "measured/text.hpp"

namespace eisgrid::measured {
namespace {

constexpr std::array<std::string_view, 12> k_months{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr int k_max_digits = 9;        // no field of a date has more
constexpr double k_max_offset = 1e10;  // seconds; about 300 years

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

struct parsed_number {
  int value;
  int digits;
};

}  // namespace

std::optional<std::string> iso_timestamp(std::string_view text) {
  std::vector<parsed_number> numbers;
  char separator = 0;
  int named_month = 0;
  int hour = -1, minute = 0, second = 0;
  bool am = false, pm = false;
  std::size_t i = 0;
  auto read_number = [&](std::size_t& at, int& digits) {
    int value = 0;
    digits = 0;
    while (at < text.size() && is_digit(text[at])) {
      if (digits < k_max_digits) value = value * 10 + (text[at] - '0');
      ++digits;
      ++at;
    }
    return value;
  };
  while (i < text.size()) {
    if (is_digit(text[i])) {
      int digits = 0;
      const int value = read_number(i, digits);
      if (digits > k_max_digits) return std::nullopt;
      if (i < text.size() && text[i] == ':' && hour < 0) {
        hour = value;
        ++i;
        minute = read_number(i, digits);
        if (i < text.size() && text[i] == ':') {
          ++i;
          second = read_number(i, digits);
          while (i < text.size() && (text[i] == '.' || is_digit(text[i]))) ++i;  // fractions of a second
        }
        continue;
      }
      numbers.push_back({value, digits});
      if (separator == 0 && i < text.size() && (text[i] == '/' || text[i] == '-' || text[i] == '.')) separator = text[i];
    } else if (is_alpha(text[i])) {
      const std::size_t start = i;
      while (i < text.size() && is_alpha(text[i])) ++i;
      const std::string_view word = text.substr(start, i - start);
      if (word.size() == 2 && starts_with_ci(word, "am")) am = true;
      if (word.size() == 2 && starts_with_ci(word, "pm")) pm = true;
      for (std::size_t m = 0; m < k_months.size(); ++m) {
        if (word.size() >= 3 && starts_with_ci(word, k_months[m]) && named_month == 0) named_month = static_cast<int>(m) + 1;
      }
    } else {
      ++i;
    }
  }
  int year = 0, month = 0, day = 0;
  if (named_month != 0) {
    if (numbers.size() != 2) return std::nullopt;
    month = named_month;
    const bool year_first = numbers[0].digits == 4;
    year = numbers[year_first ? 0 : 1].value;
    day = numbers[year_first ? 1 : 0].value;
  } else {
    if (numbers.size() != 3) return std::nullopt;
    if (numbers[0].digits == 4) {
      year = numbers[0].value, month = numbers[1].value, day = numbers[2].value;
    } else if (separator == '.' || numbers[0].value > 12) {
      day = numbers[0].value, month = numbers[1].value, year = numbers[2].value;
    } else {
      month = numbers[0].value, day = numbers[1].value, year = numbers[2].value;
    }
  }
  if (year < 100) year += 2000;
  using namespace std::chrono;
  const year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                            std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return std::nullopt;
  if (hour < 0) return iso8601_date(date);
  if (pm && hour < 12) hour += 12;
  if (am && hour == 12) hour = 0;
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  return iso8601_local(date, hh_mm_ss<seconds>(hours{hour} + minutes{minute} + seconds{second}));
}

std::string add_seconds(const std::string& iso, double offset) {
  int y = 0;
  unsigned mo = 0, d = 0;
  int h = 0, mi = 0, s = 0;
  if (!(offset >= 0 && offset < k_max_offset) || std::sscanf(iso.c_str(), "%d-%u-%uT%d:%d:%d", &y, &mo, &d, &h, &mi, &s) != 6) return iso;
  using namespace std::chrono;
  const sys_seconds start = sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s};
  const sys_seconds t = start + seconds{static_cast<long long>(std::floor(offset))};
  const auto date = floor<days>(t);
  return iso8601_local(year_month_day{date}, hh_mm_ss<seconds>(t - date));
}

}  // namespace eisgrid::measured
