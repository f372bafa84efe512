#pragma once
// Versioned schema migrations, one list per engine. Each migration runs in one
// transaction together with the row that records it in schema_migrations, so a
// migration is applied entirely or not at all; running migrate() again does
// nothing. Two processes migrating at once take turns (SQLite's write lock,
// PostgreSQL's advisory lock).

#include <span>
#include <string_view>

#include "catalog/connection.hpp"

namespace eisgrid::catalog {

struct migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

[[nodiscard]] std::span<const migration> sqlite_migrations() noexcept;
[[nodiscard]] std::span<const migration> pg_migrations() noexcept;

// Applies the migrations the database lacks. Returns the schema version.
// Throws error(conflict) if the database is newer than this program, and
// error(forbidden) on PostgreSQL if the connecting role may not migrate.
int migrate(connection& db);

}  // namespace eisgrid::catalog
