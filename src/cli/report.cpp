#include "cli/report.hpp"

#include <cmath>

#include "dataset/json_number.hpp"
#include "model/circuit.hpp"

namespace eisgrid::cli {
namespace {

using dataset::finite_or_null;

std::string text_or(const nlohmann::json& m, const char* key, const char* fallback) {
  if (!m.contains(key)) return fallback;
  return m[key].is_string() ? m[key].get<std::string>() : m[key].dump();
}

}  // namespace

void print_summary(std::FILE* out, const dataset::dataset& d, std::size_t top) {
  const auto& m = d.metadata();
  std::fprintf(out, "%s\n", d.path().string().c_str());
  std::fprintf(out, "  rows %llu (of %s grid points, grid size %s), spectra %llu, frequencies %llu (%g to %g Hz)\n",
               static_cast<unsigned long long>(d.rows()), text_or(m, "n_grid_points", "?").c_str(), text_or(m, "grid_size", "?").c_str(),
               static_cast<unsigned long long>(d.spectra_rows()), static_cast<unsigned long long>(d.frequency_count()),
               d.frequency_count() ? d.frequency(0) : 0.0, d.frequency_count() ? d.frequency(d.frequency_count() - 1) : 0.0);
  std::fprintf(out, "  metric %s, format %s%s\n", text_or(m, "resnorm_metric", "mae (legacy)").c_str(),
               text_or(m, "format_version", "legacy").c_str(), d.legacy_metadata() ? " (pickled metadata, read safely)" : "");
  std::fprintf(out, "  %5s %12s %11s %11s %11s %11s %11s %11s %11s\n", "rank", "resnorm", "Rsh[ohm]", "Ra[ohm]", "Ca[F]", "Rb[ohm]",
               "Cb[F]", "TER[ohm]", "TEC[F]");
  for (std::uint64_t r = 0; r < std::min<std::uint64_t>(top, d.rows()); ++r) {
    const auto p = model::circuit_params::from_array(d.parameters(r));
    std::fprintf(out, "  %5llu %12.6g %11.6g %11.6g %11.6g %11.6g %11.6g %11.6g %11.6g\n", static_cast<unsigned long long>(r), d.resnorm(r),
                 p.rsh, p.ra, p.ca, p.rb, p.cb, model::ter(p), model::tec(p));
  }
}

nlohmann::json summary_json(const dataset::dataset& d, std::size_t top) {
  nlohmann::json j;
  j["file"] = d.path().string();
  j["rows"] = d.rows();
  j["spectra_rows"] = d.spectra_rows();
  j["n_frequencies"] = d.frequency_count();
  j["legacy_metadata"] = d.legacy_metadata();
  j["metadata"] = d.metadata();
  j["top"] = nlohmann::json::array();
  for (std::uint64_t r = 0; r < std::min<std::uint64_t>(top, d.rows()); ++r) {
    const auto values = d.parameters(r);
    const auto p = model::circuit_params::from_array(values);
    nlohmann::json row{{"rank", r},
                       {"resnorm", finite_or_null(d.resnorm(r))},
                       {"TER", finite_or_null(model::ter(p))},
                       {"TEC", finite_or_null(model::tec(p))},
                       {"tau_a", finite_or_null(model::tau_a(p))},
                       {"tau_b", finite_or_null(model::tau_b(p))}};
    for (std::size_t k = 0; k < model::k_param_count; ++k) row[std::string(model::k_param_names[k])] = finite_or_null(values[k]);
    if (const auto idx = d.grid_index(r)) row["grid_index"] = *idx;
    j["top"].push_back(row);
  }
  return j;
}

}  // namespace eisgrid::cli
