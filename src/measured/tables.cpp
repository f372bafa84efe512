#include "measured/tables.hpp"

#include <algorithm>
#include <cstdio>
#include <numbers>
#include <optional>
#include <vector>

#include "measured/cell_layer.hpp"
#include "measured/columns.hpp"
#include "measured/timestamp.hpp"

namespace eisgrid::measured {
namespace {

// A point counts for the sign check when |Z''| is above this share of |Z|
// (noise around a real axis crossing carries no sign information).
constexpr double k_sign_noise_share = 0.01;
// The header's sign is contradicted when at least this share of such points,
// and at least k_min_signed_points of them, have Z'' > 0 (inductive).
constexpr double k_contradicting_share = 0.8;
constexpr std::size_t k_min_signed_points = 3;

// The top of a sweep that ends "in the MHz range".
constexpr double k_mhz_range_hz = 1e6;

// At a frequency column in kHz or MHz, whether the sweep ends in the MHz range
// while its arc is, at that unit, smaller in capacitance than any cell layer
// (measured/cell_layer.hpp) and, at Hz, a cell layer's: the values are most
// likely in Hz under a header that says otherwise (issue 18). The arc's
// capacitance is that of a parallel RC with the same apex of -Z'' (R/2 at
// omega = 1/RC), which is enough for a question about a factor of 1000.
// Returns the question to ask, or nothing.
std::optional<std::string> frequency_unit_question(const column_map& columns, const sweep& s) {
  const auto& column = columns.frequency;
  const double scale = column.role.scale;
  if (scale <= 1 || s.frequencies.empty()) return std::nullopt;
  const double top = *std::max_element(s.frequencies.begin(), s.frequencies.end());
  if (top < k_mhz_range_hz) return std::nullopt;
  std::size_t apex = 0;
  for (std::size_t i = 1; i < s.z.size(); ++i) {
    if (s.z[i].imag() < s.z[apex].imag()) apex = i;
  }
  const double height = -s.z[apex].imag();
  if (!(height > 0)) return std::nullopt;
  const double capacitance = 1 / (2 * std::numbers::pi * s.frequencies[apex] * 2 * height);
  const double at_hz = capacitance * scale;
  if (capacitance >= k_min_tec || at_hz < k_min_tec || at_hz > k_max_tec) return std::nullopt;
  char text[480];
  std::snprintf(text, sizeof text,
                "column '%s' gives the frequencies in %s, which makes the sweep end at %.3g Hz with its arc's apex at %.3g Hz, a "
                "capacitance of about %.3g F, less than any cell layer has (%.3g F); read in Hz, the arc is a cell layer's (%.3g F "
                "at %.3g Hz). If the values are in Hz, say so in the header ('frequency_Hz'); if they are in %s, this is not a "
                "cell layer's spectrum",
                column.header.c_str(), column.role.unit.c_str(), top, s.frequencies[apex], capacitance, k_min_tec, at_hz,
                s.frequencies[apex] / scale, column.role.unit.c_str());
  return std::string(text);
}

bool numeric(std::string_view field) { return parse_number(field, '.') || parse_number(field, ','); }

// Columns of a header without one: frequency, Z', Z'' in Hz and ohm.
column_map three_columns() {
  column_map map;
  map.frequency = {0, column_role{quantity::frequency, 1, false, ""}, "column 1 (frequency)"};
  map.real = assigned_column{1, column_role{quantity::real, 1, false, ""}, "column 2 (Z')"};
  map.imag = assigned_column{2, column_role{quantity::imag, 1, false, ""}, "column 3 (Z'')"};
  map.header_fields = 3;
  return map;
}

class table_state {
 public:
  table_state(const text_file& text, const table_rules& rules, measurement& m) : text_(text), rules_(rules), m_(m) {}

  void line(const text_line& line) {
    const std::string_view t = trim(line.text);
    if (t.empty() || t.front() == '#') return;
    split_fields(text_, line, reader_ ? delimiter_ : guess_delimiter(t), fields_);
    if (fields_.empty()) return;
    // A data row has a number where the table has its frequency (the first
    // field before any table is known).
    const std::size_t key = reader_ ? reader_->columns().frequency.index : 0;
    const bool data = key < fields_.size() && numeric(fields_[key]);
    if (rules_.date_lines && !data && t.find_first_of("\t;") == std::string_view::npos) {
      if (auto date = iso_timestamp(t)) {
        finish_sweep();
        reader_.reset();
        preamble_.clear();
        date_ = std::move(date);
        return;
      }
    }
    if (data) {
      if (!reader_) start_table(line);
      row(line);
      return;
    }
    if (reader_) {
      std::vector<std::string_view> header;
      split_header(text_, line, guess_delimiter(t), header);
      if (!assign_columns(header).map) reader_->append(line, current(line));  // throws, naming the field
      finish_sweep();
      reader_.reset();
    }
    preamble_.push_back(&line);
  }

  void finish() {
    finish_sweep();
    if (m_.sweeps.empty()) {
      if (!preamble_.empty()) text_.fail(preamble_.back()->number, "a header but no data rows below it");
      text_.fail("no data rows");
    }
  }

 private:
  sweep& current(const text_line& line) {
    if (!in_sweep_) {
      new_sweep(text_, m_, line.number);
      in_sweep_ = true;
      m_.sweeps.back().start_time = date_;
    }
    return m_.sweeps.back();
  }

  void finish_sweep() {
    if (!in_sweep_) return;
    in_sweep_ = false;
    if (const auto question = frequency_unit_question(reader_->columns(), m_.sweeps.back())) text_.fail(header_line_, *question);
    if (rules_.check_sign) check_imaginary_sign(text_, reader_->columns(), m_.sweeps.back(), header_line_, has_header_);
  }

  void start_table(const text_line& first_data) {
    delimiter_ = guess_delimiter(first_data.text);
    std::optional<column_map> map;
    std::string problem;
    for (std::size_t k = preamble_.size(); k-- > 0 && !map;) {
      const text_line& h = *preamble_[k];
      const char d = h.text.find(delimiter_) != std::string_view::npos ? delimiter_ : guess_delimiter(h.text);
      std::vector<std::string_view> header, units;
      split_header(text_, h, d, header);
      if (k + 1 < preamble_.size()) split_header(text_, *preamble_[k + 1], d, units);
      auto assignment = assign_columns(header, units);
      if (k + 1 == preamble_.size()) problem = assignment.problem;
      map = std::move(assignment.map);
      header_line_ = h.number;
    }
    has_header_ = map.has_value();
    if (!map) {
      if (!preamble_.empty()) text_.fail(preamble_.back()->number, "cannot assign the columns: " + problem);
      split_fields(text_, first_data, delimiter_, fields_);
      if (!rules_.headerless_three_columns || fields_.size() != 3) {
        text_.fail(first_data.number, "no header line, and " + std::to_string(fields_.size()) +
                                          " columns: without a header a table must have exactly 3 (frequency in Hz, Z' and Z'' in ohm)");
      }
      map = three_columns();
      header_line_ = first_data.number;
    }
    reader_.emplace(text_, std::move(*map), delimiter_);
    if (rules_.check_sign) reader_->require_exact_rows();
    preamble_.clear();
  }

  void row(const text_line& line) {
    if (rules_.dc_rows_separate_sweeps && dc_row(line)) {
      finish_sweep();
      return;
    }
    reader_->append(line, current(line));
    date_.reset();
  }

  bool dc_row(const text_line& line) {
    const auto fields = reader_->fields(line);
    const auto& c = reader_->columns();
    for (const auto* column : {&c.frequency, c.real ? &*c.real : nullptr, c.imag ? &*c.imag : nullptr}) {
      if (column == nullptr || column->index >= fields.size()) return false;
      const auto v = parse_number(fields[column->index], reader_->decimal());
      if (!v || *v != 0) return false;
    }
    return true;
  }

  const text_file& text_;
  const table_rules& rules_;
  measurement& m_;
  std::optional<table_reader> reader_;
  char delimiter_ = ',';
  std::vector<const text_line*> preamble_;
  std::vector<std::string_view> fields_;
  std::optional<std::string> date_;
  std::size_t header_line_ = 0;
  bool has_header_ = false;
  bool in_sweep_ = false;
};

}  // namespace

void read_tables(const text_file& text, std::size_t first_line, const table_rules& rules, measurement& m) {
  table_state state(text, rules, m);
  const auto lines = text.lines();
  for (std::size_t i = first_line; i < lines.size(); ++i) state.line(lines[i]);
  state.finish();
}

void check_imaginary_sign(const text_file& text, const column_map& columns, const sweep& s, std::size_t header_line, bool has_header) {
  std::size_t signed_points = 0, inductive = 0;
  for (const auto& z : s.z) {
    if (std::abs(z.imag()) <= k_sign_noise_share * std::abs(z)) continue;
    ++signed_points;
    if (z.imag() > 0) ++inductive;
  }
  if (signed_points < k_min_signed_points || static_cast<double>(inductive) < k_contradicting_share * static_cast<double>(signed_points)) {
    return;
  }
  const std::string counts = std::to_string(inductive) + " of " + std::to_string(signed_points) + " frequencies";
  const std::string physics = "Z'' > 0 (inductive) nearly everywhere, which no network of resistors and capacitors gives";
  if (!has_header) {
    text.fail(header_line, "no header line, so the third column is Z''; it is positive at " + counts + ": " + physics +
                               ". If it holds -Z'', say so with a header line such as 'frequency,real,-imag'");
  }
  const assigned_column& sign_column = columns.polar() ? *columns.phase : *columns.imag;
  const std::string held =
      columns.polar() ? (sign_column.role.negated ? "minus the phase" : "the phase") : (sign_column.role.negated ? "-Z''" : "Z''");
  text.fail(header_line, "column '" + sign_column.header + "' holds " + held + " by its header, which makes " + physics + " (at " + counts +
                             "): the header's sign contradicts the data" +
                             (sign_column.role.negated ? "; drop the '-' if the column holds Z'' itself"
                                                       : "; write '-' before the name if the column holds minus it"));
}

}  // namespace eisgrid::measured
