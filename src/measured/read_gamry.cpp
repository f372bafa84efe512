// Gamry Framework .DTA files: tagged header lines ("DATE\tLABEL\t4/23/2018\tDate",
// "TIME\tLABEL\t16:43:15\tTime"), then tables; each "ZCURVE\tTABLE[\tN]" is
// one sweep: a line of column names ("Pt", "Time", "Freq", "Zreal", "Zimag",
// "Zsig", "Zmod", "Zphz", ...), a line of units ("Hz", "ohm", ...), and rows
// that start with a tab, up to the next tag. Zimag is signed. A measurement
// that was stopped has fewer rows than announced, or an EXPERIMENTABORTED tag
// set to T: the sweep is kept, with a warning.
#include <string>
#include <vector>

#include "measured/columns.hpp"
#include "measured/readers.hpp"
#include "measured/timestamp.hpp"

namespace eisgrid::measured {
namespace {

// Tags are near the top, but EXPERIMENTABORTED comes after the data.
constexpr std::size_t k_gamry_header_lines = 200;

std::optional<std::string> gamry_start(const text_file& text) {
  std::vector<std::string_view> fields;
  std::string date, time;
  for (const auto& line : text.lines().first(std::min(k_gamry_header_lines, text.lines().size()))) {
    if (!line.text.starts_with("DATE\t") && !line.text.starts_with("TIME\t")) continue;
    split_fields(text, line, '\t', fields);
    if (fields.size() < 3) continue;
    (line.text.starts_with("DATE") ? date : time) = std::string(fields[2]);
  }
  return date.empty() ? std::nullopt : iso_timestamp(date + " " + time);
}

bool aborted(const text_file& text) {
  std::vector<std::string_view> fields;
  for (const auto& line : text.lines()) {
    if (!line.text.starts_with("EXPERIMENTABORTED")) continue;
    split_fields(text, line, '\t', fields);
    if (fields.size() >= 3 && fields[2] == "T") return true;
  }
  return false;
}

}  // namespace

void read_gamry(const text_file& text, measurement& m) {
  const auto lines = text.lines();
  const auto start = gamry_start(text);
  const bool stopped = aborted(text);
  std::vector<std::string_view> fields, header, units;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i].text.starts_with("ZCURVE")) continue;
    split_fields(text, lines[i], '\t', fields);
    if (fields.size() < 2 || fields[1] != "TABLE") continue;
    // The point count the table line announces; 0 when it names none.
    const double announced = fields.size() > 2 ? parse_number(fields[2], '.').value_or(0) : 0;
    if (i + 2 >= lines.size()) text.fail(lines[i].number, "a ZCURVE table without its column and unit lines (the file is truncated)");
    split_fields(text, lines[i + 1], '\t', header);
    split_fields(text, lines[i + 2], '\t', units);
    auto assignment = assign_columns(header, units);
    if (!assignment.map) text.fail(lines[i + 1].number, "cannot assign the ZCURVE columns: " + assignment.problem);
    table_reader reader(text, std::move(*assignment.map), '\t');
    reader.require_complete_rows();
    sweep& s = new_sweep(text, m, lines[i].number);
    s.start_time = start;
    std::size_t row = i + 3;
    for (; row < lines.size() && !lines[row].text.empty() && (lines[row].text.front() == '\t' || lines[row].text.front() == ' '); ++row) {
      reader.append(lines[row], s);
    }
    if (s.z.empty()) text.fail(lines[i].number, "a ZCURVE table without data rows");
    if (!warn_if_ended_early(s, announced, "the table") && stopped) {
      s.warnings.push_back("aborted: ended early (the file says EXPERIMENTABORTED)");
    }
    i = row - 1;
  }
  if (m.sweeps.empty()) text.fail("no ZCURVE table: this Gamry file holds no impedance measurement");
}

}  // namespace eisgrid::measured
