#include <cstdio>
#include <exception>

#include "base/error.hpp"
#include "cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"eisgrid: equivalent-circuit parameter sweeps of epithelial impedance spectra"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "eisgrid " EISGRID_VERSION);
  eisgrid::cli::add_compute_command(app);
  eisgrid::cli::add_fit_command(app);
  eisgrid::cli::add_inspect_command(app);
  eisgrid::cli::add_spectra_command(app);
  eisgrid::cli::add_validate_command(app);
  eisgrid::cli::add_sync_command(app);
  eisgrid::cli::add_user_command(app);
  eisgrid::cli::add_tag_command(app);
  eisgrid::cli::add_serve_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : eisgrid::exit_code(eisgrid::error_kind::usage);
  } catch (const eisgrid::error& e) {
    std::fprintf(stderr, "eisgrid: %s\n", e.what());
    return eisgrid::exit_code(e.kind());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "eisgrid: internal error: %s\n", e.what());
    return eisgrid::exit_code(eisgrid::error_kind::internal);
  }
  return 0;
}
