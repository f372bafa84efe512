// eisgrid inspect FILE: a summary and the top rows with TER and TEC.
#include <cstdio>
#include <filesystem>

#include "base/error.hpp"
#include "cli/commands.hpp"
#include "cli/data_root.hpp"
#include "cli/report.hpp"
#include "dataset/data_dir.hpp"
#include "dataset/naming.hpp"

namespace eisgrid::cli {
namespace {

struct inspect_args {
  std::string file;
  std::string data;  // see data_root.hpp
  std::size_t top = 10;
  bool json = false;
};

// A path as given, or a bare dataset name looked up in the data directory.
std::filesystem::path resolve(const inspect_args& a) {
  const std::filesystem::path given(a.file);
  if (std::filesystem::exists(given) || given.has_parent_path() || !dataset::file_name_problem(a.file).empty()) return given;
  const dataset::data_dir dir(data_root(a.data, root_use::read_only));
  for (auto s : {dataset::storage::user_generated, dataset::storage::precomputed}) {
    if (auto p = dir.directory(s) / a.file; std::filesystem::exists(p)) return p;
  }
  return given;
}

void run_inspect(const inspect_args& a) {
  const auto d = dataset::dataset::load(resolve(a));
  if (a.json) {
    std::printf("%s\n", summary_json(d, a.top).dump(2).c_str());
  } else {
    print_summary(stdout, d, a.top);
  }
}

}  // namespace

void add_inspect_command(CLI::App& app) {
  auto args = std::make_shared<inspect_args>();
  auto* cmd = app.add_subcommand("inspect", "Summarise a dataset and print its best rows with TER and TEC");
  cmd->add_option("file", args->file, "Dataset path, or a name in the data directory")->required();
  add_data_option(*cmd, args->data);
  cmd->add_option("-n,--top", args->top, "Rows to show")->capture_default_str();
  cmd->add_flag("--json", args->json, "Print JSON instead of text");
  cmd->callback([args] { run_inspect(*args); });
}

}  // namespace eisgrid::cli
