#include "cli/mistyped.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include "base/ascii.hpp"
#include "measured/measurement.hpp"

namespace eisgrid::cli {
namespace {

// A slip is at most one letter in three, and two letters in any word.
constexpr std::size_t k_slip_letters_per = 3;
constexpr std::size_t k_min_slip = 2;

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const bool same = ascii_lower(a[i - 1]) == ascii_lower(b[j - 1]);
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

bool is_number(std::string_view s) {
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size();
}

std::string command_path(const CLI::App& app) {
  std::string path;
  for (const CLI::App* a = &app; a != nullptr; a = a->get_parent()) {
    path = (a->get_parent() == nullptr ? std::string("eisgrid") : a->get_name()) + (path.empty() ? "" : " " + path);
  }
  return path;
}

CLI::App* subcommand_named(CLI::App& app, const std::string& name) {
  for (auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (!sub->get_name().empty() && sub->check_name(name)) return sub;
  }
  return nullptr;
}

std::optional<std::string> unknown_command(CLI::App& app, const std::string& word) {
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (!sub->get_name().empty()) names.push_back(sub->get_name());
  }
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  std::string text = "unknown command '" + word + "' for '" + command_path(app) + "'";
  if (const auto near = nearest(word, names)) text += "; did you mean '" + *near + "'?";
  return text + " (commands: " + list + ")";
}

std::optional<std::string> unknown_option(CLI::App& app, const std::string& name) {
  std::vector<std::string> names;
  for (const auto* opt : app.get_options()) {
    for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
    for (const auto& s : opt->get_snames()) names.push_back("-" + s);
  }
  std::string text = "unknown option '" + name + "' for '" + command_path(app) + "'";
  if (const auto near = nearest(name, names)) return text + "; did you mean '" + *near + "'?";
  return text + " (see '" + command_path(app) + " --help')";
}

}  // namespace

std::optional<std::string> nearest(std::string_view word, std::span<const std::string> candidates) {
  const std::size_t allowed = std::max(k_min_slip, word.size() / k_slip_letters_per);
  std::optional<std::string> best;
  std::size_t best_distance = allowed + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

std::optional<std::string> mistyped_input(CLI::App& app, std::span<const std::string> args) {
  CLI::App* current = &app;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& word = args[i];
    if (word == "--") return std::nullopt;  // only positionals follow
    if (word.size() > 1 && word.front() == '-' && !is_number(word)) {
      // --name=value, and -abc as the short flag -a followed by more.
      const bool is_long = word.starts_with("--");
      const std::string name = is_long ? word.substr(0, word.find('=')) : word.substr(0, 2);
      const CLI::Option* opt = current->get_option_no_throw(name);
      if (opt == nullptr) return unknown_option(*current, name);
      const bool inline_value = is_long ? word.find('=') != std::string::npos : word.size() > 2;
      if (!inline_value && opt->get_expected_min() > 0) ++i;  // its value, which may start with '-'
      continue;
    }
    if (auto* sub = subcommand_named(*current, word)) {
      current = sub;
      continue;
    }
    // A word that is neither: a positional, unless this command takes none and wants a subcommand.
    const auto options = current->get_options();  // a copy each call
    const bool takes_positionals = std::any_of(options.begin(), options.end(), [](const CLI::Option* o) { return o->get_positional(); });
    if (!takes_positionals && current->get_require_subcommand_min() > 0) return unknown_command(*current, word);
  }
  return std::nullopt;
}

CLI::Validator measurement_format() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        std::string lower = value;
        std::transform(lower.begin(), lower.end(), lower.begin(), ascii_lower);
        if (measured::parse_format(lower)) {
          value = lower;
          return {};
        }
        std::string list;
        for (const auto f : measured::all_formats()) list += (list.empty() ? "" : ", ") + std::string(measured::to_string(f));
        return "unknown format '" + value + "' (formats: " + list + ")";
      },
      "FORMAT");
}

}  // namespace eisgrid::cli
