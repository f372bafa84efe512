#pragma once
// Encoders for the records the writer emits: local headers, central
// directory entries (with eisgrid's chunk table), and the end records. ZIP64
// fields appear exactly when a size or an offset does not fit 32 bits.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace eisgrid::npz::detail {

struct entry_record {
  std::string file_name;  // "x.npy"
  std::uint16_t method = 0;
  std::uint32_t crc = 0;
  std::uint64_t compressed_size = 0;
  std::uint64_t uncompressed_size = 0;
  std::uint64_t local_header_offset = 0;
  std::vector<std::byte> chunk_table;  // a whole extra field, or empty
};

[[nodiscard]] std::vector<std::byte> encode_local_header(const entry_record& entry);
[[nodiscard]] std::vector<std::byte> encode_central_header(const entry_record& entry);
// The ZIP64 end record and locator when needed, then the classic end record.
[[nodiscard]] std::vector<std::byte> encode_end_records(std::uint64_t entries, std::uint64_t directory_offset,
                                                        std::uint64_t directory_size);

// The chunk-table extra field for chunks of `span` uncompressed bytes with
// these compressed sizes, merging neighbours to stay within
// k_max_chunk_table_entries; empty if a merged chunk would not fit 32 bits.
[[nodiscard]] std::vector<std::byte> encode_chunk_table(std::span<const std::uint64_t> compressed_sizes, std::uint64_t span);

}  // namespace eisgrid::npz::detail
