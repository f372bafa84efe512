#include "server/jwt.hpp"

#include <gtest/gtest.h>

#include <cstdint>

#include "base/error.hpp"

namespace {

using eisgrid::server::sign_jwt;
using eisgrid::server::verify_jwt;

constexpr const char* k_secret = "a-test-secret-of-some-length";
constexpr std::int64_t k_now = 1'800'000'000;

bool refused(const std::string& token, const char* secret = k_secret) {
  try {
    (void)verify_jwt(token, secret, k_now);
  } catch (const eisgrid::error& e) {
    EXPECT_EQ(e.kind(), eisgrid::error_kind::unauthorized);
    return true;
  }
  return false;
}

TEST(jwt, accepts_a_supabase_token) {
  const auto claims = verify_jwt(
      sign_jwt(R"({"sub":"1b4e28ba-2fa1-11d2-883f-0016d3cca427","exp":1800000100,"aud":"authenticated","role":"authenticated"})", k_secret),
      k_secret, k_now);
  EXPECT_EQ(claims.subject, "1b4e28ba-2fa1-11d2-883f-0016d3cca427");
  EXPECT_EQ(claims.expires, 1800000100);
  EXPECT_NO_THROW((void)verify_jwt(sign_jwt(R"({"sub":"x","exp":1800000100,"aud":["other","authenticated"]})", k_secret), k_secret, k_now));
}

TEST(jwt, refuses_bad_tokens) {
  const std::string good = sign_jwt(R"({"sub":"u","exp":1800000100,"aud":"authenticated"})", k_secret);
  EXPECT_FALSE(refused(good));
  EXPECT_TRUE(refused(good, "another-secret"));
  EXPECT_TRUE(refused(sign_jwt(R"({"sub":"u","exp":1799999000,"aud":"authenticated"})", k_secret)));  // expired
  EXPECT_TRUE(refused(sign_jwt(R"({"sub":"u","aud":"authenticated"})", k_secret)));                   // no exp
  EXPECT_TRUE(refused(sign_jwt(R"({"sub":"u","exp":1800000100,"aud":"anon"})", k_secret)));           // audience
  EXPECT_TRUE(refused(sign_jwt(R"({"sub":"u","exp":1800000100})", k_secret)));
  EXPECT_TRUE(refused(sign_jwt(R"({"exp":1800000100,"aud":"authenticated"})", k_secret)));  // no subject
  EXPECT_TRUE(refused(sign_jwt(R"({"sub":"u","exp":1e300,"aud":"authenticated"})", k_secret)));
  EXPECT_TRUE(refused(sign_jwt("not json", k_secret)));
  // A tampered payload.
  const auto dot1 = good.find('.'), dot2 = good.rfind('.');
  const std::string other = eisgrid::server::base64url_encode(R"({"sub":"admin","exp":1800000100,"aud":"authenticated"})");
  EXPECT_TRUE(refused(good.substr(0, dot1 + 1) + other + good.substr(dot2)));
  // alg "none" with no signature, and another algorithm with a valid-looking HMAC.
  const std::string payload = good.substr(dot1 + 1, dot2 - dot1 - 1);
  EXPECT_TRUE(refused(eisgrid::server::base64url_encode(R"({"alg":"none"})") + "." + payload + "."));
  EXPECT_TRUE(refused(eisgrid::server::base64url_encode(R"({"alg":"HS512"})") + "." + payload + good.substr(dot2)));
  EXPECT_TRUE(refused(good.substr(0, dot2)));
  EXPECT_TRUE(refused(good + ".x"));
  EXPECT_TRUE(refused(good.substr(0, good.size() - 2)));
  EXPECT_TRUE(refused("a.b.c"));
  EXPECT_TRUE(refused(std::string(10000, 'a') + ".b.c"));
}

// Issue 11 item 10: `nbf` was ignored, and `exp` near INT64_MAX overflowed a
// signed addition.
TEST(jwt, honours_not_before_and_takes_any_time_without_overflow) {
  const auto token = [](const std::string& claims) { return sign_jwt(R"({"sub":"u","aud":"authenticated",)" + claims + "}", k_secret); };
  EXPECT_TRUE(refused(token(R"("exp":1800003600,"nbf":1800000100)")));   // not valid for 100 s
  EXPECT_FALSE(refused(token(R"("exp":1800003600,"nbf":1800000020)")));  // within the leeway
  EXPECT_FALSE(refused(token(R"("exp":1800003600,"nbf":1700000000.5)")));
  EXPECT_EQ(verify_jwt(token(R"("exp":1800003600,"nbf":1700000000)"), k_secret, k_now).not_before, 1700000000);
  EXPECT_TRUE(refused(token(R"("exp":1800003600,"nbf":"1700000000")")));
  EXPECT_TRUE(refused(token(R"("exp":1800003600,"nbf":-1)")));
  EXPECT_TRUE(refused(token(R"("exp":1800003600,"nbf":18446744073709551615)")));
  // Far-off and out-of-range expiries: refused as malformed, never wrapped around into the past or the future.
  EXPECT_FALSE(refused(token(R"("exp":8640000000000)")));
  for (const char* exp : {"9223372036854775807", "9223372036854775790", "18446744073709551615", "8640000000001", "-1",
                          "-9223372036854775808", "1e19", "-1e300", "\"1800003600\"", "null"}) {
    EXPECT_TRUE(refused(token(std::string(R"("exp":)") + exp))) << exp;
  }
  // Any `now` is compared without overflow.
  const auto good = token(R"("exp":8640000000000,"nbf":0)");
  EXPECT_NO_THROW((void)verify_jwt(good, k_secret, 0));
  EXPECT_THROW((void)verify_jwt(good, k_secret, INT64_MAX), eisgrid::error);
  EXPECT_THROW((void)verify_jwt(good, k_secret, INT64_MIN), eisgrid::error);
}

TEST(jwt, base64url_round_trips) {
  for (const std::string& s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\x00\x01"}) {
    std::string back;
    ASSERT_TRUE(eisgrid::server::base64url_decode(eisgrid::server::base64url_encode(s), back));
    EXPECT_EQ(back, s);
  }
  std::string out;
  EXPECT_FALSE(eisgrid::server::base64url_decode("ab+c", out));
  EXPECT_FALSE(eisgrid::server::base64url_decode("abcde", out));
}

}  // namespace
