#include "dataset/naming.hpp"

#include <charconv>

#include "base/error.hpp"

namespace eisgrid::dataset {

std::string plain_number(double value) {
  char buf[400];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(value);
}

std::string default_file_name(const model::grid_spec& grid, double fmin, double fmax) {
  std::string g;
  if (const std::size_t uniform = grid.uniform_count()) {
    g = std::to_string(uniform);
  } else {
    for (const auto& a : grid.axes) g += (g.empty() ? "" : "x") + std::to_string(a.count);
  }
  return "grid_" + g + "_freq_" + plain_number(fmin) + "_" + plain_number(fmax) + ".npz";
}

std::string file_name_problem(std::string_view name) {
  constexpr std::string_view k_suffix = ".npz";
  if (name.size() <= k_suffix.size() || !name.ends_with(k_suffix)) return "the name must end in .npz";
  if (name.size() > k_max_file_name_length) {
    return "the name is longer than " + std::to_string(k_max_file_name_length) + " characters";
  }
  if (name.front() == '.') return "the name must not start with '.'";
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return "the name may hold only letters, digits, '.', '_' and '-'";
  }
  return {};
}

void check_file_name(std::string_view name) {
  if (auto problem = file_name_problem(name); !problem.empty()) {
    throw error(error_kind::usage, "invalid dataset name '" + std::string(name.substr(0, k_max_file_name_length)) + "': " + problem);
  }
}

}  // namespace eisgrid::dataset
