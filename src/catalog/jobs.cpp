// Compute jobs in the catalog: each row is its owner's alone, on SQLite by
// these queries' owner test and on PostgreSQL by row-level security as well.
#include <limits>

#include "base/error.hpp"
#include "catalog/catalog.hpp"

namespace eisgrid::catalog {
namespace {

constexpr const char* k_job_columns =
    "id, owner_id, state, request, output, done_points, total_points, elapsed_seconds, dataset_file, error, created_at";
constexpr const char* k_finished = "state IN ('done', 'failed', 'cancelled')";

param count_param(std::uint64_t n) {
  if (n > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    throw error(error_kind::usage, "job point count out of range");
  return static_cast<std::int64_t>(n);
}

job_record read_job(const row& r) {
  job_record j;
  j.id = r.get_text(0);
  j.owner_id = r.get_int(1);
  j.state = r.get_text(2);
  j.request = r.get_text(3);
  j.output = r.get_text(4);
  j.done = static_cast<std::uint64_t>(r.get_int(5));
  j.total = static_cast<std::uint64_t>(r.get_int(6));
  j.elapsed_seconds = r.get_double(7);
  j.dataset_file = r.get_text(8);
  j.error = r.get_text(9);
  j.created_at = r.get_text(10);
  return j;
}

}  // namespace

void catalog::save_job(const principal& who, const job_record& job, std::size_t keep_finished) {
  if (who.role != principal::kind::user || who.user_id != job.owner_id) {
    throw error(error_kind::forbidden, "a job is saved by its owner only");
  }
  transaction tx(*db_, who, true);
  db_->query(std::string("INSERT INTO compute_jobs (") + k_job_columns +
                 ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                 "ON CONFLICT (id) DO UPDATE SET state = excluded.state, done_points = excluded.done_points, "
                 "total_points = excluded.total_points, elapsed_seconds = excluded.elapsed_seconds, "
                 "dataset_file = excluded.dataset_file, error = excluded.error WHERE compute_jobs.owner_id = ?",
             {job.id, job.owner_id, job.state, job.request, job.output, count_param(job.done), count_param(job.total), job.elapsed_seconds,
              text_or_null(job.dataset_file), text_or_null(job.error), job.created_at, job.owner_id});
  if (job.state != "queued" && job.state != "running") {
    db_->query(std::string("DELETE FROM compute_jobs WHERE owner_id = ? AND ") + k_finished +
                   " AND id NOT IN (SELECT id FROM compute_jobs WHERE owner_id = ? AND " + k_finished +
                   " ORDER BY created_at DESC, id DESC LIMIT ?)",
               {job.owner_id, job.owner_id, count_param(keep_finished)});
  }
  tx.commit();
}

std::vector<job_record> catalog::list_jobs(const principal& who) {
  transaction tx(*db_, who, false);
  const auto r = db_->query(
      std::string("SELECT ") + k_job_columns + " FROM compute_jobs WHERE owner_id = ? ORDER BY created_at DESC, id DESC", {who.uid()});
  tx.commit();
  std::vector<job_record> out;
  for (const auto& row : r.rows) out.push_back(read_job(row));
  return out;
}

std::optional<job_record> catalog::find_job(const principal& who, std::string_view id) {
  transaction tx(*db_, who, false);
  const auto r =
      db_->query(std::string("SELECT ") + k_job_columns + " FROM compute_jobs WHERE id = ? AND owner_id = ?", {std::string(id), who.uid()});
  tx.commit();
  if (r.rows.empty()) return std::nullopt;
  return read_job(r.rows[0]);
}

}  // namespace eisgrid::catalog
