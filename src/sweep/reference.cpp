#include "sweep/reference.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <numeric>
#include <string_view>

#include "base/error.hpp"

namespace eisgrid::sweep {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool parse_double(std::string_view text, double& out) {
  text = trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::vector<std::string_view> split_fields(std::string_view line) {
  const char sep = line.find(',') != std::string_view::npos ? ',' : (line.find(';') != std::string_view::npos ? ';' : '\t');
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t pos = line.find(sep, start);
    fields.push_back(trim(line.substr(start, pos - start)));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return fields;
}

}  // namespace

reference_spectrum model_reference(const model::circuit_params& params, std::vector<double> frequencies) {
  model::check_params(params, "reference");
  reference_spectrum ref;
  ref.z.reserve(frequencies.size());
  for (double f : frequencies) ref.z.push_back(model::impedance(params, f));
  ref.frequencies = std::move(frequencies);
  ref.params = params;
  ref.source = "model";
  return ref;
}

reference_spectrum read_reference_csv(const std::filesystem::path& path) {
  const std::string name = "reference '" + path.filename().string() + "'";
  std::ifstream in(path);
  if (!in) throw error(error_kind::not_found, "cannot open " + name + ": no such file");
  struct row {
    double f;
    std::complex<double> z;
    std::size_t line;
  };
  std::vector<row> rows;
  std::string text;
  std::size_t line_no = 0;
  bool seen_content = false;
  while (std::getline(in, text)) {
    ++line_no;
    const std::string_view line = trim(text);
    if (line.empty() || line.front() == '#') continue;
    const auto fields = split_fields(line);
    double v[3];
    const bool numeric =
        fields.size() == 3 && parse_double(fields[0], v[0]) && parse_double(fields[1], v[1]) && parse_double(fields[2], v[2]);
    const bool first = !seen_content;
    seen_content = true;
    if (!numeric) {
      if (first && fields.size() == 3) continue;  // a header line
      const std::string where = name + " line " + std::to_string(line_no);
      if (fields.size() != 3) {
        throw error(error_kind::invalid_input,
                    where + ": expected 3 columns (frequency, real, imaginary), found " + std::to_string(fields.size()));
      }
      throw error(error_kind::invalid_input, where + ": not a number");
    }
    if (!std::isfinite(v[0]) || v[0] <= 0) {
      throw error(error_kind::invalid_input, name + " line " + std::to_string(line_no) + ": frequency must be positive and finite");
    }
    if (!std::isfinite(v[1]) || !std::isfinite(v[2])) {
      throw error(error_kind::invalid_input, name + " line " + std::to_string(line_no) + ": impedance must be finite");
    }
    if (rows.size() >= model::k_max_frequency_points) {
      throw error(error_kind::invalid_input, name + ": more than " + std::to_string(model::k_max_frequency_points) + " rows");
    }
    rows.push_back({v[0], {v[1], v[2]}, line_no});
  }
  if (rows.size() < model::k_min_frequency_points) {
    throw error(error_kind::invalid_input, name + ": needs at least 2 data rows, found " + std::to_string(rows.size()));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const row& a, const row& b) { return a.f < b.f; });
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].f == rows[i - 1].f) {
      throw error(error_kind::invalid_input, name + " line " + std::to_string(rows[i].line) + ": frequency " + std::to_string(rows[i].f) +
                                                 " Hz repeats line " + std::to_string(rows[i - 1].line));
    }
  }
  reference_spectrum ref;
  for (const auto& r : rows) {
    ref.frequencies.push_back(r.f);
    ref.z.push_back(r.z);
  }
  if (const auto problem = model::frequency_problem(ref.frequencies); !problem.empty()) {
    throw error(error_kind::invalid_input, name + ": " + problem);
  }
  ref.source = path.filename().string();
  return ref;
}

reference_spectrum measured_reference(std::vector<double> frequencies, std::vector<std::complex<double>> z, std::string source) {
  if (frequencies.size() != z.size()) throw error(error_kind::invalid_input, source + ": frequencies and impedances differ in length");
  std::vector<std::size_t> order(frequencies.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return frequencies[a] < frequencies[b]; });
  reference_spectrum ref;
  for (const auto i : order) {
    if (!ref.frequencies.empty() && ref.frequencies.back() == frequencies[i]) {
      throw error(error_kind::invalid_input, source + ": frequency " + std::to_string(frequencies[i]) + " Hz is measured twice");
    }
    ref.frequencies.push_back(frequencies[i]);
    ref.z.push_back(z[i]);
  }
  if (const auto problem = model::frequency_problem(ref.frequencies); !problem.empty()) {
    throw error(error_kind::invalid_input, source + ": " + problem);
  }
  ref.source = std::move(source);
  return ref;
}

}  // namespace eisgrid::sweep
