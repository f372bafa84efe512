#pragma once
// Plain values packed into the byte buffers that ranks exchange (broadcast,
// gather). Every rank runs the same program on the same kind of machine, so
// values travel in their in-memory form; lengths precede strings and vectors.

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "cluster/world.hpp"

namespace eisgrid::cluster {

template <class T>
concept plain_value = std::is_trivially_copyable_v<T>;

class message_writer {
 public:
  template <plain_value T>
  void put(const T& value) {
    append(&value, sizeof value);
  }
  template <plain_value T>
  void put_vector(std::span<const T> values) {
    put<std::uint64_t>(values.size());
    append(values.data(), values.size_bytes());
  }
  void put_string(std::string_view s);
  [[nodiscard]] byte_buffer take() { return std::move(bytes_); }

 private:
  void append(const void* data, std::size_t n);
  byte_buffer bytes_;
};

// Throws error(internal) if the message ends before what is read.
class message_reader {
 public:
  explicit message_reader(std::span<const std::byte> bytes) : bytes_(bytes) {}
  template <plain_value T>
  [[nodiscard]] T get() {
    T value;
    std::memcpy(&value, take(sizeof value), sizeof value);
    return value;
  }
  template <plain_value T>
  [[nodiscard]] std::vector<T> get_vector() {
    const auto n = get<std::uint64_t>();
    check(n <= remaining() / sizeof(T));
    std::vector<T> values(n);
    if (n) std::memcpy(values.data(), take(n * sizeof(T)), n * sizeof(T));
    return values;
  }
  [[nodiscard]] std::string get_string();
  [[nodiscard]] std::size_t remaining() const noexcept { return bytes_.size() - at_; }

 private:
  const std::byte* take(std::size_t n);
  void check(bool ok) const;
  std::span<const std::byte> bytes_;
  std::size_t at_ = 0;
};

}  // namespace eisgrid::cluster
