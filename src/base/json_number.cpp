#include "base/json_number.hpp"

#include <array>
#include <charconv>
#include <limits>

namespace eisgrid {
namespace {

// Enough for any shortest double ("-2.2250738585072014e-308" is 24).
constexpr std::size_t k_max_text = 32;

// The shortest text of v in buf, its end returned.
template <class Real>
char* write_shortest(std::array<char, k_max_text>& buf, Real v) noexcept {
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return ec == std::errc() ? end : buf.data();
}

// A float equal to v, when there is one.
bool as_float(double v, float& f) noexcept {
  if (!(std::abs(v) <= std::numeric_limits<float>::max())) return false;
  f = static_cast<float>(v);
  return static_cast<double>(f) == v;
}

}  // namespace

std::string shortest_text(double v) {
  std::array<char, k_max_text> buf{};
  return {buf.data(), write_shortest(buf, v)};
}

std::string shortest_text(float v) {
  std::array<char, k_max_text> buf{};
  return {buf.data(), write_shortest(buf, v)};
}

double with_float_text(double v) noexcept {
  float f = 0;
  if (!as_float(v, f)) return v;
  std::array<char, k_max_text> buf{};
  double shortest = v;
  std::from_chars(buf.data(), write_shortest(buf, f), shortest);
  return shortest;
}

void append_json_number(std::string& out, double v, bool shortest_float) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  // Written in place: the hot endpoints append thousands of numbers.
  std::array<char, k_max_text> buf{};
  float f = 0;
  out.append(buf.data(), shortest_float && as_float(v, f) ? write_shortest(buf, f) : write_shortest(buf, v));
}

}  // namespace eisgrid
