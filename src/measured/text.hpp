#pragma once
// The text layer every reader shares: a file's bytes as numbered lines of
// UTF-8 (BOM, CRLF, UTF-16 and Latin-1 handled, binary refused), fields, numbers with a decimal
// point or comma, and the limits that bound what one file may cost.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace eisgrid::measured {

// A measurement file is a few kilobytes to a few megabytes; these bound a
// hostile or mistaken one (a 10^7-row log) before it costs memory.
inline constexpr std::size_t k_max_file_bytes = std::size_t{128} << 20;
inline constexpr std::size_t k_max_rows = 2'000'000;  // lines of one file
inline constexpr std::size_t k_max_sweeps = 100'000;
inline constexpr std::size_t k_max_fields = 1024;  // fields of one line
// Above what any electrochemical impedance analyser measures (the fastest,
// BioLogic's MTZ-35, stops at 35 MHz): such a value means a wrong unit.
inline constexpr double k_max_frequency_hz = 5e7;

struct text_line {
  std::string_view text;  // without its line end
  std::size_t number;     // 1-based
};

class text_file {
 public:
  // Throws error(invalid_input) for binary content and error(too_large) for
  // more than k_max_file_bytes or k_max_rows lines, naming the file.
  text_file(std::string name, std::string_view bytes);
  text_file(const text_file&) = delete;
  text_file& operator=(const text_file&) = delete;

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] std::span<const text_line> lines() const noexcept { return lines_; }
  // "file 'x' line N"
  [[nodiscard]] std::string where(std::size_t line) const;
  // Throw error(invalid_input) "file 'x' line N: reason" / "file 'x': reason".
  [[noreturn]] void fail(std::size_t line, const std::string& reason) const;
  [[noreturn]] void fail(const std::string& reason) const;

 private:
  std::string name_;
  std::string decoded_;  // UTF-8 text of a UTF-16 or Latin-1 file; empty otherwise
  std::vector<text_line> lines_;
};

[[nodiscard]] std::string_view trim(std::string_view s) noexcept;
[[nodiscard]] bool starts_with_ci(std::string_view s, std::string_view prefix) noexcept;
[[nodiscard]] bool contains_ci(std::string_view s, std::string_view part) noexcept;

// Splits a line at `delimiter` (' ' means runs of blanks), trimming fields and
// removing the quotes of a quoted field. Throws through `text` when a line has
// more than k_max_fields fields.
void split_fields(const text_file& text, const text_line& line, char delimiter, std::vector<std::string_view>& fields);
// Tab, then ';', then ',' if the line has one; otherwise blanks.
[[nodiscard]] char guess_delimiter(std::string_view line) noexcept;
// ',' when a field holds a comma (only a decimal comma can be inside a field), else '.'.
[[nodiscard]] char guess_decimal(std::span<const std::string_view> fields) noexcept;

// A whole field as a number with `decimal` as its decimal mark; a leading '+'
// is allowed. NaN and infinities parse (callers refuse them with a reason).
[[nodiscard]] std::optional<double> parse_number(std::string_view field, char decimal) noexcept;
// Every field a number with one of the two decimal marks (and at least one field).
[[nodiscard]] bool all_numbers(std::span<const std::string_view> fields) noexcept;

// The value of the first of the first `limit` lines that starts with `key`
// (case-insensitive), after the key and any ':', '=' and blanks: the
// "Key : value" and "Key=value" lines of instrument headers. Empty if none.
[[nodiscard]] std::string_view header_value(const text_file& text, std::string_view key, std::size_t limit);

}  // namespace eisgrid::measured
