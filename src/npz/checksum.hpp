#pragma once
// CRC-32 (the ZIP/gzip polynomial) with ISA-L's folding kernels, plus zlib's
// combine so that chunks checksummed on different threads join into the CRC
// of the whole member without a second pass over the data.

#include <cstddef>
#include <cstdint>
#include <span>

namespace eisgrid::npz::detail {

// CRC of `bytes` continuing from `crc` (0 for a fresh one). Thread-safe.
[[nodiscard]] std::uint32_t crc32_update(std::uint32_t crc, std::span<const std::byte> bytes) noexcept;

// The CRC of A followed by B, from crc(A), crc(B) and B's length.
[[nodiscard]] std::uint32_t crc32_join(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t length_b) noexcept;

}  // namespace eisgrid::npz::detail
