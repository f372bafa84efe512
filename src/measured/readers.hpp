#pragma once
// One reader per format, each in its own file (read_<format>.cpp), and the
// detection by content. A reader fills `m.sweeps` from the text, or throws
// through the text file naming the line and the reason.

#include <optional>
#include <string_view>

#include "measured/columns.hpp"
#include "measured/measurement.hpp"
#include "measured/text.hpp"

namespace eisgrid::measured {

void read_csv(const text_file& text, measurement& m);
void read_nova(const text_file& text, measurement& m);
void read_gamry(const text_file& text, measurement& m);
void read_biologic(const text_file& text, measurement& m);
void read_zplot(const text_file& text, measurement& m);
void read_autolab(const text_file& text, measurement& m);
void read_chinstruments(const text_file& text, measurement& m);
void read_parstat(const text_file& text, measurement& m);
void read_powersuite(const text_file& text, measurement& m);
void read_versastudio(const text_file& text, measurement& m);

// The layout of Autolab FRA files, old ZPlotW files and ZPlot files without a
// comment block: title lines, a line naming the columns (quoted or not) found
// by its names, then the rows. The point count is ZPlot's "Data Points" line
// or the number on the line above the names; fewer rows give the warning
// "aborted: ended early". Without a line of names, `fixed_order` (if given)
// reads from the first row of numbers. Defined in read_autolab.cpp.
void read_named_columns(const text_file& text, measurement& m, const std::optional<column_map>& fixed_order);

// Whether the first non-blank line is ZPlot's title: "ZPLOT2 ASCII", or quoted
// in older files ("ZPlotW Data File: Version 2.6b"). Defined in detect.cpp.
[[nodiscard]] bool zplot_title(const text_file& text);

// The format of `text` by its content; `extension` (".DTA", lower or upper
// case) decides only when the content shows no instrument's signature.
[[nodiscard]] format detect_format(const text_file& text, std::string_view extension);

}  // namespace eisgrid::measured
