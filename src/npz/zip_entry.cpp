#include "npz/zip_entry.hpp"

#include <functional>

#include "base/error.hpp"
#include "base/utf8.hpp"
#include "npz/zip_format.hpp"

namespace eisgrid::npz::detail {
namespace {

// eisgrid writes chunks of at most 256 MiB; refusing spans past 2 GiB keeps
// a hostile table from asking for one huge buffer for the header's chunk.
constexpr std::uint64_t k_max_chunk_span = std::uint64_t{1} << 31;
// Each extra field starts with a 16-bit id and a 16-bit size.
constexpr std::size_t k_extra_header_size = 4;
// The chunk table records each chunk's compressed size as a u32.
constexpr std::uint64_t k_chunk_size_field = 4;

[[noreturn]] void invalid(const std::string& message) { throw error(error_kind::invalid_input, message); }

std::string quoted(const zip_entry& entry) { return "'" + entry.file_name + "'"; }

// Calls visit(id, body) for each extra field. A tail too short for a field
// header is padding (zipalign writes such); a body that overruns is an error.
void for_each_extra(std::span<const std::byte> extra, const std::string& what,
                    const std::function<void(std::uint16_t, std::span<const std::byte>)>& visit) {
  byte_source in(extra, what);
  while (in.remaining() >= k_extra_header_size) {
    const std::uint16_t id = in.u16();
    const std::uint16_t size = in.u16();
    visit(id, in.bytes(size));
  }
}

// Replaces each 32-bit field holding the ZIP64 marker by the next 64-bit
// value of the ZIP64 extra field, in APPNOTE's order.
void apply_zip64(std::span<const std::byte> body, std::initializer_list<std::uint64_t*> fields, const std::string& what) {
  byte_source in(body, what);
  for (std::uint64_t* field : fields) {
    if (*field == k_zip64_marker32) *field = in.u64();
  }
}

std::optional<chunk_table> parse_chunk_table(std::span<const std::byte> body, const zip_entry& entry) {
  const std::string what = "chunk table of member " + quoted(entry);
  byte_source in(body, what);
  if (in.u8() != k_chunk_table_version) return std::nullopt;  // a later layout: inflate serially
  chunk_table table;
  table.span = in.u64();
  const std::uint32_t count = in.u32();
  if (table.span == 0 || table.span > k_max_chunk_span || in.remaining() != count * k_chunk_size_field ||
      count != (entry.uncompressed_size + table.span - 1) / table.span) {
    invalid("malformed " + what);
  }
  table.compressed_offsets.reserve(count + 1);
  table.compressed_offsets.push_back(0);
  for (std::uint32_t i = 0; i < count; ++i) table.compressed_offsets.push_back(table.compressed_offsets.back() + in.u32());
  if (table.compressed_offsets.back() != entry.compressed_size) invalid("malformed " + what);
  return table;
}

}  // namespace

zip_entry parse_central_entry(byte_source& in, std::span<const std::byte>& chunk_table_field) {
  if (in.u32() != k_central_header_signature) invalid("bad central directory entry");
  zip_entry entry;
  in.skip(4);  // versions made by and needed: the method and flags say what matters
  entry.flags = in.u16();
  entry.method = in.u16();
  in.skip(4);  // DOS time and date
  entry.crc = in.u32();
  entry.compressed_size = in.u32();
  entry.uncompressed_size = in.u32();
  const std::uint16_t name_size = in.u16();
  const std::uint16_t extra_size = in.u16();
  const std::uint16_t comment_size = in.u16();
  std::uint64_t disk = in.u16();
  in.skip(6);  // internal and external attributes
  entry.local_header_offset = in.u32();
  entry.file_name = std::string(in.text(name_size));
  const std::span<const std::byte> extra = in.bytes(extra_size);
  in.skip(comment_size);

  validate_utf8(entry.file_name, "a member name");
  if (entry.file_name.empty() || entry.file_name.find('\0') != std::string::npos) invalid("a member has a bad name");
  if (entry.flags & (k_flag_encrypted | k_flag_strong_encryption | k_flag_masked_header)) {
    invalid("member " + quoted(entry) + " is encrypted, which eisgrid does not read");
  }
  if (entry.method != k_method_stored && entry.method != k_method_deflate) {
    invalid("member " + quoted(entry) + " uses unsupported compression method " + std::to_string(entry.method));
  }
  if (disk == k_zip64_marker16) disk = k_zip64_marker32;
  chunk_table_field = {};
  for_each_extra(extra, "extra fields of member " + quoted(entry), [&](std::uint16_t id, std::span<const std::byte> body) {
    if (id == k_zip64_extra_id) {
      apply_zip64(body, {&entry.uncompressed_size, &entry.compressed_size, &entry.local_header_offset, &disk},
                  "ZIP64 field of member " + quoted(entry));
    } else if (id == k_chunk_table_id) {
      chunk_table_field = body;
    }
  });
  if (disk != 0) invalid("member " + quoted(entry) + " is on another disk: multi-disk archives are not supported");
  return entry;
}

void attach_chunk_table(zip_entry& entry, std::span<const std::byte> chunk_table_field) {
  if (!chunk_table_field.empty() && entry.method == k_method_deflate) {
    entry.chunks = parse_chunk_table(chunk_table_field, entry);
  }
}

void check_local_header(std::span<const std::byte> file, zip_entry& entry, std::uint64_t directory_offset) {
  const std::string what = "local header of member " + quoted(entry);
  if (entry.local_header_offset >= directory_offset) invalid(what + " is outside the archive");
  byte_source in(file.subspan(entry.local_header_offset, directory_offset - entry.local_header_offset), what);
  if (in.u32() != k_local_header_signature) invalid("bad " + what);
  in.skip(2);  // version needed
  const std::uint16_t flags = in.u16();
  const std::uint16_t method = in.u16();
  in.skip(4);  // DOS time and date
  const std::uint32_t crc = in.u32();
  std::uint64_t compressed = in.u32();
  std::uint64_t uncompressed = in.u32();
  const std::uint16_t name_size = in.u16();
  const std::uint16_t extra_size = in.u16();
  if (in.text(name_size) != entry.file_name) invalid(what + " has a different name");
  const std::span<const std::byte> extra = in.bytes(extra_size);
  if (method != entry.method || ((flags ^ entry.flags) & (k_flag_encrypted | k_flag_data_descriptor)) != 0) {
    invalid(what + " disagrees with the central directory");
  }
  // With a data descriptor (flag bit 3) the local CRC and sizes are zeros;
  // the central directory's are the ones that count.
  if ((flags & k_flag_data_descriptor) == 0) {
    for_each_extra(extra, what, [&](std::uint16_t id, std::span<const std::byte> body) {
      if (id == k_zip64_extra_id) apply_zip64(body, {&uncompressed, &compressed}, "ZIP64 field of " + what);
    });
    if (crc != entry.crc || compressed != entry.compressed_size || uncompressed != entry.uncompressed_size) {
      invalid(what + " disagrees with the central directory");
    }
  }
  entry.data_offset = entry.local_header_offset + in.position();
  if (entry.compressed_size > directory_offset - entry.data_offset) {
    invalid("member " + quoted(entry) + " runs past the end of its data");
  }
}

}  // namespace eisgrid::npz::detail
