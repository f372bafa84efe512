#include "base/csv.hpp"

#include <charconv>

namespace eisgrid {
namespace {

// Whether a spreadsheet could read `text` as a formula: its first character
// starts one (= + - @), or is a tab or CR that some spreadsheets strip first.
bool starts_formula(std::string_view text) {
  return !text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos;
}

// A decimal number and nothing else ("-12", "+3.5e-2"), which a spreadsheet
// reads as that number; not "inf" or "nan", which it would read as names.
bool is_number(std::string_view text) {
  if (text.find_first_not_of("0123456789.eE+-") != std::string_view::npos) return false;
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string csv_text(std::string_view text, csv_quotes quotes) {
  std::string cell;
  if (starts_formula(text) && !is_number(text)) cell = "'";
  cell += text;
  if (quotes == csv_quotes::when_needed && cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string out = "\"";
  for (char c : cell) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace eisgrid
