#pragma once
// SHA-256 (OpenSSL EVP) of files and strings, as lowercase hex: the catalog's
// file hashes and key digests, and a new dataset's, taken as it is flushed.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace eisgrid {

struct file_digest {
  std::string sha256;  // 64 hex digits
  std::uint64_t size = 0;
};

// Reads the whole file, opened by open_regular_file. Throws error(not_found)
// if it is missing, error(invalid_input) for a link or a non-regular file,
// error(io) if it cannot be read. Thread-safe.
[[nodiscard]] file_digest sha256_file(const std::filesystem::path& path);
// The bytes of `fd` from its position to its end; `name` is for messages.
[[nodiscard]] file_digest sha256_of(int fd, const std::string& name);
[[nodiscard]] std::string sha256_hex(std::string_view data);

}  // namespace eisgrid
