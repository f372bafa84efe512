// numpy scalars inside a pickle: the bytes of one element plus a dtype name,
// as numpy.core.multiarray.scalar(dtype, bytes) would interpret them.

#include <bit>
#include <charconv>
#include <cstring>

#include "base/utf8.hpp"
#include "npz/pickle_objects.hpp"

namespace eisgrid::npz::detail {
namespace {

// '<U{n}': one UTF-32 code unit per character; numpy caps n far below this.
constexpr std::size_t k_max_unicode_chars = std::size_t{1} << 24;

std::uint64_t load(std::string_view raw, bool big_endian) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const std::size_t at = big_endian ? raw.size() - 1 - i : i;
    v |= std::uint64_t{static_cast<unsigned char>(raw[at])} << (8 * i);
  }
  return v;
}

std::int64_t sign_extend(std::uint64_t v, std::size_t bytes) {
  if (bytes < 8 && (v >> (8 * bytes - 1)) != 0) v |= ~std::uint64_t{0} << (8 * bytes);
  return static_cast<std::int64_t>(v);
}

}  // namespace

std::size_t element_size(std::string_view descr) {
  if (descr.size() < 2) return 0;
  const char kind = descr[0];
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(descr.data() + 1, descr.data() + descr.size(), n);
  if (ec != std::errc() || end != descr.data() + descr.size() || n == 0) return 0;
  switch (kind) {
    case 'f': return n == 4 || n == 8 ? n : 0;
    case 'i':
    case 'u': return n == 1 || n == 2 || n == 4 || n == 8 ? n : 0;
    case 'b': return n == 1 ? 1 : 0;
    case 'U': return n <= k_max_unicode_chars ? n * 4 : 0;
    default: return 0;
  }
}

pickle_object decode_element(std::string_view descr, char byte_order, std::string_view raw) {
  const bool big_endian = byte_order == '>';
  const std::size_t size = element_size(descr);
  if (size == 0 || raw.size() != size) pickle_error("a numpy value of dtype '" + printable(descr) + "'");
  pickle_object out;
  switch (descr[0]) {
    case 'f':
      out.kind = object_kind::floating;
      out.floating = size == 4 ? static_cast<double>(std::bit_cast<float>(static_cast<std::uint32_t>(load(raw, big_endian))))
                               : std::bit_cast<double>(load(raw, big_endian));
      return out;
    case 'i':
      out.kind = object_kind::integer;
      out.integer = sign_extend(load(raw, big_endian), size);
      return out;
    case 'u':
      out.unsigned_integer = load(raw, big_endian);
      if ((out.unsigned_integer >> 63) != 0) {
        out.kind = object_kind::unsigned_integer;
      } else {
        out.kind = object_kind::integer;
        out.integer = static_cast<std::int64_t>(out.unsigned_integer);
      }
      return out;
    case 'b':
      out.kind = object_kind::boolean;
      out.boolean = raw[0] != 0;
      return out;
    default: {  // 'U'
      std::u32string units;
      for (std::size_t at = 0; at < raw.size(); at += 4) {
        units.push_back(static_cast<char32_t>(load(raw.substr(at, 4), big_endian)));
      }
      while (!units.empty() && units.back() == U'\0') units.pop_back();  // numpy's padding
      out.kind = object_kind::text;
      out.text = encode_utf8(units, "a pickled numpy string");
      return out;
    }
  }
}

}  // namespace eisgrid::npz::detail
