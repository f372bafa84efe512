#pragma once
// Parsers for the compound option values of the command line.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "catalog/catalog.hpp"
#include "compute/request.hpp"
#include "fit/fit.hpp"
#include "model/circuit.hpp"
#include "model/circuit_model.hpp"
#include "model/parameter_grid.hpp"

namespace eisgrid::cli {

// "Rsh=5005,Ra=5005,Ca=25.05e-6,Rb=5005,Cb=25.05e-6"; names are case-insensitive,
// missing names keep their value in `base`. Throws error(usage) naming the bad part.
[[nodiscard]] model::circuit_params parse_circuit(std::string_view text, model::circuit_params base);

// Axes of the grid that a command line named in --range.
using given_axes = std::vector<bool>;

// "Ca=1e-7:5e-5" or "Ca=1e-7:5e-5:8" (count) applied to `grid`, marking the
// axes it names in `given` when not null. Throws error(usage).
void apply_range(std::string_view text, model::grid_spec& grid, given_axes* given = nullptr);

// "FILE" or "FILE:SWEEP" of --reference: a trailing ":K" (digits) names sweep K,
// unless FILE:K itself is an existing file. Throws nothing.
[[nodiscard]] std::pair<std::string, std::optional<std::size_t>> split_reference(const std::string& text);

// As apply_range, but an item for Rs (the series resistance, SPEC 10) is
// returned instead of applied. Throws error(usage).
[[nodiscard]] std::optional<model::axis_range> parse_rs_range(std::string_view text, model::grid_spec& grid, given_axes* given = nullptr);

// Parses a whole positive number or "all" (returns 0 for all). Throws error(usage).
[[nodiscard]] std::uint64_t parse_count_or_all(std::string_view text, std::string_view option);

// The options of a measured fit from `eisgrid fit`'s texts (shared with the
// Python module): `grid` points per axis, the metric (mae, rmse, relative,
// modulus), Rs "free" or a value in ohm, and --range items of any parameter
// of `models` (rc's start every fit; the others bound their refinement).
// Throws error(usage) naming the bad value and the valid ones.
[[nodiscard]] fit::fit_options fit_options_of(std::size_t grid, const std::string& metric, const std::string& rs,
                                              const std::vector<std::string>& ranges,
                                              const std::vector<const model::circuit_model*>& models);

// The options of `eisgrid compute` as the command line gives them (shared
// with the Python module); the rest (data root, catalog, progress) is the caller's.
struct compute_texts {
  std::size_t grid = 5;
  std::string model = "rc";
  std::vector<std::string> ranges;
  std::optional<double> fmin, fmax;
  std::optional<std::size_t> points;
  std::string spacing;
  std::string preset;
  std::string ref;
  std::string reference;
  std::string format;
  std::string metric;
  std::string rs;
  std::string keep = "all";
  std::string spectra;
  bool store = false;
  std::string output;
  std::string into = "user_generated";
  std::string description;
  bool overwrite = false;
  unsigned threads = 0;
  std::string user = catalog::k_local_user;
};

// Those texts as a compute request. Throws error(usage) naming a bad value.
[[nodiscard]] compute::compute_request compute_request_of(const compute_texts& t);

// `check` on rank 0 only: the other ranks of an MPI job need not see the
// files rank 0 reads (SPEC 11), and rank 0 reports a bad one for all.
[[nodiscard]] CLI::Validator on_root_only(const CLI::Validator& check);

}  // namespace eisgrid::cli
