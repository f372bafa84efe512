// BioLogic EC-Lab (and BT-Lab) .mpt text exports: "EC-Lab ASCII FILE", then
// "Nb header lines : N" (the column names are on line N), settings such as
// "Acquisition started on : 02/04/2018 10:02:46", and a tab-separated table
// ("freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm", "|Z|/Ohm", "Phase(Z)/deg",
// "time/s", "cycle number" or "z cycle", ...), with decimal commas in some
// locales. Each cycle is a sweep; its start time is the acquisition's plus the time of its
// first row. The file holds -Im(Z); the header says so. EC-Lab writes rows with
// frequency 0 and no impedance for the rest and OCV steps inside an impedance
// technique (GEIS, PEIS): they are skipped, and the next sweep says how many.
#include <cmath>
#include <string>
#include <vector>

#include "base/json_number.hpp"
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

// A rest or OCV row: frequency 0 and every impedance field 0 or empty. A zero
// frequency beside a real impedance is not this, and append() refuses it.
// The row's own decimal mark: rest rows may come before the first row that fixes the table's.
bool is_rest_row(const column_map& c, std::span<const std::string_view> fields) {
  const char decimal = guess_decimal(fields);
  auto zero_or_empty = [&](const std::optional<assigned_column>& column) {
    if (!column || column->index >= fields.size() || trim(fields[column->index]).empty()) return true;
    const auto v = parse_number(fields[column->index], decimal);
    return v && *v == 0;
  };
  if (c.frequency.index >= fields.size()) return false;
  const auto f = parse_number(fields[c.frequency.index], decimal);
  return f && *f == 0 && zero_or_empty(c.real) && zero_or_empty(c.imag) && zero_or_empty(c.magnitude);
}

std::string rest_rows_warning(std::size_t rows, std::size_t first_line, std::size_t last_line) {
  return "skipped " + std::to_string(rows) + (rows == 1 ? " row" : " rows") + " (lines " + std::to_string(first_line) + "-" +
         std::to_string(last_line) + ") with frequency 0 and no impedance: rest or OCV steps, not impedance points";
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
      text.fail("'Nb header lines' is " + shortest_text(*count) + " but the file has " + std::to_string(lines.size()) + " lines");
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
  // Newer EC-Lab versions count impedance cycles in "z cycle"; older ones in "cycle number".
  auto cycle_column = column_named(header, "z cycle");
  if (!cycle_column) cycle_column = column_named(header, "cycle number");
  const auto time_column = column_named(header, "time/s");
  const auto acquired = iso_timestamp(header_value(text, "Acquisition started on", header_index + 1));

  table_reader reader(text, std::move(*map), '\t');
  reader.require_complete_rows();
  std::optional<double> cycle;
  std::size_t rest_rows = 0, rest_first = 0, rest_last = 0;  // skipped since the last appended row
  for (std::size_t i = header_index + 1; i < lines.size(); ++i) {
    if (trim(lines[i].text).empty()) continue;
    const auto fields = reader.fields(lines[i]);
    if (is_rest_row(reader.columns(), fields)) {
      if (rest_rows++ == 0) rest_first = lines[i].number;
      rest_last = lines[i].number;
      continue;
    }
    std::optional<double> row_cycle, row_time;
    if (cycle_column && *cycle_column < fields.size()) row_cycle = parse_number(fields[*cycle_column], reader.decimal());
    if (time_column && *time_column < fields.size()) row_time = parse_number(fields[*time_column], reader.decimal());
    if (m.sweeps.empty() || (row_cycle && cycle && *row_cycle != *cycle)) {
      sweep& s = new_sweep(text, m, lines[i].number);
      if (acquired) s.start_time = row_time ? add_seconds(*acquired, *row_time) : *acquired;
    }
    cycle = row_cycle;
    reader.append(lines[i], m.sweeps.back());
    if (rest_rows > 0) {
      m.sweeps.back().warnings.push_back(rest_rows_warning(rest_rows, rest_first, rest_last));
      rest_rows = 0;
    }
  }
  if (m.sweeps.empty() && rest_rows > 0) {
    text.fail(lines[header_index].number, "no impedance rows: all " + std::to_string(rest_rows) +
                                              " rows below the header have frequency 0 and no impedance (rest or OCV steps)");
  }
  if (m.sweeps.empty()) text.fail(lines[header_index].number, "a header but no data rows below it");
  if (rest_rows > 0) m.sweeps.back().warnings.push_back(rest_rows_warning(rest_rows, rest_first, rest_last));
}

}  // namespace eisgrid::measured
