#pragma once
// A data root with three small datasets for the server's tests: a public
// precomputed one, and one private dataset each for users alice and bob.
// bob.npz is stored uncompressed (its arrays are served from the mapped
// file); the others are deflated.

#include <memory>
#include <string>
#include <utility>

#include "../support/process.hpp"
#include "catalog/catalog.hpp"
#include "catalog/pg_connection.hpp"
#include "catalog/pg_server.hpp"
#include "compute/run.hpp"

namespace test_support {

struct server_data {
  temp_dir root{"server"};
  std::string db;  // empty for SQLite under the root, or the operator's catalog URL (PostgreSQL)
  std::string alice_key, bob_key;

  explicit server_data(std::string catalog_url = "") : db(std::move(catalog_url)) {
    auto cat = eisgrid::catalog::catalog::open(root.path, db);
    alice_key = cat.add_user("alice").api_key;
    bob_key = cat.add_user("bob").api_key;
    const eisgrid::dataset::data_dir dir(root.path);
    dir.ensure();
    compute("public.npz", eisgrid::dataset::storage::precomputed, "local", cat);
    compute("alice.npz", eisgrid::dataset::storage::user_generated, "alice", cat);
    compute("bob.npz", eisgrid::dataset::storage::user_generated, "bob", cat, true);
  }

  void compute(const std::string& name, eisgrid::dataset::storage into, const std::string& user, eisgrid::catalog::catalog& cat,
               bool store = false) {
    eisgrid::compute::compute_request r;
    r.grid = eisgrid::model::grid_spec::defaults(4);
    r.points = 20;
    r.output = name;
    r.into = into;
    r.user = user;
    r.threads = 1;
    r.store = store;
    (void)eisgrid::compute::run(r, eisgrid::dataset::data_dir(root.path), [&]() -> eisgrid::catalog::catalog& { return cat; });
  }
};

// A fresh database `name` on the test PostgreSQL server; returns the operator's URL.
inline std::string fresh_database(pg_server& pg, const std::string& name) {
  eisgrid::catalog::pg_connection super(pg.url());
  super.execute_script("CREATE DATABASE " + name);
  return pg.url(name);
}

// The login role the server connects as: it owns nothing and has no
// BYPASSRLS, so row-level security applies to every request. Needs the
// migrated catalog (its roles) at `admin_url`.
inline void add_server_role(const std::string& admin_url) {
  auto cat = eisgrid::catalog::catalog::open("", admin_url);
  cat.db().execute_script(
      "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'eisgrid_server') THEN "
      "CREATE ROLE eisgrid_server LOGIN NOINHERIT; END IF; END $$; "
      "GRANT eisgrid_anon, eisgrid_user TO eisgrid_server;");
}

}  // namespace test_support
