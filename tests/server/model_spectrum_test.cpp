// POST /api/models/<name>/spectrum over a real `eisgrid serve`: each model's
// rows against SPEC 12's formulas written here independently in
// std::complex, and every refusal naming what is valid.
#include <gtest/gtest.h>

#include <complex>
#include <numbers>

#include <nlohmann/json.hpp>

#include "live_server.hpp"
#include "server_fixture.hpp"

namespace {

using json = nlohmann::json;
using test_support::live_server;
using cplx = std::complex<double>;

constexpr double k_rel_tolerance = 1e-12;

// R || CPE = R / (1 + R Q (j omega)^alpha); alpha = 1 with Q = C is R || C.
cplx r_cpe(double r, double q, double alpha, double omega) { return r / (1.0 + r * q * std::pow(cplx(0, omega), alpha)); }
cplx shunted(double rsh, cplx membranes) { return rsh * membranes / (rsh + membranes); }

struct model_case {
  const char* name;
  json params;
  cplx (*impedance)(const json& p, double omega);
};

const model_case k_cases[] = {
    {"rc",
     {{"Rs", 20}, {"Rsh", 5000}, {"Ra", 300}, {"Ca", 2e-6}, {"Rb", 900}, {"Cb", 7e-6}},
     [](const json& p, double w) {
       return p["Rs"].get<double>() + shunted(p["Rsh"], r_cpe(p["Ra"], p["Ca"], 1, w) + r_cpe(p["Rb"], p["Cb"], 1, w));
     }},
    {"cpe",
     {{"Rs", 20}, {"Rsh", 5000}, {"Ra", 300}, {"Qa", 2e-6}, {"alpha_a", 0.8}, {"Rb", 900}, {"Qb", 7e-6}, {"alpha_b", 0.65}},
     [](const json& p, double w) {
       return p["Rs"].get<double>() +
              shunted(p["Rsh"], r_cpe(p["Ra"], p["Qa"], p["alpha_a"], w) + r_cpe(p["Rb"], p["Qb"], p["alpha_b"], w));
     }},
    {"rc_electrode",
     {{"Rs", 20}, {"Qel", 3e-4}, {"alpha_el", 0.7}, {"Rsh", 5000}, {"Ra", 300}, {"Ca", 2e-6}, {"Rb", 900}, {"Cb", 7e-6}},
     [](const json& p, double w) {
       const cplx electrode = 1.0 / (p["Qel"].get<double>() * std::pow(cplx(0, w), p["alpha_el"].get<double>()));
       return p["Rs"].get<double>() + electrode + shunted(p["Rsh"], r_cpe(p["Ra"], p["Ca"], 1, w) + r_cpe(p["Rb"], p["Cb"], 1, w));
     }},
};

json post(const live_server& s, const std::string& model, const json& body, int expected_status) {
  const auto r = s.call("POST", "/api/models/" + model + "/spectrum", "", body.dump());
  EXPECT_EQ(r.status, expected_status) << r.body;
  return json::parse(r.body, nullptr, false);
}

TEST(server_model_spectrum, each_model_matches_its_formula_below_and_across_the_measured_range) {
  test_support::server_data data;
  live_server s(data.root.path);
  // From far below a sweep's lowest frequency (where the models part) to 100 kHz.
  const std::vector<double> freqs{0.01, 0.3, 1, 10, 123.4, 1e3, 1e5};
  for (const auto& c : k_cases) {
    SCOPED_TRACE(c.name);
    const auto j = post(s, c.name, {{"params", c.params}, {"frequencies", freqs}}, 200);
    EXPECT_EQ(j["model"], c.name);
    ASSERT_EQ(j["rows"].size(), freqs.size());
    for (std::size_t i = 0; i < freqs.size(); ++i) {
      const cplx want = c.impedance(c.params, 2 * std::numbers::pi * freqs[i]);
      const auto& row = j["rows"][i];
      EXPECT_NEAR(row[0].get<double>(), want.real(), k_rel_tolerance * std::abs(want)) << freqs[i];
      EXPECT_NEAR(row[1].get<double>(), want.imag(), k_rel_tolerance * std::abs(want)) << freqs[i];
      EXPECT_NEAR(row[2].get<double>(), std::abs(want), k_rel_tolerance * std::abs(want)) << freqs[i];
      EXPECT_NEAR(row[3].get<double>(), std::arg(want) * 180 / std::numbers::pi, 1e-9) << freqs[i];
    }
  }
}

TEST(server_model_spectrum, refusals_name_what_is_valid) {
  test_support::server_data data;
  live_server s(data.root.path);
  const auto cpe = k_cases[1].params;
  const auto error_of = [&](const std::string& model, const json& body) { return post(s, model, body, 400)["message"].get<std::string>(); };
  const auto has = [](const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; };

  EXPECT_TRUE(has(error_of("rq", {{"params", cpe}, {"frequencies", {1}}}), "rc, cpe, rc_electrode"));
  auto missing = cpe;
  missing.erase("alpha_b");
  auto e = error_of("cpe", {{"params", missing}, {"frequencies", {1}}});
  EXPECT_TRUE(has(e, "missing parameter 'alpha_b'")) << e;
  EXPECT_TRUE(has(e, "Rs, Rsh, Ra, Qa, alpha_a, Rb, Qb, alpha_b")) << e;
  auto unknown = cpe;
  unknown["Ca"] = 1e-6;
  e = error_of("cpe", {{"params", unknown}, {"frequencies", {1}}});
  EXPECT_TRUE(has(e, "unknown parameter 'Ca'")) << e;
  auto null_value = cpe;
  null_value["Qa"] = nullptr;
  EXPECT_TRUE(has(error_of("cpe", {{"params", null_value}, {"frequencies", {1}}}), "'Qa' must be a finite number"));
  // A number past a double's range is refused as JSON, not read as infinity.
  const auto r = s.call("POST", "/api/models/cpe/spectrum", "",
                        R"({"params":{"Rs":1e999,"Rsh":1,"Ra":1,"Qa":1,"alpha_a":1,"Rb":1,"Qb":1,"alpha_b":1},"frequencies":[1]})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_TRUE(has(r.body, "number overflow")) << r.body;
  for (const json& freqs : {json::array(), json{0.0}, json{-1.0}, json{"1"}, json(std::vector<double>(1001, 1.0))}) {
    EXPECT_TRUE(has(error_of("cpe", {{"params", cpe}, {"frequencies", freqs}}), "1 to 1000 frequencies")) << freqs.dump().substr(0, 40);
  }
  EXPECT_TRUE(has(error_of("cpe", {{"params", cpe}, {"frequencies", {1}}, {"grid", 3}}), "grid"));
  const auto bad_json = s.call("POST", "/api/models/cpe/spectrum", "", "{\"params\":");
  EXPECT_EQ(bad_json.status, 400) << bad_json.body;
  EXPECT_EQ(s.call("GET", "/api/models/cpe/spectrum").status, 405);
  EXPECT_EQ(s.call("POST", "/api/models/cpe/other", "", "{}").status, 404);
}

}  // namespace
