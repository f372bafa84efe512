#include "catalog/pg_connection.hpp"

#include <libpq-fe.h>

#include <cmath>
#include <memory>

#include "base/error.hpp"
#include "base/json_number.hpp"

namespace eisgrid::catalog {
namespace {

struct result_deleter {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using result_ptr = std::unique_ptr<PGresult, result_deleter>;

// SQLSTATE classes: 23505 unique, 23514 check, 23503 foreign key; 42501 is
// insufficient privilege, which is also how row-level security refuses a row.
[[noreturn]] void fail(PGresult* r, PGconn* c, const std::string& what) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string reason = r ? PQresultErrorMessage(r) : PQerrorMessage(c);
  while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
  const std::string code = state ? state : "";
  const std::string message = what + ": " + reason;
  if (code == "23505") throw error(error_kind::conflict, what + ": " + std::string(k_duplicate_row));
  if (code == "23503") throw error(error_kind::conflict, what + ": " + std::string(k_missing_row));
  if (code == "23514") throw error(error_kind::conflict, what + ": " + std::string(k_broken_rule));
  if (code == "42501") throw error(error_kind::forbidden, what + ": " + std::string(k_not_permitted));
  if (code.rfind("08", 0) == 0 || PQstatus(c) != CONNECTION_OK) throw error(error_kind::io, message);
  throw error(error_kind::internal, message);
}

std::string text_of(double d) {
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return shortest_text(d);
}

}  // namespace

bool is_postgres_url(std::string_view url) noexcept { return url.starts_with("postgresql://") || url.starts_with("postgres://"); }

std::string to_pg_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      out += '$' + std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

pg_connection::pg_connection(const std::string& url) {
  conn_ = PQconnectdb(url.c_str());
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    std::string reason = conn_ ? PQerrorMessage(conn_) : "out of memory";
    while (!reason.empty() && reason.back() == '\n') reason.pop_back();
    PQfinish(conn_);
    conn_ = nullptr;
    throw error(error_kind::io, "cannot connect to the catalog database: " + reason);
  }
  execute_script("SET client_min_messages = warning");
}

pg_connection::~pg_connection() { PQfinish(conn_); }

// PQfinish reports nothing: the server ends the session on its side.
void pg_connection::close() {
  PQfinish(conn_);
  conn_ = nullptr;
}

void pg_connection::begin(const principal& who, bool) {
  const char* role = who.role == principal::kind::admin  ? k_pg_role_admin
                     : who.role == principal::kind::user ? k_pg_role_user
                                                         : k_pg_role_anonymous;
  execute_script(std::string("BEGIN; SET LOCAL ROLE ") + role);
  try {
    set_local(k_pg_setting_user, who.role == principal::kind::user ? std::to_string(who.user_id) : "");
  } catch (...) {
    rollback();
    throw;
  }
}

void pg_connection::commit() { execute_script("COMMIT"); }

void pg_connection::rollback() noexcept {
  if (!conn_) return;
  result_ptr r(PQexec(conn_, "ROLLBACK"));
}

void pg_connection::set_local(std::string_view name, const std::string& value) {
  query("SELECT set_config(?, ?, true)", {std::string(name), value});
}

query_result pg_connection::query(std::string_view sql, const params& values) {
  if (!conn_) throw error(error_kind::internal, "catalog: the connection is closed");
  std::vector<std::string> texts(values.size());
  std::vector<const char*> pointers(values.size(), nullptr);
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto& p = values[i];
    if (const auto* n = std::get_if<std::int64_t>(&p)) {
      texts[i] = std::to_string(*n);
    } else if (const auto* d = std::get_if<double>(&p)) {
      if (std::isnan(*d)) continue;
      texts[i] = text_of(*d);
    } else if (const auto* t = std::get_if<std::string>(&p)) {
      texts[i] = *t;
    } else if (const auto* b = std::get_if<bool>(&p)) {
      texts[i] = *b ? "true" : "false";
    } else {
      continue;
    }
    pointers[i] = texts[i].c_str();
  }
  const std::string text = to_pg_placeholders(sql);
  result_ptr r(PQexecParams(conn_, text.c_str(), static_cast<int>(values.size()), nullptr, pointers.data(), nullptr, nullptr, 0));
  const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(r.get(), conn_, "catalog query failed");
  query_result result;
  const int rows = PQntuples(r.get());
  const int cols = PQnfields(r.get());
  result.rows.reserve(static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    std::vector<row::value> cells;
    cells.reserve(static_cast<std::size_t>(cols));
    for (int c = 0; c < cols; ++c) {
      if (PQgetisnull(r.get(), i, c)) {
        cells.emplace_back(std::monostate{});
      } else {
        cells.emplace_back(std::string(PQgetvalue(r.get(), i, c), static_cast<std::size_t>(PQgetlength(r.get(), i, c))));
      }
    }
    result.rows.emplace_back(std::move(cells));
  }
  const char* tuples = PQcmdTuples(r.get());
  result.affected = tuples && *tuples ? std::strtoll(tuples, nullptr, 10) : 0;
  return result;
}

void pg_connection::execute_script(std::string_view sql) {
  if (!conn_) throw error(error_kind::internal, "catalog: the connection is closed");
  const std::string text(sql);
  result_ptr r(PQexec(conn_, text.c_str()));
  const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(r.get(), conn_, "catalog statement failed");
}

}  // namespace eisgrid::catalog
