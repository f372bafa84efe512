// The .npy preamble: "\x93NUMPY", a version, a little-endian header length and
// a Python dict literal, padded with spaces and a newline so that the data
// starts on a 64-byte boundary. Writing reproduces numpy 1.24 byte for byte;
// reading accepts exactly the literals numpy and older writers produce.

#include <array>
#include <string>

#include "base/error.hpp"
#include "npz/array.hpp"
#include "npz/byte_order.hpp"
#include "npz/npy_dict.hpp"

namespace eisgrid::npz {
namespace {

constexpr std::array<char, 6> k_magic = {'\x93', 'N', 'U', 'M', 'P', 'Y'};
// Data starts at a multiple of this, numpy's ARRAY_ALIGN, so it can be mmapped.
constexpr std::size_t k_array_align = 64;
// magic + major + minor, then a 2-byte (version 1) or 4-byte (2 and 3) length.
constexpr std::size_t k_prefix_v1 = 10;
constexpr std::size_t k_prefix_v2 = 12;
constexpr std::size_t k_max_v1_header = 0xFFFF;
// numpy leaves room after the dict so the first axis can grow in place to 21 digits.
constexpr std::size_t k_growth_axis_max_digits = 21;
// numpy refuses headers over 10000 bytes unless trusted; real shapes need < 1 KiB.
constexpr std::uint64_t k_max_header_bytes = 1 << 20;

std::string shape_repr(const std::vector<std::uint64_t>& shape) {
  std::string out = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(shape[i]);
  }
  if (shape.size() == 1) out += ",";  // Python's one-element tuple
  return out + ")";
}

std::vector<std::byte> wrap_header(const std::string& dict, std::size_t prefix, std::uint8_t major) {
  const std::size_t text = dict.size() + 1;  // + the final '\n'
  const std::size_t pad = k_array_align - (prefix + text) % k_array_align;
  std::vector<std::byte> out;
  out.reserve(prefix + text + pad);
  detail::byte_sink sink(out);
  sink.text({k_magic.data(), k_magic.size()});
  sink.u8(major);
  sink.u8(0);
  if (prefix == k_prefix_v1) {
    sink.u16(static_cast<std::uint16_t>(text + pad));
  } else {
    sink.u32(static_cast<std::uint32_t>(text + pad));
  }
  sink.text(dict);
  sink.text(std::string(pad, ' '));
  sink.u8('\n');
  return out;
}

}  // namespace

std::vector<std::byte> encode_npy_header(const array_header& header) {
  std::string dict = "{'descr': '" + header.type.descr() + "', 'fortran_order': " + (header.fortran_order ? "True" : "False") +
                     ", 'shape': " + shape_repr(header.shape) + ", }";
  if (!header.shape.empty()) {
    const std::uint64_t growing_axis = header.fortran_order ? header.shape.back() : header.shape.front();
    dict += std::string(k_growth_axis_max_digits - std::to_string(growing_axis).size(), ' ');
  }
  const std::size_t text = dict.size() + 1;
  if (text + k_array_align - (k_prefix_v1 + text) % k_array_align <= k_max_v1_header) {
    return wrap_header(dict, k_prefix_v1, 1);
  }
  if (text + k_array_align > k_max_header_bytes) {
    throw error(error_kind::usage, "the array has too many dimensions for an .npy header");
  }
  return wrap_header(dict, k_prefix_v2, 2);
}

namespace {

// Reads magic, version and header length; leaves `in` at the dict.
std::size_t read_preamble(detail::byte_source& in) {
  const std::string_view magic = in.text(k_magic.size());
  if (magic != std::string_view(k_magic.data(), k_magic.size())) {
    throw error(error_kind::invalid_input, "not an .npy array (bad magic)");
  }
  const std::uint8_t major = in.u8();
  const std::uint8_t minor = in.u8();
  if (major < 1 || major > 3 || minor != 0) {
    throw error(error_kind::invalid_input, "unsupported .npy version " + std::to_string(major) + "." + std::to_string(minor));
  }
  const std::uint64_t length = major == 1 ? in.u16() : in.u32();
  if (length > k_max_header_bytes) {
    throw error(error_kind::invalid_input,
                ".npy header of " + std::to_string(length) + " bytes is over the " + std::to_string(k_max_header_bytes) + "-byte limit");
  }
  return static_cast<std::size_t>(length);
}

}  // namespace

array_header decode_npy_header(std::span<const std::byte> bytes, std::size_t& data_offset) {
  detail::byte_source in(bytes, ".npy header");
  const std::size_t length = read_preamble(in);
  // Versions 1 and 2 are latin-1, 3 is UTF-8; the grammar is ASCII-only either way.
  array_header header = detail::parse_npy_dict(in.text(length));
  (void)header.data_bytes();  // rejects shapes whose byte size overflows
  data_offset = in.position();
  return header;
}

std::size_t detail::npy_preamble_size(std::span<const std::byte> first) {
  detail::byte_source in(first, ".npy header");
  const std::size_t length = read_preamble(in);
  return in.position() + length;
}

}  // namespace eisgrid::npz
