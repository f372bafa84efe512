#pragma once
// Column roles from header text, as SPEC 9 lists them: frequency
// (freq/frequency/f), Z' (Z'/Zre/Re(Z)/real), Z'' (Z''/-Z''/-Im(Z)/Zim/imag),
// or |Z| and phase; units from the header (mHz/Hz/kHz/MHz, mOhm/Ohm/kOhm/MOhm,
// deg/rad), in "(unit)", "[unit]", "/unit" or "_unit", or on a units line of
// their own. A leading '-' (or "neg"/"minus") means the column holds minus the
// quantity, as NOVA's "-Z''" and BioLogic's "-Im(Z)" do.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "measured/measurement.hpp"
#include "measured/text.hpp"

namespace eisgrid::measured {

enum class quantity { frequency, real, imag, magnitude, phase };

struct column_role {
  measured::quantity quantity = quantity::frequency;
  double scale = 1;      // Hz, ohm or radians per unit of the field, times -1 when negated
  bool negated = false;  // the header says the column holds minus the quantity
  std::string unit;      // as written ("kHz"), empty when the header names none
};

// The role of one column, or nothing (Time, Idc, Re(Y), ...). `unit` is the
// column's entry on a separate units line, used when the header names none.
[[nodiscard]] std::optional<column_role> role_of(std::string_view header, std::string_view unit = {});

struct assigned_column {
  std::size_t index = 0;
  column_role role;
  std::string header;
};

// Which field holds what. Either real and imag, or magnitude and phase.
struct column_map {
  assigned_column frequency;
  std::optional<assigned_column> real, imag, magnitude, phase;
  std::size_t header_fields = 0;  // fields of the header line

  [[nodiscard]] bool polar() const noexcept { return !(real && imag); }
};

struct column_assignment {
  std::optional<column_map> map;
  std::string problem;  // why there is no map: "no frequency column among 'a', 'b'"
};

// Assigns the columns of a header line. Blank-separated headers ("Freq (Hz)  Zre")
// have their "(unit)" tokens joined to the name before them by split_header.
[[nodiscard]] column_assignment assign_columns(std::span<const std::string_view> header, std::span<const std::string_view> units = {});

// Splits a header line like split_fields, then joins a blank-separated "(Hz)"
// or "[Hz]" token to the name before it.
void split_header(const text_file& text, const text_line& line, char delimiter, std::vector<std::string_view>& fields);

// Reads the data rows of one table into sweeps.
class table_reader {
 public:
  table_reader(const text_file& text, column_map columns, char delimiter);

  // Converts one data row and appends it to `s`. Throws through the text file,
  // naming the line, field and column: a missing field, a field that is not a
  // number, NaN or an infinity, a frequency that is not positive, or one above
  // k_max_frequency_hz (a unit that contradicts the values).
  void append(const text_line& line, sweep& s);
  // Splits `line` into its fields (valid until the next call).
  std::span<const std::string_view> fields(const text_line& line);
  // Instruments write every field of every row: a shorter row is truncated.
  void require_complete_rows() noexcept { complete_rows_ = true; }
  // A plain table has as many fields in every row as in its header.
  void require_exact_rows() noexcept { exact_rows_ = true; }
  [[nodiscard]] const column_map& columns() const noexcept { return columns_; }
  [[nodiscard]] char decimal() const noexcept { return decimal_; }

 private:
  [[nodiscard]] double value(const text_line& line, const assigned_column& column) const;

  const text_file& text_;
  column_map columns_;
  char delimiter_;
  char decimal_ = '.';
  bool decimal_fixed_ = false;  // by the first row with a decimal mark
  bool complete_rows_ = false;
  bool exact_rows_ = false;
  std::vector<std::string_view> fields_;
};

// Adds a sweep to `m`, refusing more than k_max_sweeps (error too_large).
sweep& new_sweep(const text_file& text, measurement& m, std::size_t line);

// Warns "aborted: ended early, N of the M points <source> announces" when `s`
// has fewer points than `announced` (the header, the file, the table); every
// reader words it alike, as `spectra` and the page show it. Whether it warned.
bool warn_if_ended_early(sweep& s, double announced, std::string_view source);

}  // namespace eisgrid::measured
