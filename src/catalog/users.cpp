// Users and their API keys: operator actions, run as the administrator, and
// the look-ups that turn a key or a token's subject into a principal.
#include "base/error.hpp"
#include "catalog/api_key.hpp"
#include "catalog/catalog.hpp"
#include "catalog/pg_connection.hpp"
#include "catalog/query_text.hpp"

namespace eisgrid::catalog {
namespace {

using detail::sql;

// The columns of k_user_columns, then optionally the number of active keys.
constexpr const char* k_user_columns = "id, name, created_at, revoked_at IS NOT NULL";
user_record read_user(const row& r) {
  return user_record{r.get_int(0), r.get_text(1), r.get_text(2), r.size() > 4 ? r.get_int(4) : 0, r.get_bool(3)};
}

}  // namespace

std::string user_name_problem(std::string_view name) {
  if (name.empty()) return "a user name cannot be empty";
  if (name.size() > k_max_user_name_length) return "a user name has at most 64 characters";
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return "a user name may hold only letters, digits, '.', '_' and '-'";
  }
  return {};
}

std::string token_user_name(std::string_view subject) {
  if (const auto problem = user_name_problem(subject); !problem.empty()) throw error(error_kind::usage, "token subject: " + problem);
  if (subject.size() + k_token_user_prefix.size() > k_max_user_name_length) {
    throw error(error_kind::usage,
                "token subject: at most " + std::to_string(k_max_user_name_length - k_token_user_prefix.size()) + " characters");
  }
  return std::string(k_token_user_prefix) + std::string(subject);
}

new_user catalog::add_user(std::string_view name) {
  if (const auto problem = user_name_problem(name); !problem.empty()) throw error(error_kind::usage, problem);
  const auto who = principal::admin();
  transaction tx(*db_, who, true);
  auto found = db_->query(sql({"SELECT ", k_user_columns,
                               ", (SELECT count(*) FROM api_keys k WHERE k.user_id = users.id AND k.revoked_at IS NULL) "
                               "FROM users WHERE name = ?"}),
                          {std::string(name)});
  user_record user;
  if (!found.rows.empty()) {
    user = read_user(found.rows[0]);
    if (user.active_keys > 0) throw error(error_kind::conflict, "user '" + std::string(name) + "' already exists");
    db_->query("UPDATE users SET revoked_at = NULL WHERE id = ?", {user.id});
    user.revoked = false;
  } else {
    user = read_user(db_->query(sql({"INSERT INTO users (name) VALUES (?) RETURNING ", k_user_columns}), {std::string(name)}).rows.at(0));
  }
  new_user result{user, generate_api_key()};
  db_->query("INSERT INTO api_keys (user_id, key_hash, key_prefix) VALUES (?, ?, ?)",
             {user.id, hash_api_key(result.api_key), result.api_key.substr(0, k_api_key_shown_prefix)});
  tx.commit();
  result.user.active_keys = 1;
  return result;
}

user_record catalog::ensure_user(std::string_view name) {
  if (const auto problem = user_name_problem(name); !problem.empty()) throw error(error_kind::usage, problem);
  const auto who = principal::admin();
  transaction tx(*db_, who, true);
  db_->query("INSERT INTO users (name) VALUES (?) ON CONFLICT DO NOTHING", {std::string(name)});
  const auto r = db_->query(sql({"SELECT ", k_user_columns, " FROM users WHERE name = ?"}), {std::string(name)});
  tx.commit();
  return read_user(r.rows.at(0));
}

user_record catalog::ensure_token_user(std::string_view subject) {
  const std::string name = token_user_name(subject);
  transaction tx(*db_, principal::anonymous(), true);
  db_->set_local(k_pg_setting_subject, name);
  db_->query("INSERT INTO users (name) VALUES (?) ON CONFLICT DO NOTHING", {name});
  const auto r = db_->query(sql({"SELECT ", k_user_columns, " FROM users WHERE name = ?"}), {name});
  tx.commit();
  auto user = read_user(r.rows.at(0));
  if (user.revoked) throw error(error_kind::unauthorized, "user '" + name + "' is revoked");
  return user;
}

std::optional<user_record> catalog::find_user(std::string_view name) {
  const auto who = principal::admin();
  transaction tx(*db_, who, false);
  const auto r = db_->query(sql({"SELECT ", k_user_columns, " FROM users WHERE name = ?"}), {std::string(name)});
  tx.commit();
  if (r.rows.empty()) return std::nullopt;
  return read_user(r.rows[0]);
}

std::vector<user_record> catalog::list_users() {
  const auto who = principal::admin();
  transaction tx(*db_, who, false);
  const auto r = db_->query(sql({"SELECT ", k_user_columns,
                                 ", (SELECT count(*) FROM api_keys k WHERE k.user_id = users.id AND k.revoked_at IS NULL) "
                                 "FROM users ORDER BY name"}));
  tx.commit();
  std::vector<user_record> out;
  for (const auto& row : r.rows) out.push_back(read_user(row));
  return out;
}

std::int64_t catalog::revoke_user(std::string_view name) {
  const auto who = principal::admin();
  transaction tx(*db_, who, true);
  const auto user = db_->query("SELECT id FROM users WHERE name = ?", {std::string(name)});
  if (user.rows.empty()) throw error(error_kind::not_found, "user '" + std::string(name) + "' not found");
  const auto id = user.rows[0].get_int(0);
  db_->query("UPDATE users SET revoked_at = CURRENT_TIMESTAMP WHERE id = ? AND revoked_at IS NULL", {id});
  const auto r = db_->query("UPDATE api_keys SET revoked_at = CURRENT_TIMESTAMP WHERE user_id = ? AND revoked_at IS NULL", {id});
  tx.commit();
  return r.affected;
}

std::optional<principal> catalog::authenticate(std::string_view api_key) {
  const std::string hash = hash_api_key(api_key);
  transaction tx(*db_, principal::anonymous(), false);
  db_->set_local(k_pg_setting_key_hash, hash);
  const auto r = db_->query("SELECT user_id FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL", {hash});
  tx.commit();
  if (r.rows.empty()) return std::nullopt;
  return principal::user(r.rows[0].get_int(0));
}

}  // namespace eisgrid::catalog
