#include "cli/report.hpp"

#include <cmath>

#include "base/json_number.hpp"
#include "model/circuit.hpp"
#include "model/models.hpp"

namespace eisgrid::cli {
namespace {

std::string text_or(const nlohmann::json& m, const char* key, const char* fallback) {
  if (!m.contains(key)) return fallback;
  return m[key].is_string() ? m[key].get<std::string>() : m[key].dump();
}

// "Rsh[ohm]", "Ca[F]", "Qa[S.s^alpha]", "alpha_a" (no unit).
std::string column_label(const model::parameter_spec& p) {
  if (p.unit == "1") return std::string(p.name);
  return std::string(p.name) + "[" + (p.unit == "farad" ? std::string("F") : std::string(p.unit)) + "]";
}

// A number of the metadata, or nan for null and missing (printed as "nan").
double number_at(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : std::nan("");
}

// The refined best result of a fit (metadata "refined", SPEC 10), as `fit`
// would print it: identified values first, one raw set of the family after.
void print_refined(std::FILE* out, const nlohmann::json& r) {
  constexpr double k_micro = 1e6, k_milli = 1e3;
  const auto& params = r.contains("params") ? r["params"] : nlohmann::json::object();
  std::fprintf(out, "  refined as eisgrid fit does: %s\n", text_or(r, "status", "not judged").c_str());
  std::fprintf(out, "    TER %.7g ohm, TEC %.7g uF, Rs %.7g ohm, tau1 %.5g ms, tau2 %.5g ms, %s %.7g (best grid row %.7g)\n",
               number_at(r, "ter"), number_at(r, "tec") * k_micro, number_at(params, "Rs"), number_at(r, "tau1") * k_milli,
               number_at(r, "tau2") * k_milli, text_or(r, "metric", "resnorm").c_str(), number_at(r, "resnorm"),
               number_at(r, "grid_resnorm"));
  std::fprintf(out, "    one set of the family: Rsh %.6g ohm, Ra %.6g ohm, Ca %.6g F, Rb %.6g ohm, Cb %.6g F", number_at(params, "Rsh"),
               number_at(params, "Ra"), number_at(params, "Ca"), number_at(params, "Rb"), number_at(params, "Cb"));
  if (r.contains("rsh_interval") && r["rsh_interval"].is_array() && r["rsh_interval"].size() == 2) {
    const auto& i = r["rsh_interval"];
    std::fprintf(out, " (Rsh fits equally well from %.6g to %.6g ohm)", i[0].is_number() ? i[0].get<double>() : std::nan(""),
                 i[1].is_number() ? i[1].get<double>() : std::nan(""));
  }
  std::fprintf(out, "\n");
  const auto lines = [&](const char* key, const char* prefix) {
    if (!r.contains(key) || !r[key].is_array()) return;
    for (const auto& line : r[key]) {
      if (line.is_string()) std::fprintf(out, "    %s%s\n", prefix, line.get<std::string>().c_str());
    }
  };
  if (r.contains("at_edge") && r["at_edge"].is_array() && !r["at_edge"].empty()) {
    std::string edges;
    for (const auto& e : r["at_edge"]) edges += (edges.empty() ? "" : ", ") + (e.is_string() ? e.get<std::string>() : e.dump());
    std::fprintf(out, "    at the edge of its range: %s\n", edges.c_str());
  }
  lines("reasons", "");
  lines("warnings", "warning: ");
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
  const auto& circuit = d.model();
  if (&circuit != &model::rc())
    std::fprintf(out, "  model %s: %s\n", std::string(circuit.name).c_str(), std::string(circuit.formula).c_str());
  std::fprintf(out, "  %5s %12s", "rank", "resnorm");
  for (std::size_t k = 1; k < circuit.count(); ++k) std::fprintf(out, " %11s", column_label(circuit.parameters[k]).c_str());
  std::fprintf(out, " %11s %11s\n", "TER[ohm]", "TEC[F]");
  std::vector<double> values(circuit.count());  // Rs 0: TER and TEC do not depend on it
  for (std::uint64_t r = 0; r < std::min<std::uint64_t>(top, d.rows()); ++r) {
    std::fprintf(out, "  %5llu %12.6g", static_cast<unsigned long long>(r), d.resnorm(r));
    for (std::size_t k = 1; k < circuit.count(); ++k) {
      values[k] = d.parameter(r, k - 1);
      std::fprintf(out, " %11.6g", values[k]);
    }
    std::fprintf(out, " %11.6g %11.6g\n", circuit.ter(values), circuit.tec(values));
  }
  if (m.contains("refined") && m["refined"].is_object()) print_refined(out, m["refined"]);
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
  const auto& circuit = d.model();
  j["model"] = circuit.name;
  std::vector<double> values(circuit.count());  // Rs 0: TER and TEC do not depend on it
  for (std::uint64_t r = 0; r < std::min<std::uint64_t>(top, d.rows()); ++r) {
    for (std::size_t k = 1; k < circuit.count(); ++k) values[k] = d.parameter(r, k - 1);
    nlohmann::json row{{"rank", r},
                       {"resnorm", finite_or_null(d.resnorm(r))},
                       {"TER", finite_or_null(circuit.ter(values))},
                       {"TEC", finite_or_null(circuit.tec(values))}};
    if (&circuit == &model::rc()) {
      const auto p = model::circuit_params::from_array(d.parameters(r));
      row["tau_a"] = finite_or_null(model::tau_a(p));
      row["tau_b"] = finite_or_null(model::tau_b(p));
    }
    for (std::size_t k = 1; k < circuit.count(); ++k) row[std::string(circuit.parameters[k].name)] = finite_or_null(values[k]);
    if (const auto idx = d.grid_index(r)) row["grid_index"] = *idx;
    j["top"].push_back(row);
  }
  return j;
}

}  // namespace eisgrid::cli
