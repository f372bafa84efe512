// Princeton Applied Research VersaStudio .par files: sections in angle
// brackets ("<Experiment>" with "DateAcquired=Thursday, July 19, 2018" and
// "TimeAcquired=9:40:30 AM"; one "<SegmentN>" per segment of the experiment,
// with "Definition=" naming the comma-separated columns: "Frequency(Hz)",
// "Z Real", "Z Imag", ...). Each segment with a frequency and an impedance is a
// sweep; DC segments are skipped. Z Imag is signed.
#include <string>
#include <vector>

#include "measured/columns.hpp"
#include "measured/readers.hpp"
#include "measured/timestamp.hpp"

namespace eisgrid::measured {

void read_versastudio(const text_file& text, measurement& m) {
  const auto lines = text.lines();
  const auto start = iso_timestamp(std::string(header_value(text, "DateAcquired", lines.size())) + " " +
                                   std::string(header_value(text, "TimeAcquired", lines.size())));
  std::vector<std::string_view> header;
  std::string problem;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view t = trim(lines[i].text);
    if (!t.starts_with("<Segment")) continue;
    std::size_t row = i + 1;
    while (row < lines.size() && !trim(lines[row].text).starts_with("Definition=") && !trim(lines[row].text).starts_with("</")) ++row;
    if (row == lines.size() || !trim(lines[row].text).starts_with("Definition=")) continue;
    const std::string_view definition = trim(lines[row].text).substr(std::string_view("Definition=").size());
    split_fields(text, {definition, lines[row].number}, ',', header);
    auto assignment = assign_columns(header);
    if (!assignment.map) {
      problem = "line " + std::to_string(lines[row].number) + ": " + assignment.problem;
      i = row;
      continue;
    }
    table_reader reader(text, std::move(*assignment.map), ',');
    sweep& s = new_sweep(text, m, lines[i].number);
    s.start_time = start;
    for (++row; row < lines.size() && !trim(lines[row].text).starts_with("</"); ++row) {
      if (!trim(lines[row].text).empty()) reader.append(lines[row], s);
    }
    if (s.z.empty()) text.fail(lines[i].number, "an impedance segment without data rows");
    i = row;
  }
  if (m.sweeps.empty()) text.fail("no segment with frequency and impedance columns (" + (problem.empty() ? "no segments" : problem) + ")");
}

}  // namespace eisgrid::measured
