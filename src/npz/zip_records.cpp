#include "npz/zip_records.hpp"

#include <algorithm>

#include "npz/byte_order.hpp"
#include "npz/zip_format.hpp"

namespace eisgrid::npz::detail {
namespace {

// A ZIP64 field with both sizes: its 4-byte header and two 64-bit values.
constexpr std::uint16_t k_local_zip64_size = 4 + 2 * 8;

[[nodiscard]] bool needs_zip64(std::uint64_t v) noexcept { return v >= k_zip64_marker32; }
[[nodiscard]] std::uint32_t field32(std::uint64_t v) noexcept { return needs_zip64(v) ? k_zip64_marker32 : static_cast<std::uint32_t>(v); }

[[nodiscard]] std::uint16_t name_flags(const std::string& name) noexcept {
  const bool ascii = std::all_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  return ascii ? 0 : k_flag_utf8_name;
}

}  // namespace

std::vector<std::byte> encode_local_header(const entry_record& entry) {
  // APPNOTE 4.5.3: a local ZIP64 field, when present, carries both sizes.
  const bool zip64 = needs_zip64(entry.uncompressed_size) || needs_zip64(entry.compressed_size);
  std::vector<std::byte> out;
  byte_sink sink(out);
  sink.u32(k_local_header_signature);
  sink.u16(zip64 ? k_version_zip64 : k_version_deflate);
  sink.u16(name_flags(entry.file_name));
  sink.u16(entry.method);
  sink.u16(k_dos_time);
  sink.u16(k_dos_date);
  sink.u32(entry.crc);
  sink.u32(zip64 ? k_zip64_marker32 : static_cast<std::uint32_t>(entry.compressed_size));
  sink.u32(zip64 ? k_zip64_marker32 : static_cast<std::uint32_t>(entry.uncompressed_size));
  sink.u16(static_cast<std::uint16_t>(entry.file_name.size()));
  sink.u16(zip64 ? k_local_zip64_size : 0);
  sink.text(entry.file_name);
  if (zip64) {
    sink.u16(k_zip64_extra_id);
    sink.u16(k_local_zip64_size - 4);
    sink.u64(entry.uncompressed_size);
    sink.u64(entry.compressed_size);
  }
  return out;
}

std::vector<std::byte> encode_central_header(const entry_record& entry) {
  // APPNOTE 4.5.3: only the fields whose 32-bit slot is full, in this order.
  std::vector<std::uint64_t> zip64_fields;
  for (std::uint64_t v : {entry.uncompressed_size, entry.compressed_size, entry.local_header_offset}) {
    if (needs_zip64(v)) zip64_fields.push_back(v);
  }
  const std::size_t zip64_size = zip64_fields.empty() ? 0 : 4 + 8 * zip64_fields.size();
  std::vector<std::byte> out;
  byte_sink sink(out);
  sink.u32(k_central_header_signature);
  sink.u16(k_version_made_by);
  sink.u16(zip64_fields.empty() ? k_version_deflate : k_version_zip64);
  sink.u16(name_flags(entry.file_name));
  sink.u16(entry.method);
  sink.u16(k_dos_time);
  sink.u16(k_dos_date);
  sink.u32(entry.crc);
  sink.u32(field32(entry.compressed_size));
  sink.u32(field32(entry.uncompressed_size));
  sink.u16(static_cast<std::uint16_t>(entry.file_name.size()));
  sink.u16(static_cast<std::uint16_t>(zip64_size + entry.chunk_table.size()));
  sink.u16(0);  // comment length
  sink.u16(0);  // disk number
  sink.u16(0);  // internal attributes
  sink.u32(k_external_attributes);
  sink.u32(field32(entry.local_header_offset));
  sink.text(entry.file_name);
  if (!zip64_fields.empty()) {
    sink.u16(k_zip64_extra_id);
    sink.u16(static_cast<std::uint16_t>(zip64_size - 4));
    for (std::uint64_t v : zip64_fields) sink.u64(v);
  }
  sink.bytes(entry.chunk_table);
  return out;
}

std::vector<std::byte> encode_end_records(std::uint64_t entries, std::uint64_t directory_offset, std::uint64_t directory_size) {
  const bool zip64 = entries >= k_zip64_marker16 || needs_zip64(directory_offset) || needs_zip64(directory_size);
  std::vector<std::byte> out;
  byte_sink sink(out);
  if (zip64) {
    const std::uint64_t zip64_end_offset = directory_offset + directory_size;
    sink.u32(k_zip64_end_signature);
    sink.u64(k_zip64_end_size_field);
    sink.u16(k_version_made_by);
    sink.u16(k_version_zip64);
    sink.u32(0);  // this disk
    sink.u32(0);  // disk with the directory
    sink.u64(entries);
    sink.u64(entries);
    sink.u64(directory_size);
    sink.u64(directory_offset);
    sink.u32(k_zip64_locator_signature);
    sink.u32(0);  // disk with the ZIP64 end record
    sink.u64(zip64_end_offset);
    sink.u32(1);  // total disks
  }
  const auto entries16 = static_cast<std::uint16_t>(std::min<std::uint64_t>(entries, k_zip64_marker16));
  sink.u32(k_end_of_central_directory_signature);
  sink.u16(0);
  sink.u16(0);
  sink.u16(entries16);
  sink.u16(entries16);
  sink.u32(field32(directory_size));
  sink.u32(field32(directory_offset));
  sink.u16(0);  // comment length
  return out;
}

std::vector<std::byte> encode_chunk_table(std::span<const std::uint64_t> compressed_sizes, std::uint64_t span) {
  const std::size_t group = (compressed_sizes.size() + k_max_chunk_table_entries - 1) / k_max_chunk_table_entries;
  if (group == 0) return {};
  std::vector<std::uint32_t> sizes;
  for (std::size_t first = 0; first < compressed_sizes.size(); first += group) {
    std::uint64_t sum = 0;
    for (std::size_t i = first; i < std::min(first + group, compressed_sizes.size()); ++i) sum += compressed_sizes[i];
    if (sum > UINT32_MAX) return {};
    sizes.push_back(static_cast<std::uint32_t>(sum));
  }
  std::vector<std::byte> out;
  byte_sink sink(out);
  sink.u16(k_chunk_table_id);
  sink.u16(static_cast<std::uint16_t>(k_chunk_table_fixed_size + 4 * sizes.size()));
  sink.u8(k_chunk_table_version);
  sink.u64(span * group);
  sink.u32(static_cast<std::uint32_t>(sizes.size()));
  for (std::uint32_t s : sizes) sink.u32(s);
  return out;
}

}  // namespace eisgrid::npz::detail
