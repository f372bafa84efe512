// Plain CSV, TSV, semicolon and blank-separated tables (SPEC 9): any preamble,
// a header whose names give the columns' roles, signs and units (a units line
// below it is read too), decimal commas where the delimiter is not a comma;
// without a header, three columns: frequency (Hz), Z' and Z'' (ohm). Lines
// starting with '#' are comments. A later header line starts another sweep.
// The header is the user's, so a Z'' whose sign contradicts it is refused.
#include "measured/readers.hpp"
#include "measured/tables.hpp"

namespace eisgrid::measured {

void read_csv(const text_file& text, measurement& m) {
  table_rules rules;
  rules.headerless_three_columns = true;
  rules.check_sign = true;
  read_tables(text, 0, rules, m);
}

}  // namespace eisgrid::measured
