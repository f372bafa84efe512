#include "catalog/api_key.hpp"

#include <openssl/rand.h>

#include <array>

#include "base/error.hpp"
#include "base/hex.hpp"
#include "base/sha256.hpp"

namespace eisgrid::catalog {

std::string generate_api_key() {
  std::array<unsigned char, k_api_key_random_bytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw error(error_kind::internal, "cannot generate an API key: the random generator failed");
  }
  return std::string(k_api_key_prefix) + to_hex(bytes);
}

std::string hash_api_key(std::string_view key) { return sha256_hex(key); }

}  // namespace eisgrid::catalog
