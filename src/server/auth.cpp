// Credentials: API keys from the catalog and HS256 JWTs (Supabase's form).
#include <chrono>

#include "base/ascii.hpp"
#include "base/error.hpp"
#include "catalog/api_key.hpp"
#include "server/handlers.hpp"
#include "server/jwt.hpp"

namespace eisgrid::server {
namespace {

// The user's own row is readable by that user under row-level security.
std::string user_name_of(catalog::catalog& cat, catalog::row_id id) {
  catalog::transaction tx(cat.db(), catalog::principal::user(id), false);
  const auto r = cat.db().query("SELECT name FROM users WHERE id = ?", {id});
  tx.commit();
  if (r.rows.empty()) throw error(error_kind::unauthorized, "the token's user no longer exists");
  return r.rows[0].get_text(0);
}

}  // namespace

caller authenticate(const request& req, app& a, catalog::catalog& cat) {
  const auto it = req.headers.find("authorization");
  if (it == req.headers.end()) return {};
  std::string_view value = it->second;
  constexpr std::string_view k_scheme = "Bearer ";
  if (value.size() <= k_scheme.size() || !equals_ignoring_case(value.substr(0, k_scheme.size()), k_scheme)) {
    throw error(error_kind::unauthorized, "the Authorization header must be 'Bearer <token>'");
  }
  std::string_view token = value.substr(k_scheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) throw error(error_kind::unauthorized, "empty bearer token");

  if (token.substr(0, catalog::k_api_key_prefix.size()) == catalog::k_api_key_prefix) {
    const auto who = cat.authenticate(token);
    if (!who) throw error(error_kind::unauthorized, "invalid or revoked API key");
    return {*who, user_name_of(cat, who->user_id)};
  }
  if (std::count(token.begin(), token.end(), '.') == 2) {
    if (a.cfg().jwt_secret.empty()) throw error(error_kind::unauthorized, "this server does not accept JWTs");
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const auto claims = verify_jwt(token, a.cfg().jwt_secret, now);
    try {
      (void)catalog::token_user_name(claims.subject);
    } catch (const error&) {
      throw error(error_kind::unauthorized, "invalid token: unusable subject");
    }
    // The subject (a Supabase user id) names a token user, "jwt:<subject>", created on first use;
    // a revoked one is refused (error(unauthorized)).
    const auto user = cat.ensure_token_user(claims.subject);
    return {catalog::principal::user(user.id), user.name};
  }
  throw error(error_kind::unauthorized, "unrecognised bearer token (expected an API key or a JWT)");
}

void require_user(const context& c) {
  if (!c.user.signed_in()) throw error(error_kind::unauthorized, "sign in first: this needs an API key or a token");
}

}  // namespace eisgrid::server
