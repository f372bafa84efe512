#pragma once
// The values a numpy object-array pickle builds, modelled as plain data in an
// arena. Objects refer to each other by index, so a memoised list that is
// appended to later is shared, and a cyclic or exponentially shared graph
// costs no more memory than its opcodes; only conversion to JSON expands it,
// under a budget.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"

namespace eisgrid::npz::detail {

// The callables numpy's pickles name. They are recognised, never called.
enum class known_global {
  reconstruct,    // numpy.core.multiarray._reconstruct (numpy._core in numpy 2)
  ndarray,        // numpy.ndarray
  dtype,          // numpy.dtype
  scalar,         // numpy.core.multiarray.scalar
  codecs_encode,  // _codecs.encode: protocol 2's spelling of bytes
  frombuffer,     // numpy.core.numeric._frombuffer: protocol 5's numeric arrays
};

enum class object_kind { none, boolean, integer, unsigned_integer, floating, text, bytes, list, tuple, dict, global, ndarray, dtype };

using object_id = std::size_t;

struct pickle_object {
  pickle_object(object_kind k = object_kind::none) noexcept : kind(k) {}  // NOLINT: implicit from a kind on purpose

  object_kind kind;
  bool boolean = false;
  std::int64_t integer = 0;
  std::uint64_t unsigned_integer = 0;  // integers in [2^63, 2^64)
  double floating = 0;
  // text (UTF-8), bytes, a dtype's descr ("f8", "U3", "O8"), or a global's dotted name
  std::string text;
  // list and tuple items; dict keys and values alternating; an ndarray's elements
  std::vector<object_id> items;
  known_global global = known_global::ndarray;
  // dtype: '<', '>', '|' or '='; ndarray: its dtype, shape, and raw bytes when not an object array
  char byte_order = '|';
  object_id array_dtype = 0;
  std::vector<std::uint64_t> shape;
  bool built = false;  // BUILD has set an ndarray's or dtype's state
};

[[noreturn]] inline void pickle_error(const std::string& reason) { throw error(error_kind::invalid_input, "unreadable pickle: " + reason); }

class pickle_arena {
 public:
  // Far more than the old exporter's ~100 objects; bounds memory for hostile input.
  static constexpr std::size_t k_max_objects = 1'000'000;

  object_id add(pickle_object object) {
    if (objects_.size() >= k_max_objects) pickle_error("more than " + std::to_string(k_max_objects) + " objects");
    objects_.push_back(std::move(object));
    return objects_.size() - 1;
  }
  [[nodiscard]] pickle_object& operator[](object_id id) { return objects_[id]; }
  [[nodiscard]] const pickle_object& operator[](object_id id) const { return objects_[id]; }

 private:
  std::vector<pickle_object> objects_;
};

// Bytes per element of a numpy dtype name ("f8", "i4", "b1", "U3"), or 0 for
// any dtype eisgrid does not decode. In pickle_values.cpp.
[[nodiscard]] std::size_t element_size(std::string_view descr);
// One element of that dtype in `byte_order` ('<', '>', '|', '='), decoded
// from exactly element_size(descr) bytes of `raw` as a plain object.
[[nodiscard]] pickle_object decode_element(std::string_view descr, char byte_order, std::string_view raw);

// numpy's semantics, in pickle_numpy.cpp. Each throws error(invalid_input).
// The global named module.name, or "pickle refers to 'os.system', which eisgrid does not load".
[[nodiscard]] known_global resolve_global(const std::string& module, const std::string& name);
// callable(*args) for a known global.
[[nodiscard]] object_id reduce(pickle_arena& arena, object_id callable, object_id args);
// obj.__setstate__(state) for an ndarray or a dtype.
void build(pickle_arena& arena, object_id target, object_id state);

}  // namespace eisgrid::npz::detail
