#include "cli/data_root.hpp"

#include <cstdio>
#include <cstdlib>

#include "base/error.hpp"

namespace eisgrid::cli {

void add_data_option(CLI::App& cmd, std::string& value) {
  cmd.add_option("--data", value,
                 std::string("Data root directory (default: $") + k_data_root_env + ", else ./" + k_default_data_root + ")");
}

data_root_choice choose_data_root(const std::string& option) {
  if (!option.empty()) return {option, "--data"};
  if (const char* env = std::getenv(k_data_root_env); env && *env) return {env, k_data_root_env};
  return {k_default_data_root, "the default"};
}

std::filesystem::path data_root(const std::string& option, root_use use) {
  const auto choice = choose_data_root(option);
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(choice.path, ec);
  const std::string shown = "'" + (ec ? choice.path : absolute).string() + "' (from " + choice.source + ")";
  const auto status = std::filesystem::status(choice.path, ec);
  if (std::filesystem::is_directory(status)) return choice.path;
  if (std::filesystem::exists(status)) throw error(error_kind::usage, "the data root " + shown + " is not a directory");
  if (use == root_use::read_only) {
    throw error(error_kind::not_found, std::string("no data root at ") + shown + "; give --data DIR or set " + k_data_root_env);
  }
  std::filesystem::create_directories(choice.path, ec);
  if (ec) throw error(error_kind::io, "cannot create the data root " + shown + ": " + ec.message());
  std::fprintf(stderr, "eisgrid: created a new data root at %s\n", shown.c_str());
  return choice.path;
}

std::filesystem::path catalog_data_root(const std::string& option, const std::string& db, root_use use) {
  return db.empty() ? data_root(option, use) : choose_data_root(option).path;
}

}  // namespace eisgrid::cli
