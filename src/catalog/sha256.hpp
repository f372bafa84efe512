#pragma once
// SHA-256 (OpenSSL EVP) of files and strings, as lowercase hex. A dataset's
// short hash is the first 16 hex digits of its file's SHA-256.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace eisgrid::catalog {

inline constexpr std::size_t k_short_hash_digits = 16;

struct file_digest {
  std::string sha256;  // 64 hex digits
  std::uint64_t size = 0;
};

// Reads the whole file, opened by open_regular_file. Throws error(not_found)
// if it is missing, error(invalid_input) for a link or a non-regular file,
// error(io) if it cannot be read. Thread-safe.
[[nodiscard]] file_digest sha256_file(const std::filesystem::path& path);
[[nodiscard]] std::string sha256_hex(std::string_view data);
[[nodiscard]] inline std::string short_hash(std::string_view sha256) { return std::string(sha256.substr(0, k_short_hash_digits)); }

}  // namespace eisgrid::catalog
