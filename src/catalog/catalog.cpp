// The catalog's opening and what all its parts share; each kind of row has
// its own file (configurations, datasets, tags, users, jobs, measurements,
// fit_results).
#include "catalog/catalog.hpp"

#include "base/error.hpp"
#include "catalog/migrations.hpp"
#include "catalog/pg_connection.hpp"
#include "catalog/query_text.hpp"
#include "catalog/sqlite_connection.hpp"

namespace eisgrid::catalog {

using detail::k_tag_visible;
using detail::k_visible;
using detail::k_writable;
using detail::sql;

catalog::catalog(std::unique_ptr<connection> db) : db_(std::move(db)) { migrate(*db_); }

catalog catalog::open(const std::filesystem::path& data_root, const std::string& url) {
  if (is_postgres_url(url)) return catalog(std::make_unique<pg_connection>(url));
  if (url.find("://") != std::string::npos) {
    throw error(error_kind::usage, "unsupported catalog URL '" + url + "': use postgresql://... or a SQLite file path");
  }
  std::filesystem::path file;
  if (url.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(data_root, ec);
    if (ec) throw error(error_kind::io, "cannot create data directory '" + data_root.string() + "': " + ec.message());
    file = data_root / k_sqlite_file_name;
  } else {
    file = url.starts_with("sqlite:") ? url.substr(7) : url;
  }
  return catalog(std::make_unique<sqlite_connection>(file));
}

void catalog::check_writable(const principal& who, const char* table, row_id id, const char* what) {
  const std::string visible = std::string_view(table) == "tagged_npz_models" ? k_tag_visible : k_visible;
  const auto r = db_->query(sql({"SELECT ", k_writable, " FROM ", table, " WHERE id = ? AND ", visible}),
                            {who.is_admin(), who.uid(), id, who.is_admin(), who.uid()});
  if (r.rows.empty()) throw error(error_kind::not_found, std::string(what) + " " + std::to_string(id) + " not found");
  if (!r.rows[0].get_bool(0)) {
    throw error(error_kind::forbidden, std::string(what) + " " + std::to_string(id) + " is not yours to change");
  }
}

}  // namespace eisgrid::catalog
