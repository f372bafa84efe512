// eisgrid sync: discover, validate, hash and register every dataset file; or,
// with --emit-sql, write the registration as SQL for a Supabase project.
#include <cstdio>
#include <fstream>

#include "base/atomic_file.hpp"
#include "base/error.hpp"
#include "cli/commands.hpp"
#include "cli/data_root.hpp"
#include "compute/emit_sql.hpp"
#include "compute/sync.hpp"

namespace eisgrid::cli {
namespace {

struct sync_args {
  std::string data;  // see data_root.hpp
  std::string db;
  std::string user = catalog::k_local_user;
  std::string emit_sql;
  std::string user_uuid;
  bool quiet = false;
};

void write_text(const std::filesystem::path& path, const std::string& text) {
  if (path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return;
  }
  const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  atomic_file file(dir, path);
  file.write(std::as_bytes(std::span(text.data(), text.size())));
  file.commit(true);
}

void run_sync(const sync_args& a) {
  // --emit-sql only reads the files; a sync writes the catalog under the root.
  const dataset::data_dir dir(data_root(a.data, a.emit_sql.empty() ? root_use::read_write : root_use::read_only));
  if (!a.emit_sql.empty()) {
    const auto files = compute::scan(dir);
    const std::string sql = compute::supabase_sql(files, a.user_uuid);
    write_text(a.emit_sql, sql);
    compute::sync_report report;
    report.files = files;
    if (!a.quiet && a.emit_sql != "-") {
      const std::string summary = report.summary();
      std::printf("%s\nwrote SQL for %zu datasets to %s\n", summary.substr(0, summary.find('\n')).c_str(), report.valid_count(),
                  a.emit_sql.c_str());
    }
    return;
  }
  if (!a.user_uuid.empty()) throw error(error_kind::usage, "--user-uuid goes with --emit-sql");
  if (const auto removed = remove_stale_temp_files(dir.temp()); removed > 0 && !a.quiet) {
    std::printf("removed %zu partial files of interrupted runs from npz/temp/\n", removed);
  }
  auto cat = catalog::catalog::open(dir.root(), a.db);
  const auto owner = cat.ensure_user(a.user);
  const auto report = compute::sync(cat, dir, owner.id);
  if (!a.quiet) std::printf("%s\n", report.summary().c_str());
}

}  // namespace

void add_sync_command(CLI::App& app) {
  auto args = std::make_shared<sync_args>();
  auto* cmd = app.add_subcommand("sync", "Validate, hash and register every dataset file in the catalog");
  add_data_option(*cmd, args->data);
  cmd->add_option("--db", args->db, "Catalog: a postgresql:// URL, or a SQLite file (default: DATA/catalog.sqlite3)");
  cmd->add_option("--user", args->user, "Owner of newly found user_generated files")->capture_default_str();
  cmd->add_option("--emit-sql", args->emit_sql, "Write the registration as SQL for a Supabase project to FILE ('-' for stdout) instead");
  cmd->add_option("--user-uuid", args->user_uuid, "With --emit-sql: owner UUID when auth.uid() is not set (default: a placeholder)");
  cmd->add_flag("-q,--quiet", args->quiet, "Print nothing but errors");
  cmd->callback([args] { run_sync(*args); });
}

}  // namespace eisgrid::cli
