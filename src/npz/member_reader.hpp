#pragma once
// Turns a ZIP entry of an .npz into an array: locates its bytes, inflates
// them (in parallel when the member carries eisgrid's chunk table), checks the
// CRC, and splits the .npy header from the data.

#include <cstddef>
#include <span>

#include "npz/array.hpp"
#include "npz/zip_directory.hpp"

namespace eisgrid::npz::detail {

// Parses only the member's .npy header, inflating no more than it needs.
// Throws error(invalid_input) without the file or member name.
[[nodiscard]] array_header read_member_header(std::span<const std::byte> file, const zip_entry& entry);

// The data of a stored (uncompressed) member, in place within `file`, after
// verifying its CRC on up to `threads` threads; sets `header`. Precondition:
// the entry is stored. Throws error(invalid_input) like read_member.
[[nodiscard]] std::span<const std::byte> stored_member_data(std::span<const std::byte> file, const zip_entry& entry, unsigned threads,
                                                            array_header& header);

// Reads the whole member on up to `threads` threads and verifies its CRC.
// For an object ('|O') array, `data` is the pickle that follows the header.
// Throws error(invalid_input) ("CRC mismatch", "corrupt deflate data", ...).
[[nodiscard]] array read_member(std::span<const std::byte> file, const zip_entry& entry, unsigned threads);

}  // namespace eisgrid::npz::detail
