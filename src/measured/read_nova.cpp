// Metrohm Autolab NOVA text exports: each sweep after a date line ("9/23/2024")
// and a header line ("Time (s)", "Frequency (Hz)", "Z' (Ω)", "-Z'' (Ω)",
// "Z (Ω)", "-Phase (°)", ...), tab- or semicolon-separated, decimal commas in
// some locales. The file holds -Z''; the header says so and the columns' signs
// are taken from it, as are their order and units.
#include "measured/readers.hpp"
#include "measured/tables.hpp"

namespace eisgrid::measured {

void read_nova(const text_file& text, measurement& m) {
  table_rules rules;
  rules.date_lines = true;
  read_tables(text, 0, rules, m);
}

}  // namespace eisgrid::measured
