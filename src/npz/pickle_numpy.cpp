// What numpy's reconstruction calls would produce, computed from their
// arguments without calling anything: _reconstruct(ndarray, shape, b'b')
// makes an empty array that BUILD fills from (version, shape, dtype,
// is_fortran, data); dtype(descr, align, copy) with BUILD's (version,
// byteorder, ...); scalar(dtype, bytes) is a number decoded from its bytes.

#include <array>
#include <cstring>

#include "base/utf8.hpp"
#include "npz/pickle_objects.hpp"

namespace eisgrid::npz::detail {
namespace {

struct global_name {
  std::string_view module;
  std::string_view name;
  known_global global;
};
// numpy 2 moved numpy.core to numpy._core; files from both must load.
constexpr std::array<global_name, 9> k_allowed_globals = {{
    {"numpy.core.multiarray", "_reconstruct", known_global::reconstruct},
    {"numpy._core.multiarray", "_reconstruct", known_global::reconstruct},
    {"numpy", "ndarray", known_global::ndarray},
    {"numpy", "dtype", known_global::dtype},
    {"numpy.core.multiarray", "scalar", known_global::scalar},
    {"numpy._core.multiarray", "scalar", known_global::scalar},
    {"_codecs", "encode", known_global::codecs_encode},
    {"numpy.core.numeric", "_frombuffer", known_global::frombuffer},
    {"numpy._core.numeric", "_frombuffer", known_global::frombuffer},
}};

const pickle_object& tuple_of(const pickle_arena& arena, object_id id, std::size_t min_size, const char* what) {
  const pickle_object& t = arena[id];
  if (t.kind != object_kind::tuple || t.items.size() < min_size) pickle_error(std::string("bad arguments to ") + what);
  return t;
}

const pickle_object& of_kind(const pickle_arena& arena, object_id id, object_kind kind, const char* what) {
  if (arena[id].kind != kind) pickle_error(std::string("bad ") + what);
  return arena[id];
}

object_id make_dtype(pickle_arena& arena, const pickle_object& args) {
  pickle_object d{object_kind::dtype};
  d.text = of_kind(arena, args.items[0], object_kind::text, "dtype name").text;
  return arena.add(std::move(d));
}

std::vector<std::uint64_t> dimensions(const pickle_arena& arena, object_id shape) {
  std::vector<std::uint64_t> dims;
  for (object_id dim : of_kind(arena, shape, object_kind::tuple, "array shape").items) {
    const pickle_object& d = of_kind(arena, dim, object_kind::integer, "array dimension");
    if (d.integer < 0) pickle_error("a negative array dimension");
    dims.push_back(static_cast<std::uint64_t>(d.integer));
  }
  return dims;
}

// _frombuffer(data, dtype, shape, order): a complete numeric array.
object_id array_from_buffer(pickle_arena& arena, const pickle_object& args) {
  pickle_object array{object_kind::ndarray};
  array.text = of_kind(arena, args.items[0], object_kind::bytes, "array data").text;
  array.array_dtype = args.items[1];
  (void)of_kind(arena, array.array_dtype, object_kind::dtype, "array dtype");
  array.shape = dimensions(arena, args.items[2]);
  if (of_kind(arena, args.items[3], object_kind::text, "array order").text != "C" && array.shape.size() > 1) {
    pickle_error("a Fortran-ordered array");
  }
  array.built = true;
  return arena.add(std::move(array));
}

object_id make_array(pickle_arena& arena, const pickle_object& args) {
  const pickle_object& cls = of_kind(arena, args.items[0], object_kind::global, "array class");
  if (cls.global != known_global::ndarray) pickle_error("_reconstruct of something other than numpy.ndarray");
  return arena.add({object_kind::ndarray});
}

// _codecs.encode(text, "latin1"): each code point below 256 becomes one byte.
object_id latin1_bytes(pickle_arena& arena, const pickle_object& args) {
  const std::string& text = of_kind(arena, args.items[0], object_kind::text, "_codecs.encode argument").text;
  if (of_kind(arena, args.items[1], object_kind::text, "_codecs.encode encoding").text != "latin1") {
    pickle_error("_codecs.encode with an encoding other than latin1");
  }
  pickle_object out{object_kind::bytes};
  for (char32_t c : decode_utf8(text, "a pickled string")) {
    if (c > 0xFF) pickle_error("_codecs.encode of a character outside latin-1");
    out.text.push_back(static_cast<char>(c));
  }
  return arena.add(std::move(out));
}

}  // namespace

known_global resolve_global(const std::string& module, const std::string& name) {
  for (const auto& allowed : k_allowed_globals) {
    if (module == allowed.module && name == allowed.name) return allowed.global;
  }
  throw error(error_kind::invalid_input, "pickle refers to '" + printable(module + "." + name) + "', which eisgrid does not load");
}

object_id reduce(pickle_arena& arena, object_id callable, object_id args_id) {
  if (arena[callable].kind != object_kind::global) pickle_error("REDUCE of something that is not a known callable");
  switch (arena[callable].global) {
    case known_global::reconstruct: return make_array(arena, tuple_of(arena, args_id, 3, "_reconstruct"));
    case known_global::dtype: return make_dtype(arena, tuple_of(arena, args_id, 1, "dtype"));
    case known_global::codecs_encode: return latin1_bytes(arena, tuple_of(arena, args_id, 2, "_codecs.encode"));
    case known_global::scalar: {
      const pickle_object& args = tuple_of(arena, args_id, 2, "scalar");
      const pickle_object& d = of_kind(arena, args.items[0], object_kind::dtype, "scalar dtype");
      const std::string& raw = of_kind(arena, args.items[1], object_kind::bytes, "scalar data").text;
      if (element_size(d.text) == 0 || raw.size() != element_size(d.text))
        pickle_error("a numpy scalar of dtype '" + printable(d.text) + "'");
      return arena.add(decode_element(d.text, d.byte_order, raw));  // the references die here, not before
    }
    case known_global::frombuffer: return array_from_buffer(arena, tuple_of(arena, args_id, 4, "_frombuffer"));
    case known_global::ndarray: break;
  }
  pickle_error("a call to numpy.ndarray");
}

void build(pickle_arena& arena, object_id target, object_id state_id) {
  pickle_object& t = arena[target];
  if (t.built) pickle_error("BUILD applied twice");
  if (t.kind == object_kind::dtype) {
    const pickle_object& state = tuple_of(arena, state_id, 2, "dtype state");
    const std::string& order = of_kind(arena, state.items[1], object_kind::text, "dtype byte order").text;
    if (order.size() != 1 || std::string_view("<>|=").find(order[0]) == std::string_view::npos) {
      pickle_error("bad dtype byte order");
    }
    arena[target].byte_order = order[0];
    arena[target].built = true;
    return;
  }
  if (t.kind != object_kind::ndarray) pickle_error("BUILD on something other than a numpy array or dtype");
  // (version, shape, dtype, is_fortran, data)
  const pickle_object& state = tuple_of(arena, state_id, 5, "array state");
  const std::vector<object_id> fields = state.items;  // `state` may move as the arena grows
  std::vector<std::uint64_t> dims = dimensions(arena, fields[1]);
  (void)of_kind(arena, fields[2], object_kind::dtype, "array dtype");
  if (of_kind(arena, fields[3], object_kind::boolean, "array order").boolean && dims.size() > 1) {
    pickle_error("a Fortran-ordered array");
  }
  pickle_object& array = arena[target];
  array.shape = std::move(dims);
  array.array_dtype = fields[2];
  const pickle_object& data = arena[fields[4]];
  if (data.kind == object_kind::list) {
    array.items = data.items;  // an object array: its elements
  } else if (data.kind == object_kind::bytes) {
    array.text = data.text;  // raw little- or big-endian elements, decoded when converted
  } else {
    pickle_error("bad array data");
  }
  array.built = true;
}

}  // namespace eisgrid::npz::detail
