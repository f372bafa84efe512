#pragma once
// What users and instrument files bring to the measurement tables, checked
// before it reaches SQL: every text has a length limit and no control
// characters, every number is finite where it must be. The checks throw
// error(usage) with the reason, so an upload or an edit is refused with a
// message and never with the database's text. The schema repeats the limits
// as CHECK constraints (sqlite_schema.cpp, pg_schema.cpp).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "catalog/records.hpp"

namespace eisgrid::catalog {

inline constexpr std::size_t k_max_measurement_file_name_length = 255;  // bytes, as most file systems
inline constexpr std::size_t k_max_label_length = 200;                  // experiment name, sample, condition (bytes)
inline constexpr std::size_t k_max_notes_length = 4000;                 // notes and descriptions (bytes)
inline constexpr std::size_t k_max_json_list_length = 65536;            // warnings, reasons (bytes of JSON)
inline constexpr std::size_t k_max_keyword_length = 32;                 // format and metric names
inline constexpr std::size_t k_max_start_time_length = 64;
inline constexpr std::size_t k_max_extension_length = 8;  // longer suffixes are not kept in the stored name
inline constexpr std::int64_t k_max_abs_day = 36500;      // a hundred years either side of day 0
inline constexpr double k_max_area_cm2 = 10000;           // far above any culture insert or dish

// Where an uploaded file lives under the data root. The directory keeps
// owners apart and the content hash names the file, so a user's file name
// never becomes a path.
inline constexpr const char* k_measured_dir = "measured";

// Empty if `name` may be a measurement's file name, else why not: 1 to 255
// bytes of ASCII letters, digits, spaces and . _ - ( ) +, not starting with
// '.', '-' or a space, nor ending with a space. Names that a shell, a URL or
// a Content-Disposition header would need to escape are refused.
[[nodiscard]] std::string measurement_file_name_problem(std::string_view name);

// "measured/<owner>/<sha256>" plus the file name's extension, lower case, if
// it is 1 to 8 letters or digits ("measured/3/ab12....txt").
[[nodiscard]] std::string measurement_file_path(row_id owner, std::string_view sha256, std::string_view file_name);

// Each throws error(usage) naming the first field that is not acceptable.
void check_experiment(const experiment_input& in);
void check_measurement_fields(const measurement_fields& in);
void check_measurement(const measurement_input& in);
void check_fit(const fit_input& in);

}  // namespace eisgrid::catalog
