#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "cli/commands.hpp"
#include "cli/mistyped.hpp"
#include "cluster/world.hpp"

namespace {

// The commands that split their work across the ranks of an MPI job (SPEC 11).
constexpr const char* k_distributed_commands[] = {"compute", "fit"};

bool runs_on_ranks(int argc, char** argv) {
  return argc > 1 && std::any_of(std::begin(k_distributed_commands), std::end(k_distributed_commands),
                                 [&](const char* c) { return std::strcmp(argv[1], c) == 0; });
}

// Rank 0 speaks for the job; another rank prints only what rank 0 cannot know.
void report(const char* text) {
  if (eisgrid::cluster::is_root()) {
    std::fprintf(stderr, "eisgrid: %s\n", text);
  } else {
    std::fprintf(stderr, "eisgrid (rank %d): %s\n", eisgrid::cluster::rank(), text);
  }
}

int run(CLI::App& app, int argc, char** argv) {
  try {
    if (eisgrid::cluster::distributed() && !runs_on_ranks(argc, argv)) {
      if (!eisgrid::cluster::is_root()) return eisgrid::exit_code(eisgrid::error_kind::usage);
      throw eisgrid::error(eisgrid::error_kind::usage,
                           "only 'eisgrid compute' and 'eisgrid fit' run on several MPI ranks; start this command as one process");
    }
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      // Every rank parses the same arguments: rank 0 alone says what is wrong,
      // naming a mistyped command or option rather than what failed after it.
      if (e.get_exit_code() != 0) {
        const std::vector<std::string> args(argv + 1, argv + argc);
        if (const auto mistyped = eisgrid::cli::mistyped_input(app, args)) {
          if (eisgrid::cluster::is_root()) report(mistyped->c_str());
          return eisgrid::exit_code(eisgrid::error_kind::usage);
        }
      }
      const int code = eisgrid::cluster::is_root() ? app.exit(e) : e.get_exit_code();
      return code == 0 ? 0 : eisgrid::exit_code(eisgrid::error_kind::usage);
    }
  } catch (const eisgrid::cluster::quiet_exit& e) {
    return e.code;
  } catch (const eisgrid::error& e) {
    report(e.what());
    return eisgrid::exit_code(e.kind());
  } catch (const std::exception& e) {
    report((std::string("internal error: ") + e.what()).c_str());
    return eisgrid::exit_code(eisgrid::error_kind::internal);
  }
  return 0;
}

}  // namespace

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
  // Every command that reads measurements takes --format alike.
  for (auto* command : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (auto* format = command->get_option_no_throw("--format")) format->transform(eisgrid::cli::measurement_format());
  }
  // The session outlives run(), so that rank 0 reports a failure before the
  // ranks leave the job together (a rank leaving early with an error code
  // makes the launcher stop the others).
  std::optional<eisgrid::cluster::session> ranks;
  try {
    ranks.emplace(argc, argv);
  } catch (const eisgrid::error& e) {
    std::fprintf(stderr, "eisgrid: %s\n", e.what());
    return eisgrid::exit_code(e.kind());
  }
  return run(app, argc, argv);
}
