#pragma once
// Reading measurement files (SPEC 9): the format by content (the extension as
// a hint) or as forced, then that format's reader.

#include <filesystem>
#include <optional>
#include <string_view>

#include "measured/measurement.hpp"

namespace eisgrid::measured {

// Reads a file (format detected by content, extension as a hint) or forces `forced`.
// Throws eisgrid::error(not_found | invalid_input | too_large) with
// "file 'x' line N: reason" (or "file 'x': reason" where no line is to blame):
// a missing file, a directory or device, binary content, more than
// k_max_file_bytes, k_max_rows lines or k_max_sweeps sweeps, a header that
// contradicts the data, rows with missing, non-numeric or non-finite fields,
// frequencies that are not positive. Every sweep it returns has a point at least.
// Thread-safe.
[[nodiscard]] measurement read_measurement(const std::filesystem::path& path, std::optional<format> forced = {});

// The same for bytes in memory (uploads, fuzzing); `name` is the file name.
[[nodiscard]] measurement read_measurement_text(std::string_view name, std::string_view bytes, std::optional<format> forced = {});

}  // namespace eisgrid::measured
