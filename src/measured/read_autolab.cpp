// Autolab FRA ASCII files (written by the Autolab FRA and GPES software):
// quoted title lines ("Z60W Data File: Version 1.1"), a line of settings, a
// line with the number of points, a quoted line of blank-separated column
// names ("Freq (Hz)  Ampl  Bias  Time(Sec)  Z'(a)  Z''(b)  GD  Err  Range"),
// then comma-separated rows. Z'' is signed. Fewer rows than announced means
// the sweep ended early: kept, with a warning.
#include <string>
#include <vector>

#include "measured/columns.hpp"
#include "measured/readers.hpp"

namespace eisgrid::measured {
namespace {

constexpr std::size_t k_autolab_search_lines = 100;

std::string_view unquoted(std::string_view t) {
  t = trim(t);
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
  return t;
}

}  // namespace

void read_autolab(const text_file& text, measurement& m) {
  const auto lines = text.lines();
  std::vector<std::string_view> header;
  std::optional<column_map> columns;
  std::size_t header_index = 0;
  for (; header_index < std::min(lines.size(), k_autolab_search_lines); ++header_index) {
    const std::string_view names = unquoted(lines[header_index].text);
    if (names.empty()) continue;
    split_header(text, {names, lines[header_index].number}, guess_delimiter(names), header);
    auto assignment = assign_columns(header);
    if (assignment.map) {
      columns = std::move(assignment.map);
      break;
    }
  }
  if (!columns) text.fail("no line naming the columns (Freq (Hz), Z'(a), Z''(b), ...) in its first lines");
  std::optional<double> announced;
  if (header_index > 0) announced = parse_number(lines[header_index - 1].text, '.');

  std::optional<table_reader> reader;
  for (std::size_t i = header_index + 1; i < lines.size(); ++i) {
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
  const sweep& s = m.sweeps.back();
  if (announced && static_cast<double>(s.z.size()) < *announced) {
    m.sweeps.back().warnings.push_back("aborted: ended early, " + std::to_string(s.z.size()) + " of the " + number_text(*announced) +
                                       " points the file announces");
  }
}

}  // namespace eisgrid::measured
