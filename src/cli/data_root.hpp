#pragma once
// Where every command finds the data directory (SPEC 5): --data DIR, else the
// EISGRID_DATA environment variable, else ./data. One rule for all commands,
// so a run from another folder reaches the same catalog as the server.

#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>

namespace eisgrid::cli {

inline constexpr const char* k_data_root_env = "EISGRID_DATA";
inline constexpr const char* k_default_data_root = "data";

// Whether a command may create a missing root.
enum class root_use { read_only, read_write };

// Adds --data DIR to `cmd`, stored in `value` (left empty when not given).
void add_data_option(CLI::App& cmd, std::string& value);

struct data_root_choice {
  std::filesystem::path path;
  std::string source;  // "--data", "EISGRID_DATA" or "the default"
};

// The root the rule picks for `option` (the value of --data, maybe empty).
[[nodiscard]] data_root_choice choose_data_root(const std::string& option);

// The chosen root, checked for `use`. read_only: never creates anything and
// throws error(not_found) naming the root and where it came from if it does
// not exist. read_write: creates a missing root and says so on stderr, with
// its absolute path. Throws error(io) if it cannot be created, error(usage)
// if it exists but is not a directory.
[[nodiscard]] std::filesystem::path data_root(const std::string& option, root_use use);

// The same for a command whose only use of the root is its SQLite catalog:
// with --db given (`db` not empty), the root is not needed and not checked.
[[nodiscard]] std::filesystem::path catalog_data_root(const std::string& option, const std::string& db, root_use use);

}  // namespace eisgrid::cli
