#include "dataset/metadata.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "base/json_number.hpp"
#include "model/circuit.hpp"
#include "model/frequency_grid.hpp"
#include "model/models.hpp"

namespace eisgrid::dataset {
namespace {}  // namespace

nlohmann::ordered_json make_metadata(const run_record& run) {
  const auto& result = *run.result;
  const auto& ref = *run.reference;
  const auto& grid = run.options.grid;
  nlohmann::ordered_json m;
  m["format"] = k_format_name;
  m["format_version"] = k_format_version;
  m["generator"] = "eisgrid " EISGRID_VERSION;
  const std::size_t uniform = grid.uniform_count();
  m["grid_size"] = uniform ? nlohmann::ordered_json(uniform) : nlohmann::ordered_json();
  m["n_parameter_sets"] = result.indices.size();
  m["n_grid_points"] = result.total_points;
  m["n_spectra"] = run.spectra_rows;
  m["n_frequencies"] = ref.frequencies.size();
  const auto [fmin, fmax] = std::minmax_element(ref.frequencies.begin(), ref.frequencies.end());
  m["freq_min"] = *fmin;
  m["freq_max"] = *fmax;
  m["frequency_spacing"] = run.frequency_spacing;
  // "model" only for models other than rc: a file without it is an rc file
  // (SPEC 12), so rc files stay as they were.
  const auto& circuit = *grid.model;
  if (&circuit != &model::rc()) m["model"] = circuit.name;
  nlohmann::ordered_json names = nlohmann::ordered_json::array(), units = nlohmann::ordered_json::array();
  nlohmann::ordered_json ranges = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < grid.axes.size(); ++i) {
    const auto& p = circuit.parameters[i + 1];
    names.push_back(p.name);
    units.push_back(p.unit);
    ranges[std::string(p.name)] = {{"min", grid.axes[i].min},
                                   {"max", grid.axes[i].max},
                                   {"count", grid.axes[i].count},
                                   {"unit", p.unit},
                                   {"spacing", model::to_string(p.axis)}};
  }
  m["param_names"] = names;
  m["param_units"] = units;
  m["parameter_ranges"] = ranges;
  const auto& rs = run.options.series_resistances;
  if (!rs.empty()) {
    // Rs (SPEC 10): one value when fixed, else the swept values' range.
    m["series_resistance"] = {{"min", *std::min_element(rs.begin(), rs.end())},
                              {"max", *std::max_element(rs.begin(), rs.end())},
                              {"count", rs.size()},
                              {"unit", "ohm"},
                              {"values", rs}};
  }
  m["spectrum_columns"] = {"real", "imag", "magnitude", "phase"};
  m["spectrum_units"] = {"ohm", "ohm", "ohm", "degree"};
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  m["export_timestamp"] = std::chrono::duration<double>(now).count();
  m["best_resnorm"] = result.resnorms.empty() ? nlohmann::ordered_json() : finite_or_null<nlohmann::ordered_json>(result.resnorms.front());
  m["resnorm_metric"] = sweep::to_string(run.options.metric);
  m["resnorm_definition"] = sweep::definition(run.options.metric);
  m["resnorm_unit"] = sweep::unit(run.options.metric);
  m["valid_frequencies"] = result.valid_frequencies;
  m["ranking"] = "ascending resnorm; equal resnorms by ascending grid index; NaN last";
  m["grid_index_formula"] = rs.empty() ? "((((i_Rsh*n_Ra + i_Ra)*n_Ca + i_Ca)*n_Rb + i_Rb)*n_Cb + i_Cb)"
                                       : "i_Rs*n_grid + ((((i_Rsh*n_Ra + i_Ra)*n_Ca + i_Ca)*n_Rb + i_Rb)*n_Cb + i_Cb), "
                                         "n_grid = n_Rsh*n_Ra*n_Ca*n_Rb*n_Cb, i_Rs indexing series_resistance.values";
  nlohmann::ordered_json reference{{"type", ref.params ? "model" : "measured"}, {"source", ref.source}};
  if (ref.params) {
    const auto values = ref.params->as_array();
    for (std::size_t i = 0; i < model::k_param_count; ++i) {
      reference["parameters"][std::string(model::k_param_names[i])] = values[i];
    }
  }
  if (!ref.params) {
    reference["sweep"] = ref.sweep;
    if (ref.format) reference["format"] = *ref.format;
    reference["start_time"] = ref.start_time ? nlohmann::ordered_json(*ref.start_time) : nlohmann::ordered_json();
    reference["frequency_order"] = "stored ascending; frequency_order gives each column's position in the measured sweep";
  }
  m["reference"] = reference;
  m["compute_seconds"] = result.elapsed_seconds;
  if (run.ranks > 1) m["mpi_ranks"] = run.ranks;
  m["computation_complete"] = true;
  m["user_generated"] = run.location == storage::user_generated;
  m["sample_dataset"] = run.location == storage::precomputed;
  m["storage_location"] = to_string(run.location);
  m["filename"] = run.file_name;
  m["ready_for_registration"] = true;
  if (!run.description.empty()) m["description"] = run.description;
  if (!run.refined.is_null()) m["refined"] = run.refined;
  m["extra_arrays"] = {{"grid_indices", "(N,) int64: the grid index of each row"},
                       {"reference_spectrum", "(F, 4) float64: real, imag, magnitude, phase of the reference"}};
  if (!ref.params) m["extra_arrays"]["frequency_order"] = "(F,) int64: position of each frequency in the measured sweep";
  if (!rs.empty()) m["extra_arrays"]["series_resistance"] = "(N,) float32: Rs of each row (ohm); the model is Rs + Z(parameters)";
  return m;
}

}  // namespace eisgrid::dataset
