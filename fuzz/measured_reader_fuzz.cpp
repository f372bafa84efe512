// libFuzzer harness for the measurement readers. Each input is read once with
// detection by content (under a name whose extension the first byte picks, so
// the extension hint is exercised too) and once forced through the reader of
// the format the second byte picks, so every reader meets every input.
// Only eisgrid::error may escape; anything else (a crash, a sanitizer report,
// another exception, a leak) is a finding. Every sweep that is returned must
// be well formed: as many impedances as frequencies, all finite, frequencies
// positive.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "base/error.hpp"
#include "measured/read.hpp"

namespace {

constexpr std::array<std::string_view, 6> k_names{"fuzz.csv", "fuzz.txt", "fuzz.DTA", "fuzz.mpt", "fuzz.z", "fuzz.par"};

void check(const eisgrid::measured::measurement& m) {
  for (const auto& s : m.sweeps) {
    if (s.z.size() != s.frequencies.size() || s.z.empty() || s.first_line == 0) std::abort();
    for (std::size_t i = 0; i < s.z.size(); ++i) {
      if (!(s.frequencies[i] > 0) || !std::isfinite(s.frequencies[i]) || !std::isfinite(s.z[i].real()) || !std::isfinite(s.z[i].imag())) {
        std::abort();
      }
    }
  }
}

void try_read(std::string_view name, std::string_view bytes, std::optional<eisgrid::measured::format> forced) {
  try {
    check(eisgrid::measured::read_measurement_text(name, bytes, forced));
  } catch (const eisgrid::error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::size_t pick = size > 0 ? data[0] : 0;
  try_read(k_names[pick % k_names.size()], bytes, std::nullopt);
  const auto& formats = eisgrid::measured::all_formats();
  try_read("fuzz.txt", bytes, formats[(size > 1 ? data[1] : 0) % formats.size()]);
  return 0;
}
