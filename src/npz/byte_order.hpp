#pragma once
// Little-endian field access for the ZIP and .npy formats. Both formats are
// little-endian on disk whatever the host; eisgrid only builds on
// little-endian hosts (checked below), so array data is never swapped.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.hpp"

namespace eisgrid::npz::detail {

static_assert(std::endian::native == std::endian::little, "eisgrid's .npy data is stored in host order");

// Appends fixed-width little-endian fields to a byte buffer.
class byte_sink {
 public:
  explicit byte_sink(std::vector<std::byte>& out) noexcept : out_(out) {}
  void u8(std::uint8_t v) { out_.push_back(static_cast<std::byte>(v)); }
  void u16(std::uint16_t v) { put(v, 2); }
  void u32(std::uint32_t v) { put(v, 4); }
  void u64(std::uint64_t v) { put(v, 8); }
  void text(std::string_view s) {
    for (char c : s) out_.push_back(static_cast<std::byte>(c));
  }
  void bytes(std::span<const std::byte> b) { out_.insert(out_.end(), b.begin(), b.end()); }

 private:
  void put(std::uint64_t v, int width) {
    for (int i = 0; i < width; ++i) out_.push_back(static_cast<std::byte>((v >> (8 * i)) & 0xFF));
  }
  std::vector<std::byte>& out_;
};

// Reads fixed-width little-endian fields from a bounded span. Every read is
// checked: running past the end throws error(invalid_input) "truncated <what>",
// so a hostile length can never read outside the span.
class byte_source {
 public:
  byte_source(std::span<const std::byte> bytes, std::string what) noexcept : bytes_(bytes), what_(std::move(what)) {}

  [[nodiscard]] std::size_t remaining() const noexcept { return bytes_.size() - pos_; }
  [[nodiscard]] std::size_t position() const noexcept { return pos_; }
  std::uint8_t u8() { return static_cast<std::uint8_t>(get(1)); }
  std::uint16_t u16() { return static_cast<std::uint16_t>(get(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(get(4)); }
  std::uint64_t u64() { return get(8); }
  std::span<const std::byte> bytes(std::size_t n) {
    need(n);
    auto out = bytes_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  std::string_view text(std::size_t n) {
    auto b = bytes(n);
    return {reinterpret_cast<const char*>(b.data()), b.size()};
  }
  void skip(std::size_t n) { (void)bytes(n); }

 private:
  void need(std::size_t n) const {
    if (n > remaining()) throw error(error_kind::invalid_input, "truncated " + what_);
  }
  std::uint64_t get(int width) {
    need(static_cast<std::size_t>(width));
    std::uint64_t v = 0;
    for (int i = 0; i < width; ++i) v |= std::uint64_t{std::to_integer<std::uint8_t>(bytes_[pos_ + i])} << (8 * i);
    pos_ += static_cast<std::size_t>(width);
    return v;
  }

  std::span<const std::byte> bytes_;
  std::string what_;
  std::size_t pos_ = 0;
};

// a + b and a * b, throwing error(invalid_input) "<what> overflows" instead of wrapping.
[[nodiscard]] inline std::uint64_t checked_add(std::uint64_t a, std::uint64_t b, std::string_view what) {
  std::uint64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) throw error(error_kind::invalid_input, std::string(what) + " overflows");
  return r;
}
[[nodiscard]] inline std::uint64_t checked_mul(std::uint64_t a, std::uint64_t b, std::string_view what) {
  std::uint64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) throw error(error_kind::invalid_input, std::string(what) + " overflows");
  return r;
}

}  // namespace eisgrid::npz::detail
