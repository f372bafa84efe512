#pragma once
// One reader per format, each in its own file (read_<format>.cpp), and the
// detection by content. A reader fills `m.sweeps` from the text, or throws
// through the text file naming the line and the reason.

#include <string_view>

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

// The format of `text` by its content; `extension` (".DTA", lower or upper
// case) decides only when the content shows no instrument's signature.
[[nodiscard]] format detect_format(const text_file& text, std::string_view extension);

}  // namespace eisgrid::measured
