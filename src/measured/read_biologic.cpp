// BioLogic EC-Lab (and BT-Lab) .mpt text exports: "EC-Lab ASCII FILE", then
// "Nb header lines : N" (the column names are on line N), settings such as
// "Acquisition started on : 02/04/2018 10:02:46", and a tab-separated table
// ("freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm", "|Z|/Ohm", "Phase(Z)/deg",
// "time/s", "cycle number", ...), with decimal commas in some locales. Each
// cycle is a sweep; its start time is the acquisition's plus the time of its
// first row. The file holds -Im(Z); the header says so.
#include <cmath>
#include <string>
#include <vector>

#include "measured/columns.hpp"
#include "measured/readers.hpp"
#include "measured/timestamp.hpp"

namespace eisgrid::measured {
namespace {

// Files without "Nb header lines" (an export without its header block) have
// the column names within the first lines.
constexpr std::size_t k_biologic_search_lines = 200;

std::optional<std::size_t> column_named(std::span<const std::string_view> header, std::string_view name) {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (starts_with_ci(header[i], name)) return i;
  }
  return std::nullopt;
}

}  // namespace

void read_biologic(const text_file& text, measurement& m) {
  const auto lines = text.lines();
  std::vector<std::string_view> header;
  std::optional<column_map> map;
  std::size_t header_index = 0;
  const auto count = parse_number(header_value(text, "Nb header lines", k_biologic_search_lines), '.');
  if (count) {
    if (!(*count >= 1 && *count <= static_cast<double>(lines.size()))) {
      text.fail(2, "'Nb header lines' is " + number_text(*count) + " but the file has " + std::to_string(lines.size()) + " lines");
    }
    header_index = static_cast<std::size_t>(*count) - 1;
    split_fields(text, lines[header_index], '\t', header);
    auto assignment = assign_columns(header);
    if (!assignment.map) text.fail(lines[header_index].number, "cannot assign the columns: " + assignment.problem);
    map = std::move(assignment.map);
  } else {
    for (; header_index < std::min(lines.size(), k_biologic_search_lines) && !map; ++header_index) {
      split_fields(text, lines[header_index], '\t', header);
      map = assign_columns(header).map;
    }
    if (!map) text.fail("no column header (freq/Hz, Re(Z)/Ohm, -Im(Z)/Ohm, ...) in its first lines");
    --header_index;
  }
  const auto cycle_column = column_named(header, "cycle number");
  const auto time_column = column_named(header, "time/s");
  const auto acquired = iso_timestamp(header_value(text, "Acquisition started on", header_index + 1));

  table_reader reader(text, std::move(*map), '\t');
  reader.require_complete_rows();
  std::optional<double> cycle;
  for (std::size_t i = header_index + 1; i < lines.size(); ++i) {
    if (trim(lines[i].text).empty()) continue;
    const auto fields = reader.fields(lines[i]);
    std::optional<double> row_cycle, row_time;
    if (cycle_column && *cycle_column < fields.size()) row_cycle = parse_number(fields[*cycle_column], reader.decimal());
    if (time_column && *time_column < fields.size()) row_time = parse_number(fields[*time_column], reader.decimal());
    if (m.sweeps.empty() || (row_cycle && cycle && *row_cycle != *cycle)) {
      sweep& s = new_sweep(text, m, lines[i].number);
      if (acquired) s.start_time = row_time ? add_seconds(*acquired, *row_time) : *acquired;
    }
    cycle = row_cycle;
    reader.append(lines[i], m.sweeps.back());
  }
  if (m.sweeps.empty()) text.fail(lines[header_index].number, "a header but no data rows below it");
}

}  // namespace eisgrid::measured
