#pragma once
// Turns a ZIP entry of an .npz into an array: locates its bytes, inflates
// them (in parallel when the member carries eisgrid's chunk table), checks the
// CRC, and splits the .npy header from the data.

#include <cstddef>
#include <functional>
#include <span>

#include "npz/array.hpp"
#include "npz/mapped_file.hpp"
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
[[nodiscard]] array read_member(const archive_bytes& archive, const zip_entry& entry, unsigned threads);

// Receives a member's data a piece at a time, in order; each piece is whole elements.
using data_sink = std::function<void(std::span<const std::byte>)>;

// Streams the member's data (after the .npy header) through `sink` and checks
// it as read_member does, with the same errors, holding at most a few chunks
// or k_scan_piece_bytes pieces of it at once. With `release_pages`, the
// archive is a mapping whose pages are given back to the kernel once read
// (chunks, copied out, touch none), so that the file's pages do not stay
// resident either. A sink that records what it finds
// rather than throwing leaves the member's own errors first, as read_member
// reports them.
[[nodiscard]] array_header scan_member(const archive_bytes& archive, const zip_entry& entry, unsigned threads, bool release_pages,
                                       const data_sink& sink);

}  // namespace eisgrid::npz::detail
