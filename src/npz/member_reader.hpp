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

// Reads the whole member on up to `threads` threads and verifies its CRC.
// For an object ('|O') array, `data` is the pickle that follows the header.
// Throws error(invalid_input) ("CRC mismatch", "corrupt deflate data", ...).
[[nodiscard]] array read_member(std::span<const std::byte> file, const zip_entry& entry, unsigned threads);

}  // namespace eisgrid::npz::detail
