#pragma once
// Bytes as lowercase hexadecimal, two digits a byte, high nibble first: digests,
// random identifiers and the bytes quoted in messages.

#include <span>
#include <string>

namespace eisgrid {

[[nodiscard]] inline std::string to_hex(std::span<const unsigned char> bytes) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const unsigned char b : bytes) {
    out += k_digits[b >> 4];
    out += k_digits[b & 0xF];
  }
  return out;
}

}  // namespace eisgrid
