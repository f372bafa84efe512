// eisgrid inspect FILE: a summary and the top rows with TER and TEC.
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string_view>

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

// Whether the file starts as a ZIP archive (an .npz) does: a local file header or an empty archive's end record.
bool starts_like_zip(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<char, 4> magic{};
  if (!in.read(magic.data(), magic.size())) return false;
  const std::string_view m(magic.data(), magic.size());
  return m == std::string_view("PK\x03\x04", 4) || m == std::string_view("PK\x05\x06", 4);
}

dataset::dataset load(const std::filesystem::path& path) {
  try {
    return dataset::dataset::load(path);
  } catch (const error& e) {
    // Users try inspect on what they measured: point them to the commands that read it.
    if (!std::filesystem::is_regular_file(path) || starts_like_zip(path)) throw;
    throw error(e.kind(), std::string(e.what()) + "; inspect reads datasets (.npz): for a measurement file, 'eisgrid spectra " +
                              path.filename().string() + "' shows its sweeps and 'eisgrid fit " + path.filename().string() + "' fits them");
  }
}

void run_inspect(const inspect_args& a) {
  const auto d = load(resolve(a));
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
