#pragma once
// The endpoint handlers behind route(), grouped by what they serve. Internal
// to the server module. Each throws eisgrid::error for a failure that the
// client should hear about; route() turns it into JSON.

#include <array>
#include <complex>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.hpp"
#include "server/app.hpp"
#include "server/http.hpp"

namespace eisgrid::server {

// Who is asking: anonymous, or a signed-in user (API key or JWT).
struct caller {
  catalog::principal who;
  std::string name;  // empty when anonymous
  [[nodiscard]] bool signed_in() const noexcept { return who.role == catalog::principal::kind::user; }
};

struct context {
  const request& req;
  app& a;
  catalog::catalog& cat;
  caller user;
};

// The caller named by the Authorization header. Throws error(unauthorized)
// for a bad, expired or revoked credential (never anonymous instead).
[[nodiscard]] caller authenticate(const request& req, app& a, catalog::catalog& cat);
// Throws error(unauthorized) unless signed in.
void require_user(const context& c);

// A visible, available dataset by file name (the caller's own first, then
// public ones). Throws error(usage) for a bad name, error(not_found) otherwise.
struct resolved_dataset {
  catalog::dataset_record record;
  std::filesystem::path path;
};
[[nodiscard]] resolved_dataset resolve_dataset(const context& c, std::string_view filename);
// Its loaded arrays, through the cache. A missing file is error(not_found); a
// broken one error(internal) (logged, answered without details).
[[nodiscard]] std::shared_ptr<const loaded_dataset> load_dataset(const context& c, const resolved_dataset& d);

// /api/status (api_status.cpp), /api/datasets, /api/load, /api/best-results,
// /api/spectrum, /api/search (api_datasets.cpp), /api/download (download.cpp).
// Anonymous status: `available_files` counts the public files (npz/precomputed/);
// a signed-in caller's also counts their own available datasets.
[[nodiscard]] response get_status(app& a);
[[nodiscard]] response get_status(const context& c);
[[nodiscard]] response get_datasets(const context& c);
// {"precomputed": "npz/precomputed", "user_generated": ...}: in the status and the dataset list.
[[nodiscard]] nlohmann::json directories_json();
inline constexpr double k_bytes_per_mb = 1024.0 * 1024.0;
[[nodiscard]] response post_load(const context& c, std::string_view filename);
[[nodiscard]] response get_best_results(const context& c, std::string_view filename);
[[nodiscard]] response post_spectrum(const context& c, std::string_view filename);
[[nodiscard]] response post_search(const context& c, std::string_view filename);
[[nodiscard]] response get_download(const context& c, std::string_view filename);

// /api/whoami, /api/tags, /api/configurations.
[[nodiscard]] response get_whoami(const context& c);
[[nodiscard]] response get_tags(const context& c);
[[nodiscard]] response post_tag(const context& c);
[[nodiscard]] response delete_tag(const context& c, std::string_view id);
[[nodiscard]] response get_configurations(const context& c);

// /api/compute, /api/jobs.
[[nodiscard]] response post_compute(const context& c);
[[nodiscard]] response get_jobs(const context& c);
[[nodiscard]] response get_job(const context& c, std::string_view id);
[[nodiscard]] response delete_job(const context& c, std::string_view id);

// /api/measurements, /api/experiments, /api/fit (api_measurements.cpp).
[[nodiscard]] response post_measurement(const context& c);
[[nodiscard]] response get_measurements(const context& c);
// "<id>" or "<id>/fits" after /api/measurements/.
[[nodiscard]] response measurement_route(const context& c, std::string_view rest);
[[nodiscard]] response get_experiments(const context& c);
[[nodiscard]] response post_experiment(const context& c);
// "<id>" or "<id>/fits" after /api/experiments/.
[[nodiscard]] response experiment_route(const context& c, std::string_view rest);
[[nodiscard]] response post_fit(const context& c);
// GET /api/models: each circuit model (SPEC 12) with its formula and its
// parameters' names, units, axes and ranges for fits; public.
[[nodiscard]] response get_models();
// POST /api/models/<name>/spectrum (api_models.cpp): {"params": {name: value},
// "frequencies": [Hz...]} -> rows [Z', Z'', |Z|, phase in degrees] of the
// model's own impedance; public and pure. Throws error(usage) for an unknown
// model, a missing, unknown or non-finite parameter, or frequencies that are
// not 1 to k_max_spectrum_frequencies finite values above 0.
inline constexpr std::size_t k_max_spectrum_frequencies = 1000;  // ~25 bytes each: well inside k_max_body_bytes
[[nodiscard]] response post_model_spectrum(const request& req, std::string_view model_name);
// A measurement's sweep as a reference spectrum (POST /api/compute's
// "reference": {"measurement", "sweep"}): frequencies and impedances.
struct measured_reference {
  std::vector<double> frequencies;
  std::vector<std::complex<double>> z;
};
[[nodiscard]] measured_reference measurement_sweep(const context& c, catalog::row_id id, std::size_t sweep);
// The body of a .npy file holding `values` (float64, C order) of `shape`.
[[nodiscard]] response npy_response(const std::vector<double>& values, std::vector<std::uint64_t> shape, const std::string& name);

// /api/openapi.json
[[nodiscard]] const std::string& openapi_document();
// "/" and "/assets/...": the built page, or a placeholder when there is none.
[[nodiscard]] response serve_static(const request& req, const app& a, const std::string& path);

// Shared by the endpoints (api_helpers.cpp).
// The JSON body of a POST, an object. Throws error(invalid_input) when it is
// not JSON, error(usage) when it is not an object.
[[nodiscard]] nlohmann::json parse_body(const request& req);
// Throws error(usage) naming the first key of `body` not in `known`.
void check_keys(const nlohmann::json& body, std::initializer_list<const char*> known);
// A positive row id from a path segment; error(usage) naming `what` otherwise.
[[nodiscard]] catalog::row_id parse_id(std::string_view text, const char* what);
// Non-finite doubles as JSON null; a float32 value printed as its shortest float text.
[[nodiscard]] nlohmann::json number(double v);
// {"Rsh": .., "Ra": .., "Ca": .., "Rb": .., "Cb": ..}, each through number().
[[nodiscard]] nlohmann::json params_object(const std::array<double, 5>& p);

}  // namespace eisgrid::server
