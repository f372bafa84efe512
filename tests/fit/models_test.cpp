// Every model of SPEC 12 on the shared real sweeps reaches the optimum that an
// independent multi-start fit found (fixtures expected_models.json).
#include "fit/model_fit.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "fit/nova_sweeps.hpp"  // tests/fit
#include "model/models.hpp"

namespace {

using namespace eisgrid;

const std::string k_nova = std::string(EISGRID_FIXTURES_DIR) + "/measured/nova/";

nlohmann::json expected_models() {
  std::ifstream in(k_nova + "expected_models.json");
  return nlohmann::json::parse(in);
}

// Within `relative`, or within 0.35 of the expected relative standard error
// where that is larger: the objective is flat there.
void expect_near(double got, const nlohmann::json& m, const char* key, double relative, const std::string& where) {
  const double want = m[key].get<double>();
  double tolerance = relative;
  if (m["se_rel"][key].is_number()) tolerance = std::max(tolerance, 0.35 * m["se_rel"][key].get<double>());
  EXPECT_LE(std::abs(got / want - 1), tolerance) << where << " " << key << ": " << got << " against " << want;
}

TEST(fit_models, every_model_reaches_the_expected_optimum_on_every_shared_sweep) {
  const auto expected = expected_models();
  for (const auto& e : expected["sweeps"]) {
    const auto sweeps = nova::read(k_nova + e["file"].get<std::string>());
    const auto& s = sweeps.at(e["sweep"].get<std::size_t>());
    const auto options = fit::fit_options::measured();
    const auto t0 = std::chrono::steady_clock::now();
    const auto rc = fit::fit_spectrum(s.f, s.z, options);
    const auto t1 = std::chrono::steady_clock::now();
    std::vector<fit::model_fit_result> fits{fit::as_model_fit(rc, s.f, s.z, options)};
    for (const auto& m : model::all_models()) {
      if (&m != &model::rc()) fits.push_back(fit::fit_model(s.f, s.z, m, options, rc));
    }
    const auto t2 = std::chrono::steady_clock::now();
    std::printf("%s/%d: rc %.1f ms, others %.1f ms\n", e["file"].get<std::string>().c_str(), e["sweep"].get<int>(),
                std::chrono::duration<double, std::milli>(t1 - t0).count(), std::chrono::duration<double, std::milli>(t2 - t1).count());
    for (const auto& r : fits) {
      const std::string name(r.model->name);
      const auto& want = e[name];
      const std::string where = e["file"].get<std::string>() + "/" + std::to_string(e["sweep"].get<int>()) + " " + name;
      const double ratio = r.resnorm / want["modulus"].get<double>();
      std::printf("  %-13s ratio %.6f TER %.2f (%.2f) TEC %.4g (%.4g) aic %.1f (%.1f)\n", name.c_str(), ratio, r.ter,
                  want["TER"].get<double>(), r.tec, want["TEC"].get<double>(), r.aic, want["aic"].get<double>());
      EXPECT_LE(ratio, 1.001) << where;
      expect_near(r.ter, want, "TER", 0.01, where);
      expect_near(r.tec, want, "TEC", 0.02, where);
      // The reported resnorm is what the reported parameters give.
      std::vector<std::complex<double>> dz(s.z.size());
      for (std::size_t i = 0; i < dz.size(); ++i) dz[i] = r.model->impedance(r.params, s.f[i]) - s.z[i];
      EXPECT_NEAR(sweep::resnorm_of(sweep::metric::modulus, dz.data(), s.z.data(), dz.size()), r.resnorm, 1e-12 * r.resnorm) << where;
      EXPECT_NEAR(r.aic, want["aic"].get<double>(), 0.002 * std::abs(want["aic"].get<double>()) + 0.1) << where;
    }
    // cpe contains rc: never worse (but for the last bits of arithmetic done
    // in another order at the same point).
    EXPECT_LE(fits[1].resnorm, fits[0].resnorm * (1 + 1e-12)) << e["file"];
  }
}

// A fit job's cancel reaches into every model's refinement, not only rc's:
// with the flag set, each other model's fit stops at its first iteration.
TEST(fit_models, a_set_cancel_flag_stops_every_model_s_fit) {
  const auto e = expected_models()["sweeps"][0];
  const auto sweeps = nova::read(k_nova + e["file"].get<std::string>());
  const auto& s = sweeps.at(e["sweep"].get<std::size_t>());
  auto options = fit::fit_options::measured();
  const auto rc = fit::fit_spectrum(s.f, s.z, options);
  const std::atomic<bool> cancel{true};
  options.cancel = &cancel;
  for (const auto& m : model::all_models()) {
    if (&m == &model::rc()) continue;
    try {
      (void)fit::fit_model(s.f, s.z, m, options, rc);
      ADD_FAILURE() << m.name << ": fitted despite the cancel flag";
    } catch (const eisgrid::error& err) {
      EXPECT_EQ(err.kind(), eisgrid::error_kind::cancelled) << m.name << ": " << err.what();
    }
  }
}

}  // namespace
