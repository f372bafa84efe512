#pragma once
// API keys: 256 random bits from OpenSSL's CSPRNG, shown to the user once.
// The catalog stores only the SHA-256 of a key (and a short prefix to tell
// keys apart in listings), so a leaked database does not leak keys. A plain
// hash is enough: the key has 256 bits of entropy, nothing to brute-force.

#include <string>
#include <string_view>

namespace eisgrid::catalog {

inline constexpr std::string_view k_api_key_prefix = "eisgrid_";
inline constexpr std::size_t k_api_key_random_bytes = 32;
inline constexpr std::size_t k_api_key_shown_prefix = 12;

// Throws error(internal) if the random generator fails.
[[nodiscard]] std::string generate_api_key();
[[nodiscard]] std::string hash_api_key(std::string_view key);

}  // namespace eisgrid::catalog
