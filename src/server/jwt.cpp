#include "server/jwt.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "base/untrusted_json.hpp"

namespace eisgrid::server {
namespace {

constexpr std::string_view k_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

[[noreturn]] void refuse(const std::string& why) { throw error(error_kind::unauthorized, "invalid token: " + why); }

std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
            mac.data(), &length)) {
    throw error(error_kind::internal, "HMAC-SHA256 failed");
  }
  return std::string(reinterpret_cast<const char*>(mac.data()), length);
}

// A NumericDate claim (RFC 7519 2: seconds since the epoch, maybe with a
// fraction, which is dropped), or nullopt when absent. Refuses one that is not
// a number or lies outside [0, k_max_jwt_time], so comparisons with it never overflow.
std::optional<std::int64_t> time_claim(const nlohmann::json& payload, const char* name) {
  const auto it = payload.find(name);
  if (it == payload.end()) return std::nullopt;
  const std::string bad = std::string("bad ") + name;
  if (it->is_number_unsigned()) {
    if (it->get<std::uint64_t>() > static_cast<std::uint64_t>(k_max_jwt_time)) refuse(bad);
    return static_cast<std::int64_t>(it->get<std::uint64_t>());
  }
  if (it->is_number_integer()) {
    const auto t = it->get<std::int64_t>();
    if (t < 0 || t > k_max_jwt_time) refuse(bad);
    return t;
  }
  if (!it->is_number()) refuse(bad);
  const double t = it->get<double>();
  if (!(t >= 0 && t <= static_cast<double>(k_max_jwt_time))) refuse(bad);
  return static_cast<std::int64_t>(t);
}

// Whether `later` is more than `seconds` after `earlier`, without overflow for any two times.
bool more_than_after(std::int64_t later, std::int64_t earlier, std::int64_t seconds) {
  return later > earlier && static_cast<std::uint64_t>(later) - static_cast<std::uint64_t>(earlier) > static_cast<std::uint64_t>(seconds);
}

nlohmann::json decode_part(std::string_view part, const char* what) {
  std::string text;
  if (!base64url_decode(part, text)) refuse(std::string("malformed ") + what);
  nlohmann::json j;
  try {
    j = parse_untrusted_json(text);
  } catch (const error&) {
    refuse(std::string("malformed ") + what);
  }
  if (!j.is_object()) refuse(std::string("malformed ") + what);
  return j;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(k_alphabet[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(k_alphabet[(acc << (6 - bits)) & 63]);
  return out;
}

bool base64url_decode(std::string_view text, std::string& out) {
  out.clear();
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const auto v = k_alphabet.find(c);
    if (v == std::string_view::npos) return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  // 1 leftover character (6 bits) cannot come from whole bytes.
  return text.size() % 4 != 1;
}

jwt_claims verify_jwt(std::string_view token, std::string_view secret, std::int64_t now) {
  if (token.size() > k_max_jwt_bytes) refuse("too long");
  const auto dot1 = token.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) refuse("not a JWT");
  const auto header = decode_part(token.substr(0, dot1), "header");
  const auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string() || alg->get<std::string>() != "HS256") refuse("algorithm must be HS256");

  std::string signature;
  if (!base64url_decode(token.substr(dot2 + 1), signature)) refuse("malformed signature");
  const std::string expected = hmac_sha256(secret, token.substr(0, dot2));
  if (signature.size() != expected.size() || CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) != 0) {
    refuse("bad signature");
  }

  const auto payload = decode_part(token.substr(dot1 + 1, dot2 - dot1 - 1), "payload");
  jwt_claims claims;
  const auto expires = time_claim(payload, "exp");
  if (!expires) refuse("no expiry");
  claims.expires = *expires;
  if (more_than_after(now, claims.expires, k_jwt_leeway_seconds)) refuse("expired");
  claims.not_before = time_claim(payload, "nbf");
  if (claims.not_before && more_than_after(*claims.not_before, now, k_jwt_leeway_seconds)) refuse("not valid yet");
  const auto aud = payload.find("aud");
  bool audience_ok = false;
  if (aud != payload.end() && aud->is_string()) audience_ok = aud->get<std::string>() == k_jwt_audience;
  if (aud != payload.end() && aud->is_array()) {
    for (const auto& a : *aud) audience_ok = audience_ok || (a.is_string() && a.get<std::string>() == k_jwt_audience);
  }
  if (!audience_ok) refuse("wrong audience");
  const auto sub = payload.find("sub");
  if (sub == payload.end() || !sub->is_string() || sub->get<std::string>().empty()) refuse("no subject");
  claims.subject = sub->get<std::string>();
  return claims;
}

std::string sign_jwt(std::string_view payload_json, std::string_view secret) {
  const std::string signing_input = base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." + base64url_encode(payload_json);
  return signing_input + "." + base64url_encode(hmac_sha256(secret, signing_input));
}

}  // namespace eisgrid::server
