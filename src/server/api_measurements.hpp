#pragma once
// What the measurement, experiment and fit endpoints share (internal to the
// server module): finding the caller's rows, the stored file read again, and a
// measurement as JSON. Each throws eisgrid::error as handlers do.

#include <optional>

#include <nlohmann/json.hpp>

#include "catalog/records.hpp"
#include "measured/measurement.hpp"
#include "server/handlers.hpp"

namespace eisgrid::server {

[[nodiscard]] nlohmann::json optional_number(const std::optional<double>& v);
// Whether the row's stored file is gone (removed by hand, a restored backup
// without it): the row stays, marked, for its owner to delete or upload again.
[[nodiscard]] bool file_missing(const context& c, const catalog::measurement_record& r);
[[nodiscard]] nlohmann::json measurement_json(const context& c, const catalog::measurement_record& r);
// The caller's row; error(not_found) for another's or none (also called for
// that check alone).
catalog::measurement_record find_measurement(const context& c, catalog::row_id id);
catalog::experiment_record find_experiment(const context& c, catalog::row_id id);
// Throws error(conflict) when the row's file is missing.
void require_stored_file(const context& c, const catalog::measurement_record& r);
// The stored file, read again with the reader that read it at upload.
[[nodiscard]] measured::measurement read_stored(const context& c, const catalog::measurement_record& r);
// A positive id or null; error(usage) naming `what` otherwise.
[[nodiscard]] std::optional<catalog::row_id> optional_id(const nlohmann::json& v, const char* what);

// The per-sweep CSV of SPEC 10 for stored fits, the same columns as `eisgrid
// fit --summary` (api_measurement_csv.cpp).
[[nodiscard]] response fits_csv(const context& c, const std::vector<catalog::fit_record>& fits, const std::string& name);

}  // namespace eisgrid::server
