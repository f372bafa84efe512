// Princeton Applied Research PowerSuite exports: a header line ("Frequency",
// "Zre", "Zimg") and tab-separated rows (lines end in \r\r\n). Z'' is signed
// (negative for a capacitive response); roles and units come from the header.
#include "measured/readers.hpp"
#include "measured/tables.hpp"

namespace eisgrid::measured {

void read_powersuite(const text_file& text, measurement& m) { read_tables(text, 0, table_rules{}, m); }

}  // namespace eisgrid::measured
