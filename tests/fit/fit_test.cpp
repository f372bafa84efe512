#include "fit/fit.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

#include "fit/nova_sweeps.hpp"  // tests/fit

namespace {

using eisgrid::fit::fit_options;
using eisgrid::fit::fit_spectrum;

const std::string k_nova = std::string(EISGRID_FIXTURES_DIR) + "/measured/nova/";

TEST(fit_fit, reaches_the_expected_optimum_on_every_shared_sweep) {
  std::ifstream in(k_nova + "expected_fits.json");
  const auto expected = nlohmann::json::parse(in);
  for (const auto& e : expected["good"]) {
    const auto sweeps = nova::read(k_nova + e["file"].get<std::string>());
    const auto& s = sweeps.at(e["sweep"].get<std::size_t>());
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = fit_spectrum(s.f, s.z, fit_options::measured());
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    const double ratio = r.resnorm / e["modulus"].get<double>();
    const double d_rs = r.rs / e["Rs"].get<double>() - 1, d_ter = r.identified.ter / e["TER"].get<double>() - 1,
                 d_tec = r.identified.tec() / e["TEC"].get<double>() - 1;
    std::printf("%s/%d: ratio %.6f Rs %+.2e TER %+.2e TEC %+.2e grid %.4f refined %d %.1f ms\n", e["file"].get<std::string>().c_str(),
                e["sweep"].get<int>(), ratio, d_rs, d_ter, d_tec, r.grid_resnorm, r.refined, ms);
    EXPECT_LE(ratio, 1.001);
    EXPECT_LE(std::abs(d_rs), 0.01);
    EXPECT_LE(std::abs(d_ter), 0.01);
    EXPECT_LE(std::abs(d_tec), 0.02);
  }
}

}  // namespace
