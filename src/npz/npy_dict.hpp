#pragma once
// The dict literal inside an .npy header, e.g.
//   {'descr': '<f4', 'fortran_order': False, 'shape': (3, 5), }
// parsed as the small Python grammar it is (never evaluated).

#include <cstddef>
#include <span>
#include <string_view>

#include "npz/array.hpp"

namespace eisgrid::npz::detail {

// Throws error(invalid_input) "malformed .npy header: <reason>" for anything
// but the three keys with literal values, "unsupported dtype '<x>'" for a
// descr eisgrid does not model and "big-endian ..." for '>' data.
[[nodiscard]] array_header parse_npy_dict(std::string_view text);

// The preamble (magic, version, length, dict and padding) is this long,
// judged from its first k_npy_length_probe bytes (or fewer, for a version 1
// header). Throws error(invalid_input) like decode_npy_header.
inline constexpr std::size_t k_npy_length_probe = 12;
[[nodiscard]] std::size_t npy_preamble_size(std::span<const std::byte> first);

// The dtype of a numpy descr string such as "<f4"; same errors.
[[nodiscard]] dtype parse_descr(std::string_view descr);

}  // namespace eisgrid::npz::detail
