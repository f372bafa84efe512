#include "catalog/sqlite_connection.hpp"

#include <sqlite3.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <thread>

#include "base/error.hpp"

namespace eisgrid::catalog {
namespace {

// Pause between attempts to switch a fresh catalog to WAL mode.
constexpr std::chrono::milliseconds k_busy_retry{5};

struct statement_deleter {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using statement_ptr = std::unique_ptr<sqlite3_stmt, statement_deleter>;

// CHECK, and NOT NULL (which PostgreSQL reports as an internal error instead).
std::string_view constraint_reason(int rc) {
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY: return k_duplicate_row;
    case SQLITE_CONSTRAINT_FOREIGNKEY: return k_missing_row;
    default: return k_broken_rule;
  }
}

[[noreturn]] void fail(sqlite3* db, int rc, const std::string& what) {
  const std::string message = what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT: throw error(error_kind::conflict, what + ": " + std::string(constraint_reason(rc)));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM: throw error(error_kind::io, message);
    default: throw error(error_kind::internal, message);
  }
}

void bind(sqlite3* db, sqlite3_stmt* s, int index, const param& p) {
  int rc = SQLITE_OK;
  if (const auto* n = std::get_if<std::int64_t>(&p)) {
    rc = sqlite3_bind_int64(s, index, *n);
  } else if (const auto* d = std::get_if<double>(&p)) {
    rc = std::isnan(*d) ? sqlite3_bind_null(s, index) : sqlite3_bind_double(s, index, *d);
  } else if (const auto* t = std::get_if<std::string>(&p)) {
    rc = sqlite3_bind_text64(s, index, t->data(), t->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  } else if (const auto* b = std::get_if<bool>(&p)) {
    rc = sqlite3_bind_int(s, index, *b ? 1 : 0);
  } else {
    rc = sqlite3_bind_null(s, index);
  }
  if (rc != SQLITE_OK) fail(db, rc, "catalog: cannot bind parameter");
}

}  // namespace

sqlite_connection::sqlite_connection(const std::filesystem::path& file) : file_(file) {
  const int rc = sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string reason = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw error(error_kind::io, "cannot open catalog '" + file.string() + "': " + reason);
  }
  sqlite3_busy_timeout(db_, k_sqlite_busy_timeout_ms);
  sqlite3_extended_result_codes(db_, 1);
  // WAL: readers and one writer work at once; synchronous=NORMAL is durable
  // across process crashes in WAL mode, which is what a catalog needs.
  // Switching a fresh file to WAL needs an exclusive lock, and two processes
  // switching at once get SQLITE_BUSY without the busy handler being asked
  // (SQLite's deadlock avoidance), so that one statement is retried here.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(k_sqlite_busy_timeout_ms);
  for (;;) {
    const int wal = sqlite3_exec(db_, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
    if (wal == SQLITE_OK) break;
    if ((wal & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() > deadline) {
      const std::string reason = sqlite3_errmsg(db_);
      sqlite3_close(db_);
      db_ = nullptr;
      throw error(error_kind::io, "cannot open catalog '" + file.string() + "' in WAL mode: " + reason);
    }
    std::this_thread::sleep_for(k_busy_retry);
  }
  execute_script("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
}

sqlite_connection::~sqlite_connection() { sqlite3_close_v2(db_); }

void sqlite_connection::close() {
  if (!db_) return;
  const int rc = sqlite3_close(db_);
  if (rc != SQLITE_OK) throw error(error_kind::io, "cannot close catalog '" + file_.string() + "': " + sqlite3_errmsg(db_));
  db_ = nullptr;
}

void sqlite_connection::begin(const principal&, bool write) { execute_script(write ? "BEGIN IMMEDIATE" : "BEGIN"); }

void sqlite_connection::commit() { execute_script("COMMIT"); }

void sqlite_connection::rollback() noexcept {
  if (db_ && !sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

query_result sqlite_connection::query(std::string_view sql, const params& values) {
  if (!db_) throw error(error_kind::internal, "catalog: the connection is closed");
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  if (rc != SQLITE_OK) fail(db_, rc, "catalog: cannot prepare statement");
  statement_ptr stmt(raw);
  if (static_cast<std::size_t>(sqlite3_bind_parameter_count(raw)) != values.size()) {
    throw error(error_kind::internal, "catalog: parameter count mismatch in: " + std::string(sql));
  }
  for (std::size_t i = 0; i < values.size(); ++i) bind(db_, raw, static_cast<int>(i + 1), values[i]);
  query_result result;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    const int n = sqlite3_column_count(raw);
    std::vector<row::value> cells;
    cells.reserve(static_cast<std::size_t>(n));
    for (int c = 0; c < n; ++c) {
      switch (sqlite3_column_type(raw, c)) {
        case SQLITE_INTEGER: cells.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(raw, c))); break;
        case SQLITE_FLOAT: cells.emplace_back(sqlite3_column_double(raw, c)); break;
        case SQLITE_NULL: cells.emplace_back(std::monostate{}); break;
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw, c));
          cells.emplace_back(std::string(text ? text : "", static_cast<std::size_t>(sqlite3_column_bytes(raw, c))));
        }
      }
    }
    result.rows.emplace_back(std::move(cells));
  }
  if (rc != SQLITE_DONE) fail(db_, rc, "catalog query failed");
  result.affected = sqlite3_changes64(db_);
  return result;
}

void sqlite_connection::execute_script(std::string_view sql) {
  if (!db_) throw error(error_kind::internal, "catalog: the connection is closed");
  char* message = nullptr;
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    const std::string reason = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    fail(nullptr, rc, "catalog '" + file_.string() + "': " + reason);
  }
}

}  // namespace eisgrid::catalog
