#pragma once
// A measurement as an instrument wrote it (SPEC 9): one file, its format, and
// its sweeps, each a spectrum in the order it was measured.
//
// The sign convention is stated once, here: Z = Z' + j Z'', and Z'' < 0 for a
// capacitive response. Readers convert files that store -Z'' or |Z| and phase.

#include <complex>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eisgrid::measured {

enum class format { csv, nova, gamry, biologic, zplot, autolab, chinstruments, parstat, powersuite, versastudio };

// "csv", "nova", ... as `eisgrid spectra --json` writes them.
[[nodiscard]] std::string_view to_string(format f) noexcept;
[[nodiscard]] std::optional<format> parse_format(std::string_view name) noexcept;
// Every format, in the order of the enum (for help texts and tests).
[[nodiscard]] const std::vector<format>& all_formats();

struct sweep {
  std::vector<double> frequencies;        // Hz, in measured order (repeats allowed)
  std::vector<std::complex<double>> z;    // ohm; Z = Z' + j Z'', Z'' < 0 capacitive
  std::optional<std::string> start_time;  // ISO 8601 text where the file has a start time
  std::size_t first_line = 0;             // 1-based line of the sweep's first data row
  std::vector<std::string> warnings;      // reader notes (e.g. "aborted: ended early") + checks added later
};

struct measurement {
  std::string file;  // file name as given (no directories)
  measured::format format;
  std::vector<sweep> sweeps;
};

}  // namespace eisgrid::measured
