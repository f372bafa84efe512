#pragma once
// Record layouts of the ZIP format (PKWARE APPNOTE 6.3.10) that .npz files
// use, shared by the writer and the reader, and eisgrid's chunk-table extra
// field.

#include <cstddef>
#include <cstdint>

namespace eisgrid::npz::detail {

inline constexpr std::uint32_t k_local_header_signature = 0x04034b50;
inline constexpr std::uint32_t k_central_header_signature = 0x02014b50;
inline constexpr std::uint32_t k_end_of_central_directory_signature = 0x06054b50;
inline constexpr std::uint32_t k_zip64_end_signature = 0x06064b50;
inline constexpr std::uint32_t k_zip64_locator_signature = 0x07064b50;
inline constexpr std::uint32_t k_data_descriptor_signature = 0x08074b50;

// Fixed parts of each record, before their variable-length fields.
inline constexpr std::size_t k_local_header_size = 30;
inline constexpr std::size_t k_central_header_size = 46;
inline constexpr std::size_t k_end_of_central_directory_size = 22;
inline constexpr std::size_t k_zip64_end_size = 56;
inline constexpr std::size_t k_zip64_locator_size = 20;
// The end record may be followed by a comment of up to 65535 bytes.
inline constexpr std::size_t k_max_comment_size = 0xFFFF;
// The ZIP64 end record's "size" field counts the bytes after its first 12.
inline constexpr std::uint64_t k_zip64_end_size_field = k_zip64_end_size - 12;
// Offset of the CRC in a local header, patched after streaming a member.
inline constexpr std::uint64_t k_local_header_crc_offset = 14;

inline constexpr std::uint16_t k_method_stored = 0;
inline constexpr std::uint16_t k_method_deflate = 8;

inline constexpr std::uint16_t k_flag_encrypted = 1U << 0;
inline constexpr std::uint16_t k_flag_data_descriptor = 1U << 3;
inline constexpr std::uint16_t k_flag_strong_encryption = 1U << 6;
inline constexpr std::uint16_t k_flag_utf8_name = 1U << 11;
inline constexpr std::uint16_t k_flag_masked_header = 1U << 13;

// "Version needed to extract": 2.0 for deflate, 4.5 for ZIP64.
inline constexpr std::uint16_t k_version_deflate = 20;
inline constexpr std::uint16_t k_version_zip64 = 45;
// "Version made by": host 3 (Unix) in the high byte, so external attributes are Unix modes.
inline constexpr std::uint16_t k_version_made_by = (3U << 8) | k_version_zip64;
inline constexpr std::uint32_t k_external_attributes = 0100644U << 16;  // -rw-r--r--

// 1980-01-01 00:00:00, the earliest DOS time: output is byte-for-byte reproducible.
inline constexpr std::uint16_t k_dos_time = 0;
inline constexpr std::uint16_t k_dos_date = (0U << 9) | (1U << 5) | 1U;

// 32- and 16-bit fields holding this value defer to the ZIP64 records.
inline constexpr std::uint32_t k_zip64_marker32 = 0xFFFFFFFF;
inline constexpr std::uint16_t k_zip64_marker16 = 0xFFFF;
inline constexpr std::uint16_t k_zip64_extra_id = 0x0001;
inline constexpr std::uint16_t k_max_extra_size = 0xFFFF;

// eisgrid's chunk table, a private extra field in the central directory
// entry of a deflated member. Id 0x6745 ("Eg" in file order) is not among the
// ids APPNOTE 4.6 lists as taken; readers that do not know it skip it.
// Layout (little-endian):
//   u8  version (1)
//   u64 span: uncompressed bytes per chunk (the last chunk may be shorter)
//   u32 count
//   u32 compressed bytes of each chunk, count times
// Every chunk but the last ends on a full flush (byte-aligned, empty history,
// no BFINAL), so each can be inflated on its own and in parallel.
inline constexpr std::uint16_t k_chunk_table_id = 0x6745;
inline constexpr std::uint8_t k_chunk_table_version = 1;
inline constexpr std::size_t k_chunk_table_fixed_size = 1 + 8 + 4;
// 8000 chunks keep the field (32 KiB) well under the 64 KiB extra limit; longer
// members record every second, fourth, ... boundary instead.
inline constexpr std::size_t k_max_chunk_table_entries = 8000;

}  // namespace eisgrid::npz::detail
