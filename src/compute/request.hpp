#pragma once
// One compute run, as the command line and POST /api/compute both describe it,
// so that the same options give the same file whichever way they arrive.
//
// Values are kept as given (unset optionals mean "not given") and resolved by
// resolve(): a preset, then explicit frequency options over it; a reference
// from parameters or from a sweep of a measurement file (any format that
// measured/read.hpp reads; files only on the command line).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/connection.hpp"
#include "dataset/data_dir.hpp"
#include "dataset/metadata.hpp"
#include "fit/fit.hpp"
#include "measured/measurement.hpp"
#include "model/frequency_grid.hpp"
#include "model/parameter_grid.hpp"
#include "sweep/engine.hpp"
#include "sweep/reference.hpp"

namespace eisgrid::compute {

// Limits on what a request over HTTP may ask for; the command line is the
// operator's and is bounded only by the machine (check_memory).
inline constexpr std::size_t k_http_max_grid = 60;                      // 60^5 = 7.8e8 points
inline constexpr std::uint64_t k_http_max_grid_points = 1'000'000'000;  // ~ a minute on 2 cores
inline constexpr std::uint64_t k_http_max_kept_rows = 10'000'000;       // ~ 500 MB of spectra-less output
inline constexpr std::uint64_t k_http_max_spectra_rows = 100'000;
using dataset::k_max_description_length;
// Rows with a stored spectrum unless `spectra` says otherwise: enough for any
// plot, while a large keep-all sweep does not write gigabytes of spectra.
inline constexpr std::uint64_t k_default_spectra_rows = 100000;

struct compute_request {
  // The parameter grid: defaults(grid) with any per-axis overrides applied.
  model::grid_spec grid = model::grid_spec::defaults(5);
  // The axes whose range the caller gave. With a measured reference the others
  // take `eisgrid fit`'s ranges (fit::fit_options::measured), so that both
  // commands refine within the same bounds and reach the same optimum; the
  // model defaults are narrower than real cell layers need (issue 18).
  std::vector<bool> range_given;  // per grid axis; missing entries are false
  std::optional<double> fmin, fmax;
  std::optional<std::size_t> points;
  std::optional<model::spacing> spacing;             // when not given, the preset's or the default's
  std::string preset;                                // "" or a preset name
  std::optional<model::circuit_params> ref;          // model reference; default when neither this nor a file
  std::string reference_file;                        // measured reference (command line only)
  std::optional<std::size_t> reference_sweep;        // its sweep; the first when not given
  std::optional<measured::format> reference_format;  // forced; detected from the content when not given
  // A measured reference already read (the API: a stored measurement's sweep).
  std::optional<sweep::reference_spectrum> reference_data;
  // When not given, the default for the reference: mae for a model
  // reference, modulus for a measured one.
  std::optional<sweep::metric> metric;
  // Series resistance (SPEC 10): "" (0 for a model reference, free for a
  // measured one), "free", or a value in ohm. Free sweeps rs_range if given,
  // else near the spectrum's high-frequency real part.
  std::string rs;
  std::optional<model::axis_range> rs_range;
  std::optional<std::uint64_t> keep;  // best K rows; all when empty
  // Rows with a stored spectrum: empty = default, 0 = none; spectra_all = every kept row.
  std::optional<std::uint64_t> spectra;
  bool spectra_all = false;
  bool store = false;
  std::string output;  // file name; the default name when empty
  dataset::storage into = dataset::storage::user_generated;
  std::string description;
  bool overwrite = false;
  unsigned threads = 0;  // 0: all cores
  // Owner of the result. The command line names a user (created on first use,
  // registered by the operator); the server gives the signed-in user's id and
  // registers as that user, under row-level security.
  std::string user = "local";
  std::optional<catalog::row_id> owner_id;
};

// Parses the JSON body of POST /api/compute: {"grid": 5, "model"?: "rc" |
// "cpe" (a model the grid sweep takes), "preset"?, "fmin"?, "fmax"?,
// "points"?, "spacing"?, "ref"?: {"Rsh": 5005, ...} (rc's reference
// spectrum), "ranges"?: {"Ca": {"min", "max", "count"?}} (axes of the
// model's parameters after Rs: "alpha_a" for cpe), "metric"?, "keep"?: K | "all",
// "spectra"?: M | "all", "store"?, "output"?, "description"?}. Strict:
// unknown keys, wrong types and out-of-range values throw error(usage) naming
// the key. Applies the HTTP limits above. The owner is not set here.
[[nodiscard]] compute_request from_json(const nlohmann::json& body);

// What a request resolves to, ready to run.
struct compute_plan {
  sweep::sweep_options options;
  sweep::reference_spectrum reference;
  std::string frequency_spacing;  // log, linear, measured
  std::string file_name;
  std::uint64_t kept_rows = 0;
  std::optional<std::uint64_t> spectra_rows;  // empty: all kept rows
  // For the user: which sweep of a multi-sweep file was taken, and the reader's warnings.
  std::vector<std::string> notes;
  // For a measured reference: how the best grid rows are refined afterwards
  // (Rs bounds or fixed value; ranges and metric are the grid's).
  std::optional<fit::fit_options> refine;
};

// Validates and resolves. Throws error(usage) for a bad option (an unknown
// preset, fmin >= fmax, a bad file name, --ref with --reference, ...),
// error(not_found)/error(invalid_input)/error(too_large) for a reference file
// that cannot be read (measured::read_measurement).
[[nodiscard]] compute_plan resolve(const compute_request& request);

// The frequency grid of a request without a measured reference. Throws error(usage).
[[nodiscard]] model::frequency_spec frequency_spec_of(const compute_request& request);

}  // namespace eisgrid::compute
