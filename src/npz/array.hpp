#pragma once
// An .npy array: its header (dtype, shape, order) and its bytes in C order,
// little-endian. Only the dtypes eisgrid writes or must read are modelled.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace eisgrid::npz {

enum class dtype_kind {
  float32,  // '<f4'
  float64,  // '<f8'
  int32,    // '<i4'
  int64,    // '<i8'
  uint8,    // '|u1'
  uint32,   // '<u4'
  uint64,   // '<u8'
  boolean,  // '|b1'
  unicode,  // '<U{n}': UTF-32LE code units, n per element
  object,   // '|O': a pickle stream follows the header
};

struct dtype {
  dtype_kind kind = dtype_kind::float64;
  std::size_t unicode_length = 0;  // n of '<U{n}'

  // Bytes per element (0 for object).
  [[nodiscard]] std::size_t item_size() const noexcept;
  // The numpy descr string, e.g. "<f4".
  [[nodiscard]] std::string descr() const;
  friend bool operator==(const dtype&, const dtype&) = default;
};

// A table, one dtype a line.
// clang-format off
template <typename T> [[nodiscard]] constexpr dtype dtype_of();
template <> constexpr dtype dtype_of<float>() { return {dtype_kind::float32, 0}; }
template <> constexpr dtype dtype_of<double>() { return {dtype_kind::float64, 0}; }
template <> constexpr dtype dtype_of<std::int32_t>() { return {dtype_kind::int32, 0}; }
template <> constexpr dtype dtype_of<std::int64_t>() { return {dtype_kind::int64, 0}; }
template <> constexpr dtype dtype_of<std::uint8_t>() { return {dtype_kind::uint8, 0}; }
template <> constexpr dtype dtype_of<std::uint32_t>() { return {dtype_kind::uint32, 0}; }
template <> constexpr dtype dtype_of<std::uint64_t>() { return {dtype_kind::uint64, 0}; }
// clang-format on

struct array_header {
  dtype type;
  std::vector<std::uint64_t> shape;  // empty for a 0-d array
  bool fortran_order = false;

  // Product of the shape (1 for 0-d). Throws error(invalid_input) on overflow.
  [[nodiscard]] std::uint64_t element_count() const;
  // element_count() * item_size(). Throws error(invalid_input) on overflow.
  [[nodiscard]] std::uint64_t data_bytes() const;
};

// Serialises the .npy preamble (magic, version, header dict, padding to 64 bytes).
// Version 1.0 when the header fits in 65535 bytes, otherwise 2.0.
[[nodiscard]] std::vector<std::byte> encode_npy_header(const array_header& header);

// Parses the preamble at the start of `bytes`. Returns the header and sets
// `data_offset` to where the data starts. Throws error(invalid_input) with a
// clear reason: bad magic, unsupported version, malformed dict, unknown dtype,
// big-endian data, shape overflow.
[[nodiscard]] array_header decode_npy_header(std::span<const std::byte> bytes, std::size_t& data_offset);

// Leaves the elements that resize() adds uninitialised, so that a read can
// size an array and then fill every byte: zeroing a 160 MB member first took
// a tenth of a load's wall time, on one thread (bench/compare.py, load g=10).
template <class T>
struct uninitialized_allocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = uninitialized_allocator<U>;
  };
  uninitialized_allocator() = default;
  template <class U>
  uninitialized_allocator(const uninitialized_allocator<U>& /*other*/) noexcept {
  }  // NOLINT(google-explicit-constructor): allocators convert
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
using array_bytes = std::vector<std::byte, uninitialized_allocator<std::byte>>;

// A whole array held in memory.
struct array {
  array_header header;
  array_bytes data;  // C order (or F order if header.fortran_order), little-endian

  // Views the data as T. Throws error(invalid_input) if the dtype is not T's.
  template <typename T>
  [[nodiscard]] std::span<const T> as() const;
};

// An array whose bytes may live in the file it was read from: a stored
// (uncompressed) member of a mapped archive is not copied, and the kernel may
// drop its clean pages under memory pressure and fault them back on use.
// Otherwise it owns its bytes. Copies share the bytes; they stay valid as long
// as any copy lives, whatever happens to the reader. Safe to read from many
// threads. The data need not be aligned for any T: read it with memcpy.
class shared_array {
 public:
  shared_array() = default;
  // Takes over an array's bytes.
  explicit shared_array(array owned);
  // Borrows `data`, which `keeper` keeps alive; `mapped` says whether it lies in a file mapping.
  shared_array(array_header header, std::span<const std::byte> data, std::shared_ptr<const void> keeper, bool mapped) noexcept;

  [[nodiscard]] const array_header& header() const noexcept { return header_; }
  [[nodiscard]] std::span<const std::byte> data() const noexcept { return data_; }
  // True when the bytes are the file's own pages rather than a copy in memory.
  [[nodiscard]] bool mapped() const noexcept { return mapped_; }

 private:
  array_header header_;
  std::span<const std::byte> data_;
  std::shared_ptr<const void> keeper_;
  bool mapped_ = false;
};

// Builds arrays from typed data; `shape` must match the element count.
// as<T> and make_array<T> are instantiated in array.cpp for the dtype_of<T> types.
template <typename T>
[[nodiscard]] array make_array(std::span<const T> values, std::vector<std::uint64_t> shape);
// A 0-d '<U{n}' array holding `utf8` (numpy's np.array("text")). Throws
// error(invalid_input) if `utf8` is not valid UTF-8.
[[nodiscard]] array make_unicode_scalar(std::string_view utf8);
// The UTF-8 text of a 0-d (or single-element) unicode array, trailing NULs dropped.
[[nodiscard]] std::string unicode_scalar_text(const array& a);

}  // namespace eisgrid::npz
