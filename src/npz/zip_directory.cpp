#include "npz/zip_directory.hpp"

#include <algorithm>
#include <numeric>
#include <unordered_set>

#include "base/error.hpp"
#include "npz/byte_order.hpp"
#include "npz/zip_entry.hpp"
#include "npz/zip_format.hpp"

namespace eisgrid::npz::detail {
namespace {

// Deflate emits at least one bit per 258-byte match, so no stream inflates
// by more than 1032x; the slack covers the few bytes of tiny streams.
constexpr std::uint64_t k_max_deflate_ratio = 1032;
constexpr std::uint64_t k_deflate_ratio_slack = 1024;
// Far above any .npz (numpy writes one entry per array); bounds the index's memory.
constexpr std::uint64_t k_max_entries = 1'000'000;

[[noreturn]] void invalid(const std::string& message) { throw error(error_kind::invalid_input, message); }

struct directory_location {
  std::uint64_t entries = 0;
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};

// The end record is the last thing in the file but for a comment of up to
// 64 KiB; a candidate counts only if its comment length reaches exactly the end.
std::size_t find_end_record(std::span<const std::byte> file) {
  if (file.size() < k_end_of_central_directory_size) invalid("not a ZIP archive (too short)");
  const std::size_t last = file.size() - k_end_of_central_directory_size;
  const std::size_t first = last > k_max_comment_size ? last - k_max_comment_size : 0;
  // Scanned as raw bytes: this loop runs up to 64 KiB times per open.
  const auto at = [&](std::size_t i) { return std::to_integer<std::uint32_t>(file[i]); };
  for (std::size_t pos = last + 1; pos-- > first;) {
    const std::uint32_t signature = at(pos) | at(pos + 1) << 8 | at(pos + 2) << 16 | at(pos + 3) << 24;
    if (signature != k_end_of_central_directory_signature) continue;
    const std::size_t comment_size = at(pos + 20) | at(pos + 21) << 8;
    if (comment_size == file.size() - pos - k_end_of_central_directory_size) return pos;
  }
  invalid("not a ZIP archive (no end of central directory record)");
}

directory_location read_zip64_end(std::span<const std::byte> file, std::size_t locator_pos) {
  byte_source locator(file.subspan(locator_pos, k_zip64_locator_size), "ZIP64 locator");
  locator.skip(4);
  const std::uint32_t disk = locator.u32();
  const std::uint64_t end_offset = locator.u64();
  const std::uint32_t disks = locator.u32();
  if (disk != 0 || disks > 1) invalid("multi-disk archives are not supported");
  if (end_offset > locator_pos || locator_pos - end_offset < k_zip64_end_size) invalid("bad ZIP64 locator");
  byte_source end(file.subspan(end_offset, locator_pos - end_offset), "ZIP64 end record");
  if (end.u32() != k_zip64_end_signature) invalid("bad ZIP64 end record");
  if (end.u64() < k_zip64_end_size_field) invalid("bad ZIP64 end record");
  end.skip(4);  // versions
  const std::uint32_t this_disk = end.u32();
  const std::uint32_t directory_disk = end.u32();
  const std::uint64_t entries_here = end.u64();
  directory_location location;
  location.entries = end.u64();
  location.size = end.u64();
  location.offset = end.u64();
  if (this_disk != 0 || directory_disk != 0 || entries_here != location.entries) {
    invalid("multi-disk archives are not supported");
  }
  if (checked_add(location.offset, location.size, "central directory end") != end_offset) {
    invalid("central directory is not where the ZIP64 end record says");
  }
  return location;
}

directory_location locate_directory(std::span<const std::byte> file) {
  const std::size_t end_pos = find_end_record(file);
  if (end_pos >= k_zip64_locator_size) {
    byte_source probe(file.subspan(end_pos - k_zip64_locator_size), "ZIP64 locator");
    if (probe.u32() == k_zip64_locator_signature) return read_zip64_end(file, end_pos - k_zip64_locator_size);
  }
  byte_source end(file.subspan(end_pos), "end of central directory");
  end.skip(4);
  const std::uint16_t this_disk = end.u16();
  const std::uint16_t directory_disk = end.u16();
  const std::uint16_t entries_here = end.u16();
  directory_location location;
  location.entries = end.u16();
  location.size = end.u32();
  location.offset = end.u32();
  if (this_disk != 0 || directory_disk != 0 || entries_here != location.entries) {
    invalid("multi-disk archives are not supported");
  }
  if (checked_add(location.offset, location.size, "central directory end") != end_pos) {
    invalid("central directory is not where the end record says");
  }
  return location;
}

void check_sizes(const zip_entry& entry, const directory_limits& limits) {
  const std::string name = "member '" + entry.file_name + "'";
  if (entry.method == k_method_stored && entry.compressed_size != entry.uncompressed_size) {
    invalid(name + " is stored but its two sizes differ");
  }
  if (entry.method == k_method_deflate &&
      entry.uncompressed_size >
          checked_add(checked_mul(entry.compressed_size, k_max_deflate_ratio, "deflate bound"), k_deflate_ratio_slack, "deflate bound")) {
    invalid(name + " claims " + std::to_string(entry.uncompressed_size) + " bytes from " + std::to_string(entry.compressed_size) +
            ", more than deflate can expand to");
  }
  if (entry.uncompressed_size > limits.max_member_bytes) {
    throw error(error_kind::too_large, name + " is " + std::to_string(entry.uncompressed_size) + " bytes, over the limit of " +
                                           std::to_string(limits.max_member_bytes));
  }
}

// Members must not share bytes: overlapping entries are how "zip bombs"
// multiply one compressed stream into many members.
void check_no_overlap(const std::vector<zip_entry>& entries) {
  std::vector<std::size_t> order(entries.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return entries[a].local_header_offset < entries[b].local_header_offset; });
  for (std::size_t i = 1; i < order.size(); ++i) {
    const zip_entry& before = entries[order[i - 1]];
    if (before.data_offset + before.compressed_size > entries[order[i]].local_header_offset) {
      invalid("members '" + before.file_name + "' and '" + entries[order[i]].file_name + "' overlap");
    }
  }
}

}  // namespace

std::vector<zip_entry> read_directory(std::span<const std::byte> file, const directory_limits& limits) {
  const directory_location location = locate_directory(file);
  if (location.entries > location.size / k_central_header_size || location.entries > k_max_entries) {
    invalid("central directory claims " + std::to_string(location.entries) + " entries in " + std::to_string(location.size) + " bytes");
  }
  byte_source in(file.subspan(location.offset, location.size), "central directory");
  std::vector<zip_entry> entries;
  entries.reserve(location.entries);
  std::unordered_set<std::string> names;
  for (std::uint64_t i = 0; i < location.entries; ++i) {
    std::span<const std::byte> chunk_table_field;
    zip_entry entry = parse_central_entry(in, chunk_table_field);
    if (!names.insert(entry.file_name).second) invalid("duplicate member '" + entry.file_name + "'");
    check_sizes(entry, limits);
    check_local_header(file, entry, location.offset);
    attach_chunk_table(entry, chunk_table_field);
    entries.push_back(std::move(entry));
  }
  if (in.remaining() != 0) invalid("central directory has bytes after its last entry");
  check_no_overlap(entries);
  return entries;
}

}  // namespace eisgrid::npz::detail
