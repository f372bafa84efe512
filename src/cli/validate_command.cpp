// eisgrid validate FILE...: one line per file; exit 1 if any is invalid.
#include <cstdio>

#include "base/error.hpp"
#include "cli/commands.hpp"
#include "dataset/dataset.hpp"

namespace eisgrid::cli {

void add_validate_command(CLI::App& app) {
  auto files = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand("validate", "Check dataset files against the format rules; one line per file");
  cmd->add_option("files", *files, "Dataset files")->required();
  cmd->callback([files] {
    std::size_t invalid = 0;
    for (const auto& f : *files) {
      const auto result = dataset::validate_file(f);
      std::printf("%-7s %s: %s\n", result.valid ? "ok" : "invalid", f.c_str(), result.message.c_str());
      invalid += result.valid ? 0 : 1;
    }
    std::fflush(stdout);
    if (invalid > 0) {
      throw error(error_kind::invalid_input, std::to_string(invalid) + " of " + std::to_string(files->size()) + " files invalid");
    }
  });
}

}  // namespace eisgrid::cli
