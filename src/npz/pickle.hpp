#pragma once
// A safe reader for the one pickle the old exporter wrote: numpy's pickle of a
// 0-d object array holding a dict of str, int, float, bool, None, lists and
// dicts (and numpy scalars of those kinds). It interprets opcodes itself and
// never imports or calls anything: any GLOBAL/STACK_GLOBAL other than the few
// numpy reconstruction names is refused, and even those are only recognised,
// never run.

#include <cstddef>
#include <span>

#include <nlohmann/json.hpp>

namespace eisgrid::npz {

// Returns the dict (or other plain value) the pickle holds, as JSON.
// Throws error(invalid_input) with the reason for anything else:
// "pickle refers to 'os.system', which eisgrid does not load", "truncated
// pickle", "unreadable pickle: values nested deeper than 64", ...
// Thread-safe (no shared state).
[[nodiscard]] nlohmann::json read_pickled_object(std::span<const std::byte> pickle);

}  // namespace eisgrid::npz
