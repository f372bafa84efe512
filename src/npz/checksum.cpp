#include "npz/checksum.hpp"

#include <isa-l/crc.h>
#include <zlib.h>

#include <algorithm>
#include <limits>

namespace eisgrid::npz::detail {
namespace {

// crc32_gzip_refl takes a 64-bit length, but keep pieces modest so the loop
// below is exercised and any future 32-bit length API stays safe.
constexpr std::size_t k_crc_piece = std::size_t{1} << 30;

}  // namespace

std::uint32_t crc32_update(std::uint32_t crc, std::span<const std::byte> bytes) noexcept {
  while (!bytes.empty()) {
    const std::size_t n = std::min(bytes.size(), k_crc_piece);
    crc = crc32_gzip_refl(crc, reinterpret_cast<const unsigned char*>(bytes.data()), n);
    bytes = bytes.subspan(n);
  }
  return crc;
}

std::uint32_t crc32_join(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t length_b) noexcept {
  static_assert(sizeof(z_off64_t) == 8, "zlib must be built with 64-bit offsets");
  return static_cast<std::uint32_t>(crc32_combine64(crc_a, crc_b, static_cast<z_off64_t>(length_b)));
}

}  // namespace eisgrid::npz::detail
