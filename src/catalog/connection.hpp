#pragma once
// One database connection as the catalog sees it, whatever the engine: SQL
// with `?` placeholders and bound parameters only (never pasted values), rows
// of typed values, and a transaction per request that carries who is asking.
//
// On PostgreSQL the transaction sets the database role and the user id with
// transaction-local settings, so row-level security decides what the request
// sees and nothing is left behind for the next request on the same connection.
// On SQLite the catalog's own queries apply the same rules.
//
// Not thread-safe: one connection serves one request at a time.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace eisgrid::catalog {

using row_id = std::int64_t;

// Who a request runs as. Anonymous callers read public rows; a user also reads
// and writes their own; the administrator (the local operator: sync, user
// management) may do everything.
struct principal {
  enum class kind { anonymous, user, admin };
  kind role = kind::anonymous;
  row_id user_id = 0;  // meaningful only for kind::user

  [[nodiscard]] static principal anonymous() noexcept { return {}; }
  [[nodiscard]] static principal user(row_id id) noexcept { return {kind::user, id}; }
  [[nodiscard]] static principal admin() noexcept { return {kind::admin, 0}; }
  [[nodiscard]] bool is_admin() const noexcept { return role == kind::admin; }
  // The user id for queries; -1 (matches no row) unless a user.
  [[nodiscard]] row_id uid() const noexcept { return role == kind::user ? user_id : -1; }
};

enum class engine { sqlite, postgresql };

// What a refused write says, the same on both engines. These errors reach
// clients (conflict is a 409, forbidden a 403), so they name the kind of
// failure only, never the database's own text with its tables and columns.
inline constexpr std::string_view k_duplicate_row = "a row with the same key exists already";
inline constexpr std::string_view k_missing_row = "it refers to a row that does not exist";
inline constexpr std::string_view k_broken_rule = "a value breaks a rule of the catalog";
inline constexpr std::string_view k_not_permitted = "not permitted";

// A bound parameter. A NaN double is bound as NULL.
using param = std::variant<std::monostate, std::int64_t, double, std::string, bool>;
using params = std::vector<param>;

[[nodiscard]] inline param null_param() { return std::monostate{}; }
// An empty text is stored as NULL.
[[nodiscard]] inline param text_or_null(const std::string& s) { return s.empty() ? param(std::monostate{}) : param(s); }
[[nodiscard]] inline param optional_param(const std::optional<std::int64_t>& v) { return v ? param(*v) : param(std::monostate{}); }

// One result row. PostgreSQL returns text, SQLite returns typed values; the
// accessors convert either. Preconditions: i < size(); the getters other than
// is_null() need a non-NULL value.
class row {
 public:
  using value = std::variant<std::monostate, std::int64_t, double, std::string>;
  explicit row(std::vector<value> values) : values_(std::move(values)) {}

  [[nodiscard]] std::size_t size() const noexcept { return values_.size(); }
  [[nodiscard]] bool is_null(std::size_t i) const;
  [[nodiscard]] std::int64_t get_int(std::size_t i) const;
  [[nodiscard]] double get_double(std::size_t i) const;     // NULL reads as NaN
  [[nodiscard]] std::string get_text(std::size_t i) const;  // NULL reads as ""
  [[nodiscard]] bool get_bool(std::size_t i) const;
  [[nodiscard]] std::optional<std::int64_t> get_optional_int(std::size_t i) const;

 private:
  std::vector<value> values_;
};

struct query_result {
  std::vector<row> rows;
  std::int64_t affected = 0;  // rows changed by INSERT, UPDATE or DELETE
};

class connection {
 public:
  virtual ~connection() = default;
  connection() = default;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  [[nodiscard]] virtual engine kind() const noexcept = 0;
  // Starts the request's transaction. `write` asks SQLite for the write lock
  // up front, so two writers wait for each other instead of deadlocking.
  virtual void begin(const principal& who, bool write) = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;
  // A transaction-local setting (PostgreSQL's set_config(name, value, true));
  // nothing on SQLite.
  virtual void set_local(std::string_view name, const std::string& value) = 0;
  // Runs one statement with `?` placeholders. Throws error(conflict) on a
  // unique or check violation, error(forbidden) when the database refuses
  // (row-level security, privileges), error(internal) otherwise.
  virtual query_result query(std::string_view sql, const params& values = {}) = 0;
  // Runs a script of statements without parameters (migrations).
  virtual void execute_script(std::string_view sql) = 0;
  // Closes the connection now; throws error(io) if the engine reports a
  // failure. Later calls do nothing; the destructor closes without throwing.
  virtual void close() = 0;
};

// Rolls back unless committed; the destructor never throws.
class transaction {
 public:
  transaction(connection& c, const principal& who, bool write) : c_(c) { c_.begin(who, write); }
  ~transaction() {
    if (!done_) c_.rollback();
  }
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;
  void commit() {
    c_.commit();
    done_ = true;
  }

 private:
  connection& c_;
  bool done_ = false;
};

}  // namespace eisgrid::catalog
