#include "base/system_memory.hpp"

#include <charconv>
#include <fstream>
#include <string>
#include <string_view>

namespace eisgrid {

std::optional<std::uint64_t> available_memory_bytes() {
  constexpr std::string_view k_key = "MemAvailable:";
  constexpr std::uint64_t k_bytes_per_kib = 1024;  // /proc/meminfo says kB and means KiB
  std::ifstream meminfo("/proc/meminfo");
  for (std::string line; std::getline(meminfo, line);) {
    if (!line.starts_with(k_key)) continue;
    const auto digits = line.find_first_of("0123456789");
    if (digits == std::string::npos) return std::nullopt;
    std::uint64_t kib = 0;
    const auto [end, ec] = std::from_chars(line.data() + digits, line.data() + line.size(), kib);
    if (ec != std::errc()) return std::nullopt;
    return kib * k_bytes_per_kib;
  }
  return std::nullopt;
}

}  // namespace eisgrid
