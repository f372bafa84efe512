#pragma once
// The pickle virtual machine, restricted to the opcodes of protocols 2 to 5
// that numpy's object-array pickles use. It builds plain objects (see
// pickle_objects.hpp); GLOBAL and STACK_GLOBAL resolve only numpy's own
// reconstruction names, and REDUCE and BUILD are modelled, never executed.

#include <cstddef>
#include <span>

#include "npz/pickle_objects.hpp"

namespace eisgrid::npz::detail {

// Runs the pickle to its STOP and returns the object left on the stack.
// Throws error(invalid_input) for unsupported opcodes, refused globals,
// truncated input and every limit (stack, memo, nesting, sizes).
[[nodiscard]] object_id run_pickle(std::span<const std::byte> pickle, pickle_arena& arena);

}  // namespace eisgrid::npz::detail
