#pragma once
// What a mistyped command line meant (issue 18): CLI11 reports the first
// thing that fails, which after an unknown option is often its value
// ("File does not exist: 1.12" for `fit FILE --aera 1.12`). This names the
// unknown command or option itself and suggests the nearest valid one.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

namespace eisgrid::cli {

// The candidate nearest to `word` by edit distance, if near enough to be a
// typing slip (at most a third of the word's letters, at least 2).
[[nodiscard]] std::optional<std::string> nearest(std::string_view word, std::span<const std::string> candidates);

// The first unknown subcommand or option of `args` (argv without the program
// name) for `app`, worded with a suggestion, or nothing when every command and
// option is known. Reads the app's definitions only; thread-safe if they are not changed.
[[nodiscard]] std::optional<std::string> mistyped_input(CLI::App& app, std::span<const std::string> args);

// --format NAME for a command that reads measurements: any case, and an
// unknown name answered with the list of formats.
[[nodiscard]] CLI::Validator measurement_format();

}  // namespace eisgrid::cli
