#include "npz/pickle.hpp"

#include "base/untrusted_json.hpp"
#include "base/utf8.hpp"
#include "npz/byte_order.hpp"
#include "npz/pickle_machine.hpp"
#include "npz/pickle_objects.hpp"

namespace eisgrid::npz {
namespace {

using detail::object_id;
using detail::object_kind;
using detail::pickle_error;
using detail::pickle_object;

// The old exporter's dicts are two levels deep with ~100 values; these bound
// what a hostile pickle can make us build (shared or cyclic references would
// otherwise expand without limit). The depth is the one every untrusted JSON
// document gets, since the result is handled as JSON from here on.
constexpr std::size_t k_max_depth = k_max_json_depth;
constexpr std::size_t k_max_json_values = 1'000'000;

// Descr names of object arrays: "O8" on 64-bit hosts, "O4" on 32-bit ones.
bool is_object_dtype(const std::string& descr) { return descr == "O" || descr == "O8" || descr == "O4"; }

class json_converter {
 public:
  explicit json_converter(const detail::pickle_arena& arena) : arena_(arena) {}

  nlohmann::json convert(object_id id, std::size_t depth) {
    if (depth > k_max_depth) pickle_error("values nested deeper than " + std::to_string(k_max_depth));
    if (++values_ > k_max_json_values) pickle_error("more than " + std::to_string(k_max_json_values) + " values");
    const pickle_object& o = arena_[id];
    switch (o.kind) {
      case object_kind::none: return nullptr;
      case object_kind::boolean: return o.boolean;
      case object_kind::integer: return o.integer;
      case object_kind::unsigned_integer: return o.unsigned_integer;
      case object_kind::floating: return o.floating;
      case object_kind::text: return o.text;
      case object_kind::list:
      case object_kind::tuple: {
        nlohmann::json out = nlohmann::json::array();
        for (object_id item : o.items) out.push_back(convert(item, depth + 1));
        return out;
      }
      case object_kind::dict: {
        nlohmann::json out = nlohmann::json::object();
        for (std::size_t i = 0; i + 1 < o.items.size(); i += 2) {
          const pickle_object& key = arena_[o.items[i]];
          if (key.kind != object_kind::text) pickle_error("a dict key that is not a string");
          out[key.text] = convert(o.items[i + 1], depth + 1);  // a repeated key keeps its last value, as in Python
        }
        return out;
      }
      case object_kind::ndarray: return convert_array(o, depth);
      case object_kind::bytes: pickle_error("a bytes value, which JSON cannot hold");
      case object_kind::global: pickle_error("a reference to '" + printable(o.text) + "' used as a value");
      case object_kind::dtype: pickle_error("a numpy dtype used as a value");
    }
    pickle_error("an unknown value");
  }

 private:
  // A 0-d object array is its one element; other arrays become nested lists.
  nlohmann::json convert_array(const pickle_object& a, std::size_t depth) {
    if (!a.built) pickle_error("a numpy array without its state");
    const pickle_object& d = arena_[a.array_dtype];
    std::uint64_t count = 1;
    for (std::uint64_t dim : a.shape) count = detail::checked_mul(count, dim, "pickled array size");
    if (count > k_max_json_values) pickle_error("an array of " + std::to_string(count) + " elements");
    const bool objects = is_object_dtype(d.text);
    const std::size_t size = objects ? 0 : detail::element_size(d.text);
    if (!objects && size == 0) pickle_error("a numpy array of dtype '" + printable(d.text) + "'");
    if (objects ? a.items.size() != count : a.text.size() != count * size) {
      pickle_error("a numpy array whose data does not match its shape");
    }
    std::size_t next = 0;
    auto element = [&]() -> nlohmann::json {
      const std::size_t i = next++;
      if (objects) return convert(a.items[i], depth + 1);
      if (++values_ > k_max_json_values) pickle_error("more than " + std::to_string(k_max_json_values) + " values");
      const pickle_object value = detail::decode_element(d.text, d.byte_order, std::string_view(a.text).substr(i * size, size));
      detail::pickle_arena scratch;
      return json_converter(scratch).convert(scratch.add(value), 0);
    };
    return nest(a.shape, 0, element, depth);
  }

  template <typename F>
  nlohmann::json nest(const std::vector<std::uint64_t>& shape, std::size_t axis, F& element, std::size_t depth) {
    if (axis == shape.size()) return element();
    if (depth + axis > k_max_depth) pickle_error("values nested deeper than " + std::to_string(k_max_depth));
    nlohmann::json out = nlohmann::json::array();
    for (std::uint64_t i = 0; i < shape[axis]; ++i) out.push_back(nest(shape, axis + 1, element, depth));
    return out;
  }

  const detail::pickle_arena& arena_;
  std::size_t values_ = 0;
};

}  // namespace

nlohmann::json read_pickled_object(std::span<const std::byte> pickle) {
  detail::pickle_arena arena;
  const object_id root = detail::run_pickle(pickle, arena);
  return json_converter(arena).convert(root, 0);
}

}  // namespace eisgrid::npz
