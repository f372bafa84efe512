#include "catalog/migrations.hpp"

#include <string>

#include "base/error.hpp"

namespace eisgrid::catalog {
namespace {

// Any constant both processes agree on: serialises concurrent migrations.
constexpr std::int64_t k_pg_migration_lock = 0x6569736772696431;  // "eisgrid1"

int current_version(connection& db) {
  const auto r = db.query("SELECT coalesce(max(version), 0) FROM schema_migrations");
  return static_cast<int>(r.rows.at(0).get_int(0));
}

int apply(connection& db, std::span<const migration> list) {
  int version = current_version(db);
  const int newest = list.empty() ? 0 : list.back().version;
  if (version > newest) {
    throw error(error_kind::conflict, "the catalog has schema version " + std::to_string(version) + ", newer than this eisgrid knows (" +
                                          std::to_string(newest) + ")");
  }
  for (const auto& m : list) {
    if (m.version <= version) continue;
    db.execute_script(m.sql);
    db.query("INSERT INTO schema_migrations (version, description) VALUES (?, ?)",
             {static_cast<std::int64_t>(m.version), std::string(m.description)});
    version = m.version;
  }
  return version;
}

int migrate_sqlite(connection& db) {
  db.begin(principal::admin(), true);
  try {
    db.execute_script(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
        "applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)");
    const int version = apply(db, sqlite_migrations());
    db.commit();
    return version;
  } catch (...) {
    db.rollback();
    throw;
  }
}

int migrate_pg(connection& db) {
  const auto list = pg_migrations();
  const int newest = list.empty() ? 0 : list.back().version;
  // The server's login role may not create anything, so a schema that is
  // already current is recognised without taking any lock or privilege.
  int found = 0;
  if (db.query("SELECT to_regclass('public.schema_migrations') IS NOT NULL").rows.at(0).get_bool(0)) {
    found = current_version(db);
    if (found == newest) return found;
  }
  db.execute_script("BEGIN");
  try {
    db.query("SELECT pg_advisory_xact_lock(?)", {k_pg_migration_lock});
    db.execute_script(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, description text NOT NULL, "
        "applied_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP)");
    const int version = apply(db, list);
    db.commit();
    return version;
  } catch (const error& e) {
    db.rollback();
    if (e.kind() != error_kind::forbidden) throw;
    // Typically the server's unprivileged role meeting a catalog from an older eisgrid.
    throw error(error_kind::forbidden, "the catalog's schema is at version " + std::to_string(found) + " and this eisgrid needs " +
                                           std::to_string(newest) + ", which this database role may not apply (" + e.what() +
                                           "); run any eisgrid command once as the operator, e.g. `eisgrid user list --db URL`");
  } catch (...) {
    db.rollback();
    throw;
  }
}

}  // namespace

int migrate(connection& db) { return db.kind() == engine::sqlite ? migrate_sqlite(db) : migrate_pg(db); }

}  // namespace eisgrid::catalog
