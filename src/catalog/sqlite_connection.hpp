#pragma once
// The SQLite engine: one file under the data root, in WAL mode so readers never
// wait for a writer, with a busy timeout so two processes (two syncs, a sync
// and a compute) take turns instead of failing. Write transactions take the
// write lock at BEGIN (BEGIN IMMEDIATE): two writers never deadlock upgrading.

#include <filesystem>

#include "catalog/connection.hpp"

struct sqlite3;

namespace eisgrid::catalog {

// How long a writer waits for another process's write transaction.
inline constexpr int k_sqlite_busy_timeout_ms = 60000;

class sqlite_connection final : public connection {
 public:
  // Opens (creating if needed) the database file. Throws error(io).
  explicit sqlite_connection(const std::filesystem::path& file);
  ~sqlite_connection() override;

  [[nodiscard]] engine kind() const noexcept override { return engine::sqlite; }
  void begin(const principal& who, bool write) override;
  void commit() override;
  void rollback() noexcept override;
  void set_local(std::string_view, const std::string&) override {}
  query_result query(std::string_view sql, const params& values = {}) override;
  void execute_script(std::string_view sql) override;
  void close() override;

 private:
  sqlite3* db_ = nullptr;
  std::filesystem::path file_;
};

}  // namespace eisgrid::catalog
