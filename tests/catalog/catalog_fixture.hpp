#pragma once
// The two engines behind one interface for the shared behavioural suite: a
// fresh SQLite file, or a real PostgreSQL 15 server (started once per test
// program) with the schema migrated by the superuser and the server's login
// role `eisgrid_server` (NOINHERIT, owns nothing, no BYPASSRLS).

#include <memory>
#include <string>

#include "../support/process.hpp"
#include "base/sha256.hpp"
#include "catalog/catalog.hpp"
#include "catalog/migrations.hpp"
#include "catalog/pg_connection.hpp"
#include "pg_server.hpp"

namespace test_support {

inline constexpr const char* k_test_database = "eisgrid_test";
inline constexpr const char* k_server_role = "eisgrid_server";

// One server for the whole test program, stopped at exit.
inline pg_server& shared_pg_server() {
  static pg_server server;
  return server;
}

class engine_setup {
 public:
  virtual ~engine_setup() = default;
  [[nodiscard]] virtual eisgrid::catalog::engine kind() const = 0;
  // An empty catalog, schema applied.
  virtual void reset() = 0;
  // The operator's connection (administrator principal available).
  virtual eisgrid::catalog::catalog& admin() = 0;
  // The server's connection: on PostgreSQL the unprivileged login role.
  virtual eisgrid::catalog::catalog& server() = 0;
  // PostgreSQL only: the URL of the server's login role.
  [[nodiscard]] virtual std::string server_url() const { return {}; }
};

class sqlite_setup final : public engine_setup {
 public:
  [[nodiscard]] eisgrid::catalog::engine kind() const override { return eisgrid::catalog::engine::sqlite; }
  void reset() override {
    server_.reset();
    admin_.reset();
    dir_ = std::make_unique<temp_dir>("catalog_sqlite");
    admin_ = std::make_unique<eisgrid::catalog::catalog>(eisgrid::catalog::catalog::open(dir_->path, ""));
    server_ = std::make_unique<eisgrid::catalog::catalog>(eisgrid::catalog::catalog::open(dir_->path, ""));
  }
  eisgrid::catalog::catalog& admin() override { return *admin_; }
  eisgrid::catalog::catalog& server() override { return *server_; }

 private:
  std::unique_ptr<temp_dir> dir_;
  std::unique_ptr<eisgrid::catalog::catalog> admin_, server_;
};

class pg_setup final : public engine_setup {
 public:
  pg_setup() {
    auto& pg = shared_pg_server();
    {
      eisgrid::catalog::pg_connection super(pg.url());
      const auto exists = super.query("SELECT count(*) FROM pg_database WHERE datname = ?", {std::string(k_test_database)});
      if (exists.rows.at(0).get_int(0) == 0) super.execute_script(std::string("CREATE DATABASE ") + k_test_database);
    }
    admin_ = std::make_unique<eisgrid::catalog::catalog>(eisgrid::catalog::catalog::open("", pg.url(k_test_database)));
    admin_->db().execute_script(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'eisgrid_server') THEN "
        "CREATE ROLE eisgrid_server LOGIN NOINHERIT; END IF; END $$; "
        "GRANT eisgrid_anon, eisgrid_user TO eisgrid_server;");
    server_ = std::make_unique<eisgrid::catalog::catalog>(eisgrid::catalog::catalog::open("", server_url()));
  }
  [[nodiscard]] eisgrid::catalog::engine kind() const override { return eisgrid::catalog::engine::postgresql; }
  void reset() override {
    admin_->db().execute_script(
        "TRUNCATE tagged_npz_models, circuit_npz_datasets, circuit_configurations, api_keys, users RESTART IDENTITY CASCADE");
  }
  eisgrid::catalog::catalog& admin() override { return *admin_; }
  eisgrid::catalog::catalog& server() override { return *server_; }
  [[nodiscard]] std::string server_url() const override { return shared_pg_server().url(k_test_database, k_server_role); }

 private:
  std::unique_ptr<eisgrid::catalog::catalog> admin_, server_;
};

inline std::unique_ptr<engine_setup> make_engine(const std::string& name) {
  if (name == "postgresql") return std::make_unique<pg_setup>();
  return std::make_unique<sqlite_setup>();
}

// A dataset row as registration would describe it; the file need not exist.
inline eisgrid::catalog::dataset_input fake_dataset(const std::string& file_name, eisgrid::dataset::storage location, double fmax = 1e5) {
  eisgrid::catalog::dataset_input in;
  in.file_name = file_name;
  in.location = location;
  in.file_path = "npz/" + std::string(eisgrid::dataset::to_string(location)) + "/" + file_name;
  in.grid_size = 5;
  in.freq_min = 0.1;
  in.freq_max = fmax;
  in.n_frequencies = 100;
  in.n_parameter_sets = 3125;
  in.n_spectra = 3125;
  in.n_grid_points = 3125;
  in.file_size = 1000;
  in.file_hash = eisgrid::sha256_hex(file_name);
  in.best_resnorm = 273.005;
  in.resnorm_metric = "mae";
  in.description = "about " + file_name;
  in.metadata_json = R"({"grid_size": 5})";
  eisgrid::catalog::configuration_input config;
  config.reference = std::array<double, 5>{5005, 5005, 25.05e-6, 5005, 25.05e-6};
  config.reference_source = "model";
  config.grid_size = 5;
  config.freq_min = 0.1;
  config.freq_max = fmax;
  config.n_frequencies = 100;
  config.frequency_spacing = "log";
  in.configuration = config;
  return in;
}

// A measurement row as an upload would describe it; the file need not exist.
inline eisgrid::catalog::measurement_input fake_measurement(const std::string& file_name) {
  eisgrid::catalog::measurement_input in;
  in.file_name = file_name;
  in.file_size = 4096;
  in.file_hash = eisgrid::sha256_hex(file_name);
  in.format = "nova";
  in.n_sweeps = 3;
  in.n_points = 3 * 61;
  in.freq_min = 1;
  in.freq_max = 1e5;
  in.warnings_json = R"(["sweep 3: Re Z < 0 at 2 frequencies"])";
  in.fields.sample = "TW1-1";
  in.fields.condition = "RPE media";
  in.fields.day = 1;
  in.fields.area_cm2 = 1.12;
  return in;
}

// The fit of one sweep as the fit would report it, with every number set.
inline eisgrid::catalog::fit_input fake_fit(std::int64_t sweep) {
  eisgrid::catalog::fit_input f;
  f.sweep = sweep;
  f.start_time = "2024-03-05 14:0" + std::to_string(sweep) + ":00";
  f.status = eisgrid::fit_status::ok;
  f.metric = "modulus";
  f.resnorm = 0.0123;
  f.grid_resnorm = 0.0456;
  f.rs = 20.5;
  f.ter = 1500.0 + static_cast<double>(sweep);
  f.tec = 2.1e-6;
  f.tau1 = 1.2e-3;
  f.tau2 = 2.5e-5;
  f.std_errors = {0.1, 3.0, 1e-8, 1e-5, 1e-7};
  f.parameters = {1800, 700, 5e-6, 900, 4e-6};
  f.rsh_interval = {1600, 2100};
  f.area_cm2 = 1.12;
  return f;
}

}  // namespace test_support
