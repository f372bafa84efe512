// Autolab FRA ASCII files (written by the Autolab FRA and GPES software):
// quoted title lines ("Z60W Data File: Version 1.1"), a line of settings, a
// line with the number of points, a quoted line of blank-separated column
// names ("Freq (Hz)  Ampl  Bias  Time(Sec)  Z'(a)  Z''(b)  GD  Err  Range"),
// then comma-separated rows. Z'' is signed. Fewer rows than announced means
// the sweep ended early: kept, with a warning. Old ZPlotW files and ZPlot files
// without a comment block share this layout (read_zplot.cpp).
#include <string>
#include <vector>

#include "measured/columns.hpp"
#include "measured/readers.hpp"

namespace eisgrid::measured {
namespace {

constexpr std::size_t k_named_columns_search_lines = 100;

std::string_view unquoted(std::string_view t) {
  t = trim(t);
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
  return t;
}

// The first line whose fields are all numbers, with at least `fields` of them.
std::optional<std::size_t> first_row_of_numbers(const text_file& text, std::size_t fields) {
  const auto lines = text.lines();
  std::vector<std::string_view> row;
  for (std::size_t i = 0; i < std::min(lines.size(), k_named_columns_search_lines); ++i) {
    const std::string_view t = trim(lines[i].text);
    if (t.empty()) continue;
    split_fields(text, lines[i], guess_delimiter(t), row);
    if (row.size() >= fields && all_numbers(row)) return i;
  }
  return std::nullopt;
}

}  // namespace

void read_named_columns(const text_file& text, measurement& m, const std::optional<column_map>& fixed_order) {
  const auto lines = text.lines();
  std::vector<std::string_view> header;
  std::optional<column_map> columns;
  std::size_t header_index = 0;
  for (; header_index < std::min(lines.size(), k_named_columns_search_lines); ++header_index) {
    const std::string_view names = unquoted(lines[header_index].text);
    if (names.empty()) continue;
    split_header(text, {names, lines[header_index].number}, guess_delimiter(names), header);
    auto assignment = assign_columns(header);
    if (assignment.map) {
      columns = std::move(assignment.map);
      break;
    }
  }
  std::size_t first_row = header_index + 1;
  const bool named = columns.has_value();
  if (!columns && fixed_order) {
    if (const auto row = first_row_of_numbers(text, fixed_order->header_fields)) {
      columns = fixed_order;
      first_row = *row;
      header_index = *row > 0 ? *row - 1 : 0;
    }
  }
  if (!columns) text.fail("no line naming the columns (Freq (Hz), Z'(a), Z''(b), ...) in its first lines");
  // ZPlot names the count ("Data Points: 56"); the FRA layout puts it alone on the line above the names.
  auto announced = parse_number(header_value(text, "Data Points", first_row), '.');
  if (!announced && named && header_index > 0) announced = parse_number(unquoted(lines[header_index - 1].text), '.');

  std::optional<table_reader> reader;
  for (std::size_t i = first_row; i < lines.size(); ++i) {
    const std::string_view t = trim(lines[i].text);
    if (t.empty()) continue;
    if (!reader) {
      reader.emplace(text, *columns, guess_delimiter(t));
      reader->require_complete_rows();
      new_sweep(text, m, lines[i].number);
    }
    reader->append(lines[i], m.sweeps.back());
  }
  if (m.sweeps.empty()) text.fail(lines[header_index].number, "a header but no data rows below it");
  if (announced) warn_if_ended_early(m.sweeps.back(), *announced, "the file");
}

void read_autolab(const text_file& text, measurement& m) { read_named_columns(text, m, std::nullopt); }

}  // namespace eisgrid::measured
