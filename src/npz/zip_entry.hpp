#pragma once
// One member of a ZIP archive: its central directory entry (with the ZIP64
// and chunk-table extra fields) and its local header, checked to agree.

#include <cstdint>
#include <span>

#include "npz/byte_order.hpp"
#include "npz/zip_directory.hpp"

namespace eisgrid::npz::detail {

// Parses the central directory entry at `in`'s position; `chunk_table_field`
// is set to the body of eisgrid's chunk-table extra field, if any. Throws
// error(invalid_input) for a malformed entry, an encrypted member or an
// unsupported compression method.
[[nodiscard]] zip_entry parse_central_entry(byte_source& in, std::span<const std::byte>& chunk_table_field);

// Validates the chunk table against the entry's sizes and attaches it (only
// to deflated members). Throws error(invalid_input) if it does not fit.
void attach_chunk_table(zip_entry& entry, std::span<const std::byte> chunk_table_field);

// Reads the entry's local header from `file`, checks that it agrees with the
// central directory, and sets `entry.data_offset`. The member's data must end
// before `directory_offset`. Throws error(invalid_input).
void check_local_header(std::span<const std::byte> file, zip_entry& entry, std::uint64_t directory_offset);

}  // namespace eisgrid::npz::detail
