// Scribner ZPlot/ZView .z files: "ZPLOT2 ASCII", "Key: value" settings
// ("Date: 10-12-2018", "Time: 11:04:34", "Data Points: 56"), the column names
// on the line before "End Comments" in newer files ("Freq(Hz)", "Ampl",
// "Bias", "Time(Sec)", "Z'(a)", "Z''(b)", "GD", "Err", "Range"; older files
// have no such line and this fixed order), then the rows. Z'' is signed. Fewer
// rows than announced means the sweep ended early: kept, with a warning.
// Files without that comment block (old ZPlotW: a quoted title line such as
// "ZPlotW Data File: Version 2.6b", a point count, a quoted line of column
// names, comma-separated rows) have the Autolab FRA layout, read as such.
#include <string>
#include <vector>

#include "measured/columns.hpp"
#include "measured/readers.hpp"
#include "measured/timestamp.hpp"

namespace eisgrid::measured {
namespace {

constexpr std::size_t k_zplot_search_lines = 1000;

// ZPlot's documented column order: frequency first, Z' fifth, Z'' sixth.
column_map zplot_columns() {
  column_map map;
  map.frequency = {0, column_role{quantity::frequency, 1, false, "Hz"}, "Freq(Hz)"};
  map.real = assigned_column{4, column_role{quantity::real, 1, false, ""}, "Z'(a)"};
  map.imag = assigned_column{5, column_role{quantity::imag, 1, false, ""}, "Z''(b)"};
  map.header_fields = 6;
  return map;
}

}  // namespace

void read_zplot(const text_file& text, measurement& m) {
  const auto lines = text.lines();
  std::size_t end_comments = 0;
  while (end_comments < std::min(lines.size(), k_zplot_search_lines) && !starts_with_ci(trim(lines[end_comments].text), "End Comments")) {
    ++end_comments;
  }
  if (end_comments >= std::min(lines.size(), k_zplot_search_lines)) {
    // Without the comment block only ZPlot's title line tells a ZPlot file from any table.
    if (!zplot_title(text)) text.fail("no 'End Comments' line, after which ZPlot writes the data, and no ZPlot title line");
    read_named_columns(text, m, zplot_columns());
    m.sweeps.back().start_time = iso_timestamp(std::string(header_value(text, "Date", m.sweeps.back().first_line)) + " " +
                                               std::string(header_value(text, "Time", m.sweeps.back().first_line)));
    return;
  }
  column_map columns = zplot_columns();
  if (end_comments > 0) {
    std::vector<std::string_view> header;
    const auto& names = lines[end_comments - 1];
    split_header(text, names, guess_delimiter(trim(names.text)), header);
    if (auto assignment = assign_columns(header); assignment.map) columns = std::move(*assignment.map);
  }
  const auto start =
      iso_timestamp(std::string(header_value(text, "Date", end_comments)) + " " + std::string(header_value(text, "Time", end_comments)));
  const auto announced = parse_number(header_value(text, "Data Points", end_comments), '.');

  std::optional<table_reader> reader;
  for (std::size_t i = end_comments + 1; i < lines.size(); ++i) {
    const std::string_view t = trim(lines[i].text);
    if (t.empty()) continue;
    if (!reader) {
      reader.emplace(text, columns, guess_delimiter(t));
      reader->require_complete_rows();
      new_sweep(text, m, lines[i].number).start_time = start;
    }
    reader->append(lines[i], m.sweeps.back());
  }
  if (m.sweeps.empty()) text.fail(lines[end_comments].number, "no data rows after 'End Comments'");
  if (announced) warn_if_ended_early(m.sweeps.back(), *announced, "the header");
}

}  // namespace eisgrid::measured
