// eisgrid user add|list|revoke: catalog users and their API keys.
#include <cstdio>

#include "base/error.hpp"
#include "catalog/catalog.hpp"
#include "cli/commands.hpp"
#include "cli/data_root.hpp"

namespace eisgrid::cli {
namespace {

struct user_args {
  std::string data;  // see data_root.hpp
  std::string db;
  std::string name;
};

void add_catalog_options(CLI::App* cmd, user_args& a) {
  add_data_option(*cmd, a.data);
  cmd->add_option("--db", a.db, "Catalog: a postgresql:// URL, or a SQLite file (default: DATA/catalog.sqlite3)");
}

}  // namespace

void add_user_command(CLI::App& app) {
  auto args = std::make_shared<user_args>();
  auto* cmd = app.add_subcommand("user", "Manage catalog users and their API keys");
  cmd->require_subcommand(1);

  auto* add = cmd->add_subcommand("add", "Create a user (or re-key one without an active key) and print its API key once");
  add->add_option("name", args->name, "User name (letters, digits, . _ -)")->required();
  add_catalog_options(add, *args);
  add->callback([args] {
    auto cat = catalog::catalog::open(catalog_data_root(args->data, args->db, root_use::read_write), args->db);
    const auto created = cat.add_user(args->name);
    // The key alone on the last line, so scripts can take it with `tail -n 1`.
    std::printf("user '%s' (id %lld): API key, shown only this once:\n%s\n", created.user.name.c_str(),
                static_cast<long long>(created.user.id), created.api_key.c_str());
  });

  auto* list = cmd->add_subcommand("list", "List users and how many active keys each has");
  add_catalog_options(list, *args);
  list->callback([args] {
    auto cat = catalog::catalog::open(catalog_data_root(args->data, args->db, root_use::read_only), args->db);
    std::printf("%-6s %-24s %-11s %s\n", "id", "name", "active keys", "created");
    for (const auto& u : cat.list_users()) {
      std::printf("%-6lld %-24s %-11lld %s\n", static_cast<long long>(u.id), u.name.c_str(), static_cast<long long>(u.active_keys),
                  u.created_at.c_str());
    }
  });

  auto* revoke = cmd->add_subcommand("revoke", "Revoke every active API key of a user");
  revoke->add_option("name", args->name, "User name")->required();
  add_catalog_options(revoke, *args);
  revoke->callback([args] {
    auto cat = catalog::catalog::open(catalog_data_root(args->data, args->db, root_use::read_write), args->db);
    const auto n = cat.revoke_user(args->name);
    std::printf("revoked %lld key%s of user '%s'\n", static_cast<long long>(n), n == 1 ? "" : "s", args->name.c_str());
  });
}

}  // namespace eisgrid::cli
