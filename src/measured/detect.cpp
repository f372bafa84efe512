// Detection by content: each instrument's export has a signature in its first
// lines. The extension decides only when none is found, and a plain table is
// the rest.
#include <algorithm>
#include <string>
#include <vector>

#include "measured/columns.hpp"
#include "measured/readers.hpp"
#include "measured/timestamp.hpp"

namespace eisgrid::measured {
namespace {

constexpr std::size_t k_detect_lines = 100;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  return out;
}

std::optional<format> by_extension(std::string_view extension) {
  const std::string ext = lower(extension);
  if (ext == ".dta") return format::gamry;
  if (ext == ".mpt") return format::biologic;
  if (ext == ".z") return format::zplot;
  if (ext == ".par") return format::versastudio;
  return std::nullopt;
}

}  // namespace

bool zplot_title(const text_file& text) {
  for (const auto& line : text.lines()) {
    std::string_view t = trim(line.text);
    if (t.empty()) continue;
    if (t.front() == '"') t = trim(t.substr(1));
    return starts_with_ci(t, "ZPLOT");
  }
  return false;
}

format detect_format(const text_file& text, std::string_view extension) {
  const auto all = text.lines();
  const auto lines = all.first(std::min(all.size(), k_detect_lines));
  std::size_t first = 0;
  while (first < lines.size() && trim(lines[first].text).empty()) ++first;
  if (first == lines.size()) return by_extension(extension).value_or(format::csv);
  const std::string_view head = trim(lines[first].text);

  if (head == "EXPLAIN") return format::gamry;
  if (starts_with_ci(head, "EC-Lab ASCII FILE") || starts_with_ci(head, "BT-Lab ASCII FILE")) return format::biologic;
  if (zplot_title(text)) return format::zplot;
  auto any_line = [&](auto predicate) {
    return std::any_of(lines.begin(), lines.end(), [&](const text_line& l) { return predicate(trim(l.text)); });
  };
  if (any_line([](std::string_view t) { return t.starts_with("ZCURVE\tTABLE"); })) return format::gamry;
  if (head == "<Application>" || any_line([](std::string_view t) { return t.starts_with("<Segment"); })) return format::versastudio;
  if (any_line([](std::string_view t) { return t == "A.C. Impedance" || (t.starts_with("Instrument Model:") && contains_ci(t, "CHI")); })) {
    return format::chinstruments;
  }
  if (any_line([](std::string_view t) { return contains_ci(t, "freq/Hz") && contains_ci(t, "Re(Z)/Ohm"); })) return format::biologic;
  if (any_line([](std::string_view t) { return starts_with_ci(t, "End Comments"); })) return format::zplot;
  // Autolab FRA files open with one quoted title; a plain table may quote each header field.
  if (head.size() >= 2 && head.front() == '"' && head.back() == '"' && std::count(head.begin(), head.end(), '"') == 2) {
    return format::autolab;
  }
  if (any_line([](std::string_view t) { return contains_ci(t, "Zre (ohms)") && contains_ci(t, "Zim (ohms)"); })) return format::parstat;
  if (any_line([](std::string_view t) { return contains_ci(t, "Zre") && contains_ci(t, "Zimg") && contains_ci(t, "Frequency"); })) {
    return format::powersuite;
  }
  // NOVA names its columns "Frequency (Hz)", "Z' (Ω)", "-Z'' (Ω)" and puts a
  // date line before each sweep.
  if (any_line([](std::string_view t) { return t.find("Frequency (Hz)") != t.npos && t.find("Z' (\xCE\xA9)") != t.npos; }) ||
      (first + 1 < lines.size() && iso_timestamp(head) && head.find_first_of("\t;,") == std::string_view::npos)) {
    return format::nova;
  }
  return by_extension(extension).value_or(format::csv);
}

}  // namespace eisgrid::measured
