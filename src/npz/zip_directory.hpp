#pragma once
// The index of a ZIP archive held in memory: the end records (classic and
// ZIP64), every central directory entry, and each entry's local header,
// checked against each other and against the bytes that exist. Nothing here
// allocates from a size the file claims before checking it against the file.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace eisgrid::npz::detail {

// eisgrid's chunk table (see zip_format.hpp), validated against the entry.
struct chunk_table {
  std::uint64_t span = 0;                         // uncompressed bytes per chunk but the last
  std::vector<std::uint64_t> compressed_offsets;  // count + 1 offsets into the member's data
};

struct zip_entry {
  std::string file_name;
  std::uint16_t method = 0;
  std::uint16_t flags = 0;
  std::uint32_t crc = 0;
  std::uint64_t compressed_size = 0;
  std::uint64_t uncompressed_size = 0;
  std::uint64_t local_header_offset = 0;
  std::uint64_t data_offset = 0;  // of the member's (compressed) bytes in the file
  std::optional<chunk_table> chunks;
};

struct directory_limits {
  std::uint64_t max_member_bytes = 0;  // uncompressed; larger members are error(too_large)
};

// Throws error(invalid_input) with the reason ("not a ZIP archive",
// "truncated central directory", "member 'x.npy' is encrypted", ...), without
// the file's name, which the caller adds; error(too_large) past the limits.
[[nodiscard]] std::vector<zip_entry> read_directory(std::span<const std::byte> file, const directory_limits& limits);

}  // namespace eisgrid::npz::detail
