#include "measured/columns.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include "base/error.hpp"
#include "base/json_number.hpp"

namespace eisgrid::measured {
namespace {

enum class dimension { frequency, resistance, angle };

struct unit_value {
  measured::dimension dimension;
  double scale;
};

struct named_role {
  std::string_view name;
  measured::quantity quantity;
};

// Header names after normalize(): lower case, no blanks, '_' or '.', quotes as '.
constexpr std::array<named_role, 56> k_names{{
    {"f", quantity::frequency},
    {"freq", quantity::frequency},
    {"frequency", quantity::frequency},
    {"frequencies", quantity::frequency},
    {"frequenz", quantity::frequency},
    {"z'", quantity::real},
    {"zre", quantity::real},
    {"re(z)", quantity::real},
    {"rez", quantity::real},
    {"real", quantity::real},
    {"zreal", quantity::real},
    {"z'(a)", quantity::real},
    {"zr", quantity::real},
    {"re", quantity::real},
    {"realz", quantity::real},
    {"real(z)", quantity::real},
    {"zrealpart", quantity::real},
    {"z''", quantity::imag},
    {"zim", quantity::imag},
    {"im(z)", quantity::imag},
    {"imz", quantity::imag},
    {"imag", quantity::imag},
    {"imaginary", quantity::imag},
    {"zimag", quantity::imag},
    {"z''(b)", quantity::imag},
    {"zimg", quantity::imag},
    {"zi", quantity::imag},
    {"im", quantity::imag},
    {"imagz", quantity::imag},
    {"imag(z)", quantity::imag},
    {"zimaginary", quantity::imag},
    {"zimagpart", quantity::imag},
    {"|z|", quantity::magnitude},
    {"z", quantity::magnitude},
    {"zmod", quantity::magnitude},
    {"mod(z)", quantity::magnitude},
    {"modz", quantity::magnitude},
    {"modulus", quantity::magnitude},
    {"magnitude", quantity::magnitude},
    {"abs(z)", quantity::magnitude},
    {"absz", quantity::magnitude},
    {"zmag", quantity::magnitude},
    {"zabs", quantity::magnitude},
    {"phase", quantity::phase},
    {"phase(z)", quantity::phase},
    {"zphz", quantity::phase},
    {"phz", quantity::phase},
    {"phi", quantity::phase},
    {"theta", quantity::phase},
    {"zphase", quantity::phase},
    {"phaseangle", quantity::phase},
    {"arg(z)", quantity::phase},
    {"angle", quantity::phase},
    {"phase(deg)", quantity::phase},
    {"zphi", quantity::phase},
    {"zangle", quantity::phase},
}};

constexpr std::string_view k_quantity_names[] = {"frequency", "Z'", "Z''", "|Z|", "phase"};

dimension dimension_of(quantity q) noexcept {
  switch (q) {
    case quantity::frequency: return dimension::frequency;
    case quantity::phase: return dimension::angle;
    default: return dimension::resistance;
  }
}

// "Hz", "kHz", "MOhm", "Ω", "deg", "°", "rad"; prefixes are case-sensitive (m milli, M mega).
std::optional<unit_value> unit_of(std::string_view text) {
  text = trim(text);
  if (text.size() >= 2 && ((text.front() == '(' && text.back() == ')') || (text.front() == '[' && text.back() == ']'))) {
    text = trim(text.substr(1, text.size() - 2));
  }
  if (text.empty()) return std::nullopt;
  for (std::string_view deg : {"deg", "degree", "degrees", "\xC2\xB0", "\xC2\xBA", "\xB0"}) {
    if (text.size() == deg.size() && starts_with_ci(text, deg)) return unit_value{dimension::angle, std::numbers::pi / 180};
  }
  for (std::string_view rad : {"rad", "radian", "radians"}) {
    if (text.size() == rad.size() && starts_with_ci(text, rad)) return unit_value{dimension::angle, 1};
  }
  double prefix = 1;
  std::string_view base = text;
  switch (text.front()) {
    case 'm': prefix = 1e-3; break;
    case 'k':
    case 'K': prefix = 1e3; break;
    case 'M': prefix = 1e6; break;
    case 'G': prefix = 1e9; break;
    default: break;
  }
  auto base_dimension = [](std::string_view b) -> std::optional<dimension> {
    if (b.size() == 2 && starts_with_ci(b, "hz")) return dimension::frequency;
    for (std::string_view ohm : {"ohm", "ohms", "\xCE\xA9", "\xE2\x84\xA6"}) {
      if (b.size() == ohm.size() && starts_with_ci(b, ohm)) return dimension::resistance;
    }
    return std::nullopt;
  };
  if (const auto d = base_dimension(base)) return unit_value{*d, 1};
  if (prefix != 1) {
    base.remove_prefix(1);
    if (const auto d = base_dimension(base)) return unit_value{*d, prefix};
  }
  return std::nullopt;
}

// Splits "Frequency (Hz)", "Re(Z)/Ohm", "frequency_kHz", "Zre ohms" into name and unit.
std::pair<std::string_view, std::string_view> split_unit(std::string_view header) {
  header = trim(header);
  if (!header.empty() && (header.back() == ')' || header.back() == ']')) {
    const char open = header.back() == ')' ? '(' : '[';
    const std::size_t at = header.rfind(open);
    if (at != std::string_view::npos && at > 0 && unit_of(header.substr(at))) return {trim(header.substr(0, at)), header.substr(at)};
  }
  for (char separator : {'/', '_', ' '}) {
    const std::size_t at = header.rfind(separator);
    if (at != std::string_view::npos && at > 0 && unit_of(header.substr(at + 1))) {
      return {trim(header.substr(0, at)), header.substr(at + 1)};
    }
  }
  return {header, {}};
}

// Lower case without blanks, '_' and '.'; the quote marks people type for Z'
// and Z'' (", ’, ′, ″) become one or two apostrophes.
std::string normalize(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const std::string_view rest = name.substr(i);
    if (rest.starts_with("\xE2\x80\xB3")) {  // ″
      out += "''";
      i += 2;
    } else if (rest.starts_with("\xE2\x80\x99") || rest.starts_with("\xE2\x80\xB2")) {  // ’ ′
      out += '\'';
      i += 2;
    } else if (c == '"') {
      out += "''";
    } else if (c != ' ' && c != '\t' && c != '_' && c != '.') {
      out += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
  }
  return out;
}

}  // namespace

std::optional<column_role> role_of(std::string_view header, std::string_view unit_line) {
  const auto [name_text, unit_text] = split_unit(header);
  std::string name = normalize(name_text);
  bool negated = false;
  for (std::string_view sign : {"-", "minus", "neg"}) {
    if (name.size() > sign.size() && name.starts_with(sign)) {
      negated = true;
      name.erase(0, sign.size());
      break;
    }
  }
  const auto it = std::find_if(k_names.begin(), k_names.end(), [&](const named_role& r) { return r.name == name; });
  if (it == k_names.end()) return std::nullopt;
  column_role role;
  role.quantity = it->quantity;
  role.unit = std::string(trim(unit_text.empty() ? unit_line : unit_text));
  double scale = role.quantity == quantity::phase ? std::numbers::pi / 180 : 1.0;  // degrees unless the header says rad
  if (!role.unit.empty()) {
    const auto unit = unit_of(role.unit);
    if (!unit) {
      if (!unit_text.empty()) return std::nullopt;
      role.unit.clear();  // an entry of a units line that is no unit ("#")
    } else {
      if (unit->dimension != dimension_of(role.quantity)) return std::nullopt;
      scale = unit->scale;
    }
  }
  role.negated = negated;
  role.scale = negated ? -scale : scale;
  return role;
}

column_assignment assign_columns(std::span<const std::string_view> header, std::span<const std::string_view> units) {
  column_assignment result;
  std::array<std::optional<assigned_column>, 5> found;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const auto role = role_of(header[i], i < units.size() ? units[i] : std::string_view{});
    if (!role) continue;
    auto& slot = found[static_cast<std::size_t>(role->quantity)];
    if (slot) {
      result.problem = "two " + std::string(k_quantity_names[static_cast<std::size_t>(role->quantity)]) + " columns, '" + slot->header +
                       "' and '" + std::string(header[i]) + "'";
      return result;
    }
    slot = assigned_column{i, *role, std::string(header[i])};
  }
  auto list = [&] {
    std::string names;
    for (auto h : header) names += (names.empty() ? "'" : ", '") + std::string(h) + "'";
    return names;
  };
  if (!found[0]) {
    result.problem = "no frequency column among " + list();
    return result;
  }
  const bool rectangular = found[1] && found[2];
  if (!rectangular && !(found[3] && found[4])) {
    result.problem = "no Z' and Z'' (or |Z| and phase) columns among " + list();
    return result;
  }
  column_map map;
  map.frequency = *found[0];
  map.real = found[1];
  map.imag = found[2];
  map.magnitude = found[3];
  map.phase = found[4];
  map.header_fields = header.size();
  result.map = std::move(map);
  return result;
}

void split_header(const text_file& text, const text_line& line, char delimiter, std::vector<std::string_view>& fields) {
  split_fields(text, line, delimiter, fields);
  if (delimiter != ' ') return;
  std::vector<std::string_view> joined;
  for (auto f : fields) {
    if (!joined.empty() && !f.empty() && (f.front() == '(' || f.front() == '[')) {
      const char* begin = joined.back().data();
      joined.back() = std::string_view(begin, static_cast<std::size_t>(f.data() + f.size() - begin));
    } else {
      joined.push_back(f);
    }
  }
  fields = std::move(joined);
}

table_reader::table_reader(const text_file& text, column_map columns, char delimiter)
    : text_(text), columns_(std::move(columns)), delimiter_(delimiter) {}

std::span<const std::string_view> table_reader::fields(const text_line& line) {
  split_fields(text_, line, delimiter_, fields_);
  return fields_;
}

double table_reader::value(const text_line& line, const assigned_column& column) const {
  if (column.index >= fields_.size() || fields_[column.index].empty()) {
    text_.fail(line.number, std::to_string(fields_.size()) + " fields, but column '" + column.header + "' is field " +
                                std::to_string(column.index + 1) + " (a missing value, or the file is truncated)");
  }
  const std::string_view field = fields_[column.index];
  const auto v = parse_number(field, decimal_);
  if (!v) {
    std::string hint;
    if (decimal_ == '.' && field.find(',') != std::string_view::npos) hint = " (a decimal comma in a comma-separated file?)";
    if (decimal_ == ',' && field.find('.') != std::string_view::npos) hint = " (decimal commas and points mixed)";
    text_.fail(line.number, "field " + std::to_string(column.index + 1) + " ('" + std::string(field) + "', column '" + column.header +
                                "') is not a number" + hint);
  }
  if (!std::isfinite(*v)) {
    text_.fail(line.number, "field " + std::to_string(column.index + 1) + " ('" + std::string(field) + "', column '" + column.header +
                                "') is not a finite number");
  }
  return *v;
}

void table_reader::append(const text_line& line, sweep& s) {
  fields(line);
  if (exact_rows_ && fields_.size() != columns_.header_fields) {
    const bool split_decimals = delimiter_ == ',' && fields_.size() > columns_.header_fields;
    text_.fail(line.number, std::to_string(fields_.size()) + " fields where the header has " + std::to_string(columns_.header_fields) +
                                (split_decimals ? " (decimal commas in a comma-separated file? separate the fields with ';')"
                                 : fields_.size() < columns_.header_fields ? ": a value is missing, or the file is truncated"
                                                                           : ""));
  }
  if (complete_rows_ && fields_.size() < columns_.header_fields) {
    text_.fail(line.number, std::to_string(fields_.size()) + " fields where the header has " + std::to_string(columns_.header_fields) +
                                ": the row is incomplete (the file may be truncated)");
  }
  if (!decimal_fixed_) {
    // The first row with a decimal mark fixes it for the table.
    decimal_ = guess_decimal(fields_);
    decimal_fixed_ = decimal_ == ',' || std::any_of(fields_.begin(), fields_.end(), [](auto f) { return f.find('.') != f.npos; });
  }
  const double raw_f = value(line, columns_.frequency);
  const double f = raw_f * columns_.frequency.role.scale;
  if (!(f > 0)) {
    text_.fail(line.number,
               "frequency " + shortest_text(f) + " Hz (column '" + columns_.frequency.header + "'): frequencies must be positive");
  }
  if (f > k_max_frequency_hz) {
    const auto& unit = columns_.frequency.role.unit;
    text_.fail(line.number, "frequency " + std::string(fields_[columns_.frequency.index]) + (unit.empty() ? " Hz" : " " + unit) +
                                " (column '" + columns_.frequency.header + "') is " + shortest_text(f) + " Hz, above the " +
                                shortest_text(k_max_frequency_hz) +
                                " Hz any impedance analyser reaches: the header's unit contradicts the values");
  }
  std::complex<double> z;
  if (!columns_.polar()) {
    z = {value(line, *columns_.real) * columns_.real->role.scale, value(line, *columns_.imag) * columns_.imag->role.scale};
  } else {
    const double magnitude = value(line, *columns_.magnitude) * columns_.magnitude->role.scale;
    if (magnitude < 0) {
      text_.fail(line.number, "|Z| " + shortest_text(magnitude) + " (column '" + columns_.magnitude->header + "') is negative");
    }
    const double phase = value(line, *columns_.phase) * columns_.phase->role.scale;
    z = {magnitude * std::cos(phase), magnitude * std::sin(phase)};
  }
  if (!std::isfinite(z.real()) || !std::isfinite(z.imag())) {
    text_.fail(line.number, "the impedance is beyond the range of numbers once its unit is applied");
  }
  s.frequencies.push_back(f);
  s.z.push_back(z);
  if (s.first_line == 0) s.first_line = line.number;
}

sweep& new_sweep(const text_file& text, measurement& m, std::size_t line) {
  if (m.sweeps.size() == k_max_sweeps) {
    throw error(error_kind::too_large, text.where(line) + ": more than " + std::to_string(k_max_sweeps) + " sweeps in one file");
  }
  return m.sweeps.emplace_back();
}

bool warn_if_ended_early(sweep& s, double announced, std::string_view source) {
  if (static_cast<double>(s.z.size()) >= announced) return false;
  s.warnings.push_back("aborted: ended early, " + std::to_string(s.z.size()) + " of the " + shortest_text(announced) + " points " +
                       std::string(source) + " announces");
  return true;
}

}  // namespace eisgrid::measured
