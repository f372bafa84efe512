#include "catalog/lab_fields.hpp"

#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "base/utf8.hpp"
#include "model/models.hpp"

namespace eisgrid::catalog {
namespace {

enum class line_breaks { refused, allowed };

[[noreturn]] void refuse(std::string_view what, const std::string& reason) {
  throw error(error_kind::usage, std::string(what) + " " + reason);
}

bool is_ascii_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// Valid UTF-8 of at most `max` bytes without control characters; notes may
// also hold line breaks and tabs.
void check_text(std::string_view value, std::string_view what, std::size_t max, line_breaks breaks) {
  if (value.size() > max) refuse(what, "has at most " + std::to_string(max) + " bytes");
  try {
    validate_utf8(value, what);
  } catch (const error& e) {
    throw error(error_kind::usage, e.what());
  }
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    const bool line_break = c == '\n' || c == '\r' || c == '\t';
    if (c == 0x7f || (c < 0x20 && !(line_break && breaks == line_breaks::allowed))) refuse(what, "may not hold control characters");
  }
}

// Lower-case letters, digits and '_', 1 to 32 of them.
void check_keyword(std::string_view value, std::string_view what) {
  if (value.empty() || value.size() > k_max_keyword_length)
    refuse(what, "has 1 to " + std::to_string(k_max_keyword_length) + " characters");
  for (const char c : value) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) refuse(what, "may hold only a-z, 0-9 and '_'");
  }
}

void check_json_list(std::string_view value, std::string_view what) {
  if (value.size() > k_max_json_list_length) refuse(what, "has at most " + std::to_string(k_max_json_list_length) + " bytes");
  // accept() checks without building the document, so deep nesting costs no recursion.
  const auto first = value.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || value[first] != '[' || !nlohmann::json::accept(value)) refuse(what, "must be a JSON array");
}

// NaN (not determined) or finite.
void check_finite_or_none(double v, std::string_view what) {
  if (std::isinf(v)) refuse(what, "must be finite");
}

void check_finite(double v, std::string_view what) {
  if (!std::isfinite(v)) refuse(what, "must be a finite number");
}

void check_area(const std::optional<double>& area) {
  if (area && !(std::isfinite(*area) && *area > 0 && *area <= k_max_area_cm2)) {
    refuse("the area", "must be a number of cm² above 0 and at most " + std::to_string(static_cast<int>(k_max_area_cm2)));
  }
}

}  // namespace

std::string measurement_file_name_problem(std::string_view name) {
  if (name.empty()) return "a file name cannot be empty";
  if (name.size() > k_max_measurement_file_name_length) {
    return "a file name has at most " + std::to_string(k_max_measurement_file_name_length) + " characters";
  }
  for (const char c : name) {
    const bool ok = is_ascii_alnum(c) || c == ' ' || c == '.' || c == '_' || c == '-' || c == '(' || c == ')' || c == '+';
    if (!ok) return "a file name may hold only letters, digits, spaces and . _ - ( ) +";
  }
  if (name.front() == '.' || name.front() == '-' || name.front() == ' ') return "a file name cannot start with '.', '-' or a space";
  if (name.back() == ' ') return "a file name cannot end with a space";
  return {};
}

std::string measurement_file_path(row_id owner, std::string_view sha256, std::string_view file_name) {
  std::string path = std::string(k_measured_dir) + "/" + std::to_string(owner) + "/" + std::string(sha256);
  const auto dot = file_name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return path;
  const auto extension = file_name.substr(dot + 1);
  if (extension.empty() || extension.size() > k_max_extension_length) return path;
  std::string lower;
  for (const char c : extension) {
    if (!is_ascii_alnum(c)) return path;
    lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return path + "." + lower;
}

void check_experiment(const experiment_input& in) {
  if (in.name.find_first_not_of(' ') == std::string::npos) refuse("an experiment's name", "cannot be empty");
  check_text(in.name, "an experiment's name", k_max_label_length, line_breaks::refused);
  check_text(in.description, "an experiment's description", k_max_notes_length, line_breaks::allowed);
}

void check_measurement_fields(const measurement_fields& in) {
  check_text(in.sample, "the sample", k_max_label_length, line_breaks::refused);
  check_text(in.condition, "the condition", k_max_label_length, line_breaks::refused);
  check_text(in.notes, "the notes", k_max_notes_length, line_breaks::allowed);
  if (in.day && (*in.day < -k_max_abs_day || *in.day > k_max_abs_day)) {
    refuse("the day", "must lie between " + std::to_string(-k_max_abs_day) + " and " + std::to_string(k_max_abs_day));
  }
  check_area(in.area_cm2);
}

void check_measurement(const measurement_input& in) {
  if (const auto problem = measurement_file_name_problem(in.file_name); !problem.empty()) {
    throw error(error_kind::usage, "cannot store '" + printable(in.file_name) + "': " + problem);
  }
  const bool hex = in.file_hash.size() == 64 && in.file_hash.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (!hex) refuse("a measurement's hash", "must be a SHA-256 in 64 lower-case hex digits");
  if (in.file_size > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) refuse("the file size", "is out of range");
  check_keyword(in.format, "the format");
  if (in.n_sweeps < 1) refuse("a measurement", "needs at least one sweep");
  if (in.n_points < in.n_sweeps) refuse("a measurement", "needs at least one point per sweep");
  check_finite(in.freq_min, "the lowest frequency");
  check_finite(in.freq_max, "the highest frequency");
  if (!(in.freq_min > 0 && in.freq_min <= in.freq_max)) refuse("the frequency range", "must be positive and increasing");
  check_json_list(in.warnings_json, "the warnings");
  check_measurement_fields(in.fields);
}

void check_fit(const fit_input& in) {
  if (in.sweep < 0) refuse("a fit's sweep", "cannot be negative");
  check_text(in.start_time, "a fit's start time", k_max_start_time_length, line_breaks::refused);
  check_json_list(in.reasons_json, "a fit's reasons");
  // A resnorm may be infinite (a sweep no cell fits); NaN means not computed.
  for (const double r : {in.resnorm, in.grid_resnorm}) {
    if (r < 0 || r == -std::numeric_limits<double>::infinity()) refuse("a fit's resnorm", "cannot be negative");
  }
  for (const double v : {in.rs, in.ter, in.tec, in.tau1, in.tau2}) check_finite_or_none(v, "a fit's identified values");
  for (const double v : in.parameters) check_finite_or_none(v, "a fit's parameters");
  for (const double e : in.std_errors) {
    check_finite_or_none(e, "a fit's standard errors");
    if (e < 0) refuse("a fit's standard errors", "cannot be negative");
  }
  const auto [low, high] = in.rsh_interval;
  if (std::isnan(low) != std::isnan(high)) refuse("a fit's Rsh interval", "needs both ends or neither");
  if (!std::isnan(low) && !(std::isfinite(low) && std::isfinite(high) && low > 0 && low <= high)) {
    refuse("a fit's Rsh interval", "must be finite, positive and increasing");
  }
  check_area(in.area_cm2);
  const auto* m = model::find_model(in.model);
  if (m == nullptr) refuse("a fit's model", "must be one of " + model::model_names());
  if (!in.model_params.empty() && in.model_params.size() != m->count()) {
    refuse("a fit's parameters", "must be the " + std::to_string(m->count()) + " of model " + in.model);
  }
  if (!in.model_errors.empty() && in.model_errors.size() != in.model_params.size()) {
    refuse("a fit's standard errors", "must be one for each parameter");
  }
  for (const double v : in.model_params) check_finite_or_none(v, "a fit's parameters");
  for (const double e : in.model_errors) {
    check_finite_or_none(e, "a fit's standard errors");
    if (e < 0) refuse("a fit's standard errors", "cannot be negative");
  }
  for (const double v : {in.aic, in.bic}) check_finite_or_none(v, "a fit's AIC and BIC");
  if (!std::isnan(in.decisive_frequency) && !(std::isfinite(in.decisive_frequency) && in.decisive_frequency > 0)) {
    refuse("a fit's decisive frequency", "must be a positive frequency");
  }
  for (const auto& edge : in.at_edge) check_text(edge, "a fit's parameters at the edge", k_max_label_length, line_breaks::refused);
  if (in.status == fit_status::invalid_data) {
    if (!in.metric.empty()) check_keyword(in.metric, "a fit's metric");
    return;
  }
  // A fit that ran has every number it reports.
  check_keyword(in.metric, "a fit's metric");
  check_finite(in.resnorm, "a fit's resnorm");
  for (const double v : {in.rs, in.ter, in.tec}) check_finite(v, "a fit's Rs, TER and TEC");
  for (const double v : in.model_params) check_finite(v, "a fit's parameters");
  if (m != &model::rc()) {
    if (in.model_params.empty()) refuse("a fit's parameters", "are missing");
    return;
  }
  for (const double v : {in.tau1, in.tau2}) check_finite(v, "a fit's tau1 and tau2");
  for (const double v : in.parameters) check_finite(v, "a fit's parameters Rsh, Ra, Ca, Rb and Cb");
}

}  // namespace eisgrid::catalog
