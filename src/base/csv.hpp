#pragma once
// Text cells of the CSV files eisgrid writes (`fit --summary`, `spectra --csv`,
// the API's fits CSV): RFC 4180 quoting, and no formula for a spreadsheet to
// run. A file name, a sample field or a note is the caller's text; a cell
// "=HYPERLINK(...)" or "+SUM(1+1)" would be evaluated when the CSV is
// opened, so a cell that starts with = + - @, a tab or a carriage return
// gets a leading ' (OWASP's advice on CSV injection), unless the whole cell is
// a number ("-1.5e3" stays a number). The web page's CSV (web/src/csv.ts)
// follows the same rule.

#include <string>
#include <string_view>

namespace eisgrid {

enum class csv_quotes {
  when_needed,  // only a cell with a comma, a quote or a line break
  always,
};

// `text` as one CSV cell, neutralised as above and quoted (quotes doubled).
[[nodiscard]] std::string csv_text(std::string_view text, csv_quotes quotes = csv_quotes::when_needed);

}  // namespace eisgrid
