#pragma once
// The dict literal inside an .npy header, e.g.
//   {'descr': '<f4', 'fortran_order': False, 'shape': (3, 5), }
// parsed as the small Python grammar it is (never evaluated).

#include <string_view>

#include "npz/array.hpp"

namespace eisgrid::npz::detail {

// Throws error(invalid_input) "malformed .npy header: <reason>" for anything
// but the three keys with literal values, "unsupported dtype '<x>'" for a
// descr eisgrid does not model and "big-endian ..." for '>' data.
[[nodiscard]] array_header parse_npy_dict(std::string_view text);

// The dtype of a numpy descr string such as "<f4"; same errors.
[[nodiscard]] dtype parse_descr(std::string_view descr);

}  // namespace eisgrid::npz::detail
