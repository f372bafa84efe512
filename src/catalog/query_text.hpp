#pragma once
// Pieces of SQL and checks that every part of the catalog shares (internal to
// src/catalog). Visibility and ownership are written once, as SQL that reads
// the same on both engines; each clause takes (is_admin, user id) as its two
// parameters, in that order.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.hpp"
#include "catalog/connection.hpp"

namespace eisgrid::catalog::detail {

// Rows with a public flag: anyone reads public rows, a user also their own.
inline constexpr const char* k_visible = "(? OR is_public OR owner_id = ?)";
// Rows a principal may change; also all a principal sees of a private table.
inline constexpr const char* k_writable = "(? OR owner_id = ?)";
// A tag has no public flag of its own: it is seen with its dataset's.
inline constexpr const char* k_tag_visible =
    "(? OR owner_id = ? OR EXISTS (SELECT 1 FROM circuit_npz_datasets d "
    "WHERE d.id = tagged_npz_models.dataset_id AND d.is_public))";

[[nodiscard]] inline std::string sql(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (auto p : parts) s += p;
  return s;
}

// The two parameters of k_visible and k_writable.
[[nodiscard]] inline params who_params(const principal& who) { return {who.is_admin(), who.uid()}; }

// An owner id, or NULL for a shipped, ownerless row.
[[nodiscard]] inline param owner_param(std::optional<row_id> owner) { return owner ? param(*owner) : null_param(); }

// Throws error(forbidden) for an anonymous caller.
inline void require_writer(const principal& who, const char* what) {
  if (who.role == principal::kind::anonymous) {
    throw error(error_kind::forbidden, std::string("cannot ") + what + ": an API key is required");
  }
}

}  // namespace eisgrid::catalog::detail
