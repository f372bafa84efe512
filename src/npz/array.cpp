#include "npz/array.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "base/error.hpp"
#include "base/utf8.hpp"
#include "npz/byte_order.hpp"

namespace eisgrid::npz {
namespace {

// numpy stores each '<U' character as one UTF-32 code unit.
constexpr std::size_t k_utf32_unit_bytes = 4;

}  // namespace

std::size_t dtype::item_size() const noexcept {
  switch (kind) {
    case dtype_kind::uint8:
    case dtype_kind::boolean: return 1;
    case dtype_kind::float32:
    case dtype_kind::int32:
    case dtype_kind::uint32: return 4;
    case dtype_kind::float64:
    case dtype_kind::int64:
    case dtype_kind::uint64: return 8;
    case dtype_kind::unicode: return unicode_length * k_utf32_unit_bytes;
    case dtype_kind::object: return 0;
  }
  return 0;
}

std::string dtype::descr() const {
  switch (kind) {
    case dtype_kind::float32: return "<f4";
    case dtype_kind::float64: return "<f8";
    case dtype_kind::int32: return "<i4";
    case dtype_kind::int64: return "<i8";
    case dtype_kind::uint8: return "|u1";
    case dtype_kind::uint32: return "<u4";
    case dtype_kind::uint64: return "<u8";
    case dtype_kind::boolean: return "|b1";
    case dtype_kind::unicode: return "<U" + std::to_string(unicode_length);
    case dtype_kind::object: return "|O";
  }
  return "?";
}

std::uint64_t array_header::element_count() const {
  std::uint64_t count = 1;
  for (std::uint64_t d : shape) count = detail::checked_mul(count, d, "the array's element count");
  return count;
}

std::uint64_t array_header::data_bytes() const {
  // unicode_length is bounded when parsed, but a caller may set any value.
  const std::uint64_t item = type.kind == dtype_kind::unicode
                                 ? detail::checked_mul(type.unicode_length, k_utf32_unit_bytes, "the array's item size")
                                 : type.item_size();
  return detail::checked_mul(element_count(), item, "the array's byte size");
}

template <typename T>
std::span<const T> array::as() const {
  if (header.type != dtype_of<T>()) {
    throw error(error_kind::invalid_input, "array has dtype '" + header.type.descr() + "', not '" + dtype_of<T>().descr() + "'");
  }
  if (data.size() != header.data_bytes()) {
    throw error(error_kind::invalid_input,
                "array holds " + std::to_string(data.size()) + " bytes, its header says " + std::to_string(header.data_bytes()));
  }
  // operator new aligns to __STDCPP_DEFAULT_NEW_ALIGNMENT__ (16), enough for every T here.
  return {reinterpret_cast<const T*>(data.data()), data.size() / sizeof(T)};
}

shared_array::shared_array(array owned) : header_(std::move(owned.header)) {
  auto bytes = std::make_shared<const array_bytes>(std::move(owned.data));
  data_ = *bytes;
  keeper_ = std::move(bytes);
}

shared_array::shared_array(array_header header, std::span<const std::byte> data, std::shared_ptr<const void> keeper, bool mapped) noexcept
    : header_(std::move(header)), data_(data), keeper_(std::move(keeper)), mapped_(mapped) {}

template <typename T>
array make_array(std::span<const T> values, std::vector<std::uint64_t> shape) {
  array a;
  a.header.type = dtype_of<T>();
  a.header.shape = std::move(shape);
  if (a.header.element_count() != values.size()) {
    throw error(error_kind::usage, "make_array: shape holds " + std::to_string(a.header.element_count()) + " elements, values " +
                                       std::to_string(values.size()));
  }
  a.data.resize(values.size_bytes());
  if (!values.empty()) std::memcpy(a.data.data(), values.data(), values.size_bytes());
  return a;
}

#define EISGRID_NPZ_INSTANTIATE(T)                  \
  template std::span<const T> array::as<T>() const; \
  template array make_array<T>(std::span<const T>, std::vector<std::uint64_t>);
EISGRID_NPZ_INSTANTIATE(float)
EISGRID_NPZ_INSTANTIATE(double)
EISGRID_NPZ_INSTANTIATE(std::int32_t)
EISGRID_NPZ_INSTANTIATE(std::int64_t)
EISGRID_NPZ_INSTANTIATE(std::uint8_t)
EISGRID_NPZ_INSTANTIATE(std::uint32_t)
EISGRID_NPZ_INSTANTIATE(std::uint64_t)
#undef EISGRID_NPZ_INSTANTIATE

array make_unicode_scalar(std::string_view utf8) {
  const std::u32string text = decode_utf8(utf8, "the text");
  array a;
  // np.array("") is '<U1' holding one NUL, never '<U0'.
  a.header.type = {dtype_kind::unicode, std::max<std::size_t>(text.size(), 1)};
  a.data.assign(a.header.type.item_size(), std::byte{0});
  std::size_t at = 0;
  for (char32_t c : text) {
    for (std::size_t i = 0; i < k_utf32_unit_bytes; ++i) {
      a.data[at++] = static_cast<std::byte>((static_cast<std::uint32_t>(c) >> (8 * i)) & 0xFF);
    }
  }
  return a;
}

std::string unicode_scalar_text(const array& a) {
  if (a.header.type.kind != dtype_kind::unicode) {
    throw error(error_kind::invalid_input, "array has dtype '" + a.header.type.descr() + "', not a unicode string");
  }
  if (a.header.element_count() != 1) {
    throw error(error_kind::invalid_input, "array holds " + std::to_string(a.header.element_count()) + " strings, not one");
  }
  if (a.data.size() != a.header.data_bytes()) {
    throw error(error_kind::invalid_input, "unicode array's data does not match its header");
  }
  std::u32string units;
  units.reserve(a.header.type.unicode_length);
  for (std::size_t at = 0; at + k_utf32_unit_bytes <= a.data.size(); at += k_utf32_unit_bytes) {
    std::uint32_t c = 0;
    for (std::size_t i = 0; i < k_utf32_unit_bytes; ++i) c |= std::to_integer<std::uint32_t>(a.data[at + i]) << (8 * i);
    units.push_back(static_cast<char32_t>(c));
  }
  // numpy pads short strings with NULs and drops them on the way out, so do we.
  while (!units.empty() && units.back() == U'\0') units.pop_back();
  return encode_utf8(units, "the unicode array");
}

}  // namespace eisgrid::npz
