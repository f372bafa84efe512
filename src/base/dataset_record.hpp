#pragma once
// What a dataset's file and its catalog row share: where the file is kept and
// the bounds of the text it brings into the catalog. Here, below both, so that
// the catalog records datasets without linking the dataset layer (the names
// stay in namespace dataset, where the rest of the dataset's vocabulary is).

#include <cstddef>
#include <optional>
#include <string_view>

namespace eisgrid::dataset {

enum class storage { precomputed, user_generated };

[[nodiscard]] constexpr std::string_view to_string(storage s) noexcept {
  return s == storage::precomputed ? "precomputed" : "user_generated";
}

[[nodiscard]] constexpr std::optional<storage> parse_storage(std::string_view text) noexcept {
  if (text == "precomputed") return storage::precomputed;
  if (text == "user_generated") return storage::user_generated;
  return std::nullopt;
}

// Text a dataset brings into the catalog, which every listing reads: bounded
// at registration so that no one row can slow every request down.
inline constexpr std::size_t k_max_description_length = 2000;       // bytes of UTF-8
inline constexpr std::size_t k_max_metadata_json_bytes = 64 << 10;  // the stored metadata, as JSON text

}  // namespace eisgrid::dataset
