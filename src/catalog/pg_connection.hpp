#pragma once
// The PostgreSQL engine. The login role in the URL should own nothing and have
// no BYPASSRLS; each request's transaction switches to one of the NOLOGIN roles
// below with SET LOCAL ROLE and records the user with set_config(..., true), so
// both vanish at COMMIT or ROLLBACK and a pooled connection carries nothing
// from one request to the next. Row-level security (schema in pg_schema.cpp)
// then decides what the request may see and change.

#include <string>

#include "catalog/connection.hpp"

struct pg_conn;

namespace eisgrid::catalog {

inline constexpr const char* k_pg_role_anonymous = "eisgrid_anon";
inline constexpr const char* k_pg_role_user = "eisgrid_user";
inline constexpr const char* k_pg_role_admin = "eisgrid_admin";
// Transaction-local settings read by the row-level security policies.
inline constexpr const char* k_pg_setting_user = "eisgrid.user_id";
inline constexpr const char* k_pg_setting_key_hash = "eisgrid.key_hash";
inline constexpr const char* k_pg_setting_subject = "eisgrid.subject";

// "postgresql://..." or "postgres://..." selects this engine.
[[nodiscard]] bool is_postgres_url(std::string_view url) noexcept;

class pg_connection final : public connection {
 public:
  // Connects. Throws error(io) with the server's reason.
  explicit pg_connection(const std::string& url);
  ~pg_connection() override;

  [[nodiscard]] engine kind() const noexcept override { return engine::postgresql; }
  void begin(const principal& who, bool write) override;
  void commit() override;
  void rollback() noexcept override;
  void set_local(std::string_view name, const std::string& value) override;
  query_result query(std::string_view sql, const params& values = {}) override;
  void execute_script(std::string_view sql) override;
  void close() override;

 private:
  pg_conn* conn_ = nullptr;
};

// `sql` with each `?` outside quotes turned into $1, $2, ...
[[nodiscard]] std::string to_pg_placeholders(std::string_view sql);

}  // namespace eisgrid::catalog
