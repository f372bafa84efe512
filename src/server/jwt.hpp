#pragma once
// HS256 JSON Web Tokens in Supabase's form: {"alg": "HS256"} header; payload
// with `sub` (the user), `exp` (seconds since the epoch), `aud`
// ("authenticated", or an array holding it) and, if present, `nbf` (not
// valid before; seconds since the epoch). The algorithm is pinned: a token
// whose header names any other algorithm ("none", RS256, ...) is refused
// before its signature is looked at. Signatures are compared in constant time.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace eisgrid::server {

inline constexpr std::string_view k_jwt_audience = "authenticated";
// Leeway for clocks that disagree a little about `exp` and `nbf`.
inline constexpr std::int64_t k_jwt_leeway_seconds = 30;
inline constexpr std::size_t k_max_jwt_bytes = 8192;
// The latest time a token may name (the year 275760, as far as JavaScript's
// Date goes); later, or before 1970, is a malformed token.
inline constexpr std::int64_t k_max_jwt_time = 8'640'000'000'000;

struct jwt_claims {
  std::string subject;
  std::int64_t expires = 0;
  std::optional<std::int64_t> not_before;
};

// Verifies `token` with `secret` at time `now` (seconds since the epoch).
// Throws error(unauthorized) with the reason ("expired token", "bad
// signature", ...). Thread-safe.
[[nodiscard]] jwt_claims verify_jwt(std::string_view token, std::string_view secret, std::int64_t now);

// Signs `payload_json` with HS256 (for tests and tools).
[[nodiscard]] std::string sign_jwt(std::string_view payload_json, std::string_view secret);

// base64url without padding, as JWTs use it; decode returns false on bad input.
[[nodiscard]] std::string base64url_encode(std::string_view bytes);
[[nodiscard]] bool base64url_decode(std::string_view text, std::string& out);

}  // namespace eisgrid::server
