#pragma once
// Tables under header lines, the shape most exports share: optional preamble
// lines, a header line naming the columns (optionally a units line below it),
// then data rows; a new header line after data starts a new sweep. Readers of
// plain tables, NOVA, CH Instruments, Parstat and PowerSuite are this plus
// their own rules.

#include <cstddef>

#include "measured/measurement.hpp"
#include "measured/text.hpp"

namespace eisgrid::measured {

struct table_rules {
  // A date alone on a line gives the next sweep its start time (NOVA).
  bool date_lines = false;
  // Without a header line, exactly three columns: frequency, Z', Z'' (plain tables).
  bool headerless_three_columns = false;
  // Rows with frequency, Z' and Z'' all 0 are DC points that separate sweeps (Parstat).
  bool dc_rows_separate_sweeps = false;
  // The header is the user's: refuse a sweep whose Z'' has, nearly everywhere,
  // the sign opposite to what its header says (plain tables).
  bool check_sign = false;
};

// Reads lines [first_line, end) of `text` into sweeps of `m`. Throws through
// `text` (file, line, reason) for rows that do not fit, a header that names no
// frequency and impedance columns, or no data at all.
void read_tables(const text_file& text, std::size_t first_line, const table_rules& rules, measurement& m);

// The sign check of table_rules::check_sign on one sweep, for readers that
// take their header from the user. `header_line` is where the message points.
void check_imaginary_sign(const text_file& text, const struct column_map& columns, const sweep& s, std::size_t header_line,
                          bool has_header);

}  // namespace eisgrid::measured
