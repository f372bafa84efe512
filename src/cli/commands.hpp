#pragma once
// Each subcommand registers its options and its action on the CLI11 app.
// Actions throw eisgrid::error; main() maps it to a message and an exit code.

#include <CLI/CLI.hpp>

namespace eisgrid::cli {

void add_compute_command(CLI::App& app);
void add_fit_command(CLI::App& app);
void add_inspect_command(CLI::App& app);
void add_validate_command(CLI::App& app);
void add_sync_command(CLI::App& app);
void add_user_command(CLI::App& app);
void add_tag_command(CLI::App& app);
void add_serve_command(CLI::App& app);
void add_spectra_command(CLI::App& app);

}  // namespace eisgrid::cli
