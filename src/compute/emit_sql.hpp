#pragma once
// The registration as SQL for the editor of a hosted Supabase project
// (`eisgrid sync --emit-sql FILE`). The script creates the two tables if they
// are missing, with row-level security keyed on auth.uid(), and registers
// each valid file, owned by auth.uid() or else by the given user UUID. It is
// idempotent: configurations are reused, datasets upserted, nothing orphaned.
//
// Every value is a literal made by sql_literal(): an E'' string with
// backslashes and quotes escaped, which PostgreSQL reads the same whatever
// standard_conforming_strings says. No value is ever pasted unquoted.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compute/sync.hpp"

namespace eisgrid::compute {

// E'...' with \ and ' escaped; NUL bytes (which PostgreSQL text cannot hold) dropped.
[[nodiscard]] std::string sql_literal(std::string_view text);
// True for a UUID in its canonical 8-4-4-4-12 hex form.
[[nodiscard]] bool is_uuid(std::string_view text) noexcept;

// `owner_uuid` empty: a placeholder the user fills in (the script refuses to
// run while neither it nor auth.uid() gives an owner). Throws error(usage) for
// an owner that is not a UUID.
[[nodiscard]] std::string supabase_sql(const std::vector<described_file>& files, const std::string& owner_uuid);

}  // namespace eisgrid::compute
