// Princeton Applied Research Parstat exports: one tab-separated table
// ("Potential (V)", "Current (A)", "Elapsed Time (s)", "Frequency (Hz)",
// "Zre (ohms)", "Zim (ohms)", ...) holding the DC segments of the experiment
// as rows with frequency, Zre and Zim all 0, and each impedance sweep as rows
// with a frequency. DC rows are skipped and separate sweeps. Zim is signed.
#include "measured/readers.hpp"
#include "measured/tables.hpp"

namespace eisgrid::measured {

void read_parstat(const text_file& text, measurement& m) {
  table_rules rules;
  rules.dc_rows_separate_sweeps = true;
  read_tables(text, 0, rules, m);
}

}  // namespace eisgrid::measured
