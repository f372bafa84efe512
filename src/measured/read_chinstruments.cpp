// CH Instruments A.C. impedance exports: a date and time on the first line
// ("Feb. 20, 2020   15:55:08"), "Key = value" settings, a header line
// ("Freq/Hz, Z'/ohm, Z"/ohm, Z/ohm, Phase/deg"), then comma-separated rows.
// Z" is signed (negative for a capacitive response).
#include "measured/readers.hpp"
#include "measured/tables.hpp"
#include "measured/timestamp.hpp"

namespace eisgrid::measured {

void read_chinstruments(const text_file& text, measurement& m) {
  read_tables(text, 0, table_rules{}, m);
  if (!text.lines().empty()) {
    if (auto start = iso_timestamp(text.lines().front().text)) m.sweeps.front().start_time = std::move(start);
  }
}

}  // namespace eisgrid::measured
