// eisgrid fit --model (SPEC 12) end to end on the shared NOVA files: every
// model at the independent optimum (expected_models.json), the model the
// data prefer named, and the comparison's warnings where the models disagree.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <numbers>
#include <set>
#include <tuple>

#include "fit/nova_sweeps.hpp"
#include "support/process.hpp"

using test_support::run;
using test_support::shell_quote;

namespace {

using cd = std::complex<double>;

const std::string k_cli = EISGRID_CLI_PATH;
const std::string k_nova = std::string(EISGRID_FIXTURES_DIR) + "/measured/nova/";

test_support::run_result eisgrid(const std::string& args) { return run("{ " + shell_quote(k_cli) + " " + args + " 2>/dev/null; }"); }

nlohmann::json expected_models() {
  std::ifstream in(k_nova + "expected_models.json");
  return nlohmann::json::parse(in);
}

// Each model's impedance written out from SPEC 12 with std::complex.
cd parallel(cd a, cd b) { return a * b / (a + b); }
cd cpe(double q, double alpha, double omega) { return 1.0 / (q * std::pow(cd(0, omega), alpha)); }
cd impedance(const std::string& model, const nlohmann::json& p, double f) {
  const double w = 2 * std::numbers::pi * f;
  const auto v = [&](const char* name) { return p[name].get<double>(); };
  if (model == "cpe") {
    const cd za = parallel(v("Ra"), cpe(v("Qa"), v("alpha_a"), w)), zb = parallel(v("Rb"), cpe(v("Qb"), v("alpha_b"), w));
    return v("Rs") + parallel(v("Rsh"), za + zb);
  }
  const cd za = v("Ra") / (1.0 + cd(0, w * v("Ra") * v("Ca"))), zb = v("Rb") / (1.0 + cd(0, w * v("Rb") * v("Cb")));
  const cd layer = parallel(v("Rsh"), za + zb);
  return model == "rc" ? v("Rs") + layer : v("Rs") + cpe(v("Qel"), v("alpha_el"), w) + layer;
}

double modulus_of(const std::string& model, const nlohmann::json& p, const nova::sweep& s) {
  double sum = 0;
  for (std::size_t i = 0; i < s.f.size(); ++i) sum += std::norm(impedance(model, p, s.f[i]) - s.z[i]) / std::norm(s.z[i]);
  return std::sqrt(sum / static_cast<double>(s.f.size()));
}

// `fit --json --model all` of every file of expected_models.json, run once
// and shared by the tests that read it: the fits are the slowest part of this
// program, most of all in the sanitized build.
const nlohmann::json& all_models_of_every_file() {
  static const nlohmann::json results = [] {
    std::string files;
    std::set<std::string> names;
    const auto expected = expected_models();
    for (const auto& e : expected["sweeps"]) names.insert(e["file"].get<std::string>());
    for (const auto& n : names) files += " " + shell_quote(k_nova + n);
    const auto r = eisgrid("fit --json --model all" + files);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return nlohmann::json::parse(r.output)["results"];
  }();
  return results;
}

// Its rows of one file, in their order.
nlohmann::json all_models_of(const std::string& file) {
  auto rows = nlohmann::json::array();
  for (const auto& row : all_models_of_every_file()) {
    if (row["file"] == file) rows.push_back(row);
  }
  return rows;
}

}  // namespace

TEST(cli_fit_models, every_model_reaches_the_expected_optimum_and_the_lowest_aic_is_named) {
  const auto expected = expected_models();
  std::map<std::tuple<std::string, int, std::string>, nlohmann::json> rows;
  for (const auto& row : all_models_of_every_file()) {
    rows[{row["file"].get<std::string>(), row["sweep"].get<int>(), row["model"].get<std::string>()}] = row;
  }
  ASSERT_EQ(rows.size(), 3 * expected["sweeps"].size());
  for (const auto& e : expected["sweeps"]) {
    const std::string file = e["file"].get<std::string>();
    const int sweep = e["sweep"].get<int>();
    SCOPED_TRACE(file + " sweep " + std::to_string(sweep));
    const auto s = nova::read(k_nova + file).at(static_cast<std::size_t>(sweep));
    std::string best_expected, best_named;
    double lowest = INFINITY, second = INFINITY;
    for (const char* model : {"rc", "cpe", "rc_electrode"}) {
      const auto& want = e[model];
      const auto& got = rows.at({file, sweep, model});
      EXPECT_LE(got["resnorm"].get<double>(), 1.001 * want["modulus"].get<double>()) << model;
      const auto near = [&](const char* key, const char* expected_key, double relative) {
        double tolerance = relative;
        if (want["se_rel"][expected_key].is_number()) tolerance = std::max(tolerance, 0.35 * want["se_rel"][expected_key].get<double>());
        EXPECT_LE(std::abs(got[key].get<double>() / want[expected_key].get<double>() - 1), tolerance) << model << " " << key;
      };
      near("ter", "TER", 0.01);
      near("tec", "TEC", 0.02);
      // The reported resnorm is what the reported parameters give, by SPEC 12's formulas.
      const double mine = modulus_of(model, got["params"], s);
      EXPECT_NEAR(got["resnorm"].get<double>(), mine, 1e-9 * mine) << model;
      if (got["best_model"].get<bool>()) best_named += model;
      const double aic = want["aic"].get<double>();
      if (aic < lowest) {
        second = lowest;
        lowest = aic;
        best_expected = model;
      } else {
        second = std::min(second, aic);
      }
    }
    if (second - lowest > 4) {
      EXPECT_EQ(best_named, best_expected);
    }
    EXPECT_FALSE(best_named.empty());
  }
}

TEST(cli_fit_models, each_model_reports_its_own_parameters_by_the_names_of_spec_12) {
  const auto r = eisgrid("fit --json --model cpe,rc_electrode " + shell_quote(k_nova + "RPMI_TW01_d6_endohm1_freq"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Ordered: the parameters in the model's order.
  const auto results = nlohmann::ordered_json::parse(r.output)["results"];
  ASSERT_EQ(results.size(), 2u);
  const auto names = [](const nlohmann::ordered_json& o) {
    std::vector<std::string> out;
    for (const auto& [k, v] : o.items()) out.push_back(k);
    return out;
  };
  EXPECT_EQ(results[0]["model"], "cpe");
  EXPECT_EQ(names(results[0]["params"]), (std::vector<std::string>{"Rs", "Rsh", "Ra", "Qa", "alpha_a", "Rb", "Qb", "alpha_b"}));
  EXPECT_EQ(results[1]["model"], "rc_electrode");
  EXPECT_EQ(names(results[1]["params"]), (std::vector<std::string>{"Rs", "Qel", "alpha_el", "Rsh", "Ra", "Ca", "Rb", "Cb"}));
  for (const auto& row : results) {
    for (const char* key : {"aic", "bic", "ter", "tec", "resnorm"}) EXPECT_TRUE(row[key].is_number()) << key;
    EXPECT_TRUE(row["stderr"]["ter"].is_number());
    EXPECT_GT(row["stderr"]["ter"].get<double>(), 0);
  }
}

TEST(cli_fit_models, where_the_models_disagree_the_reasons_say_so_and_name_a_decisive_frequency) {
  // RPMI: cpe's TER is 24% above rc's and rc_electrode's 18% below (expected_models.json).
  const auto results = all_models_of("RPMI_TW01_d6_endohm1_freq");
  ASSERT_EQ(results.size(), 3u);
  double lowest_f = INFINITY;
  const auto sweeps = nova::read(k_nova + "RPMI_TW01_d6_endohm1_freq");
  for (double f : sweeps.at(0).f) lowest_f = std::min(lowest_f, f);
  for (const auto& row : results) {
    const auto reasons = row["reasons"].dump();
    EXPECT_NE(reasons.find("TER depends on the model: rc "), std::string::npos) << reasons;
    EXPECT_NE(reasons.find("would separate cpe from"), std::string::npos) << reasons;
    ASSERT_TRUE(row["decisive_frequency"].is_number());
    EXPECT_LT(row["decisive_frequency"].get<double>(), lowest_f);
  }
  EXPECT_EQ(results[1]["best_model"], true);  // cpe, by 88 in AIC
  // rc_electrode's electrode element is at alpha 0.5: a diffusion-like tail.
  EXPECT_NE(results[2]["reasons"].dump().find("alpha_el at 0.5"), std::string::npos) << results[2]["reasons"].dump();
  // rc leaves the low-frequency tail outside its TER.
  EXPECT_NE(results[0]["reasons"].dump().find("above the fitted TER"), std::string::npos) << results[0]["reasons"].dump();
}

TEST(cli_fit_models, where_the_models_agree_nothing_is_said) {
  // RPE: alpha fitted at 1, the three TERs within their errors.
  const auto results = all_models_of("RPEmedia_TW1-1_d1_chamber1_channel1_5freq5sine_freq");
  ASSERT_FALSE(results.empty());
  for (const auto& row : results) {
    EXPECT_EQ(row["reasons"].dump().find("TER depends on the model"), std::string::npos) << row["reasons"].dump();
    EXPECT_TRUE(row["decisive_frequency"].is_null());
  }
}

TEST(cli_fit_models, the_summary_has_a_row_per_model_and_the_models_own_columns) {
  test_support::temp_dir dir("fit_models");
  const auto csv = dir.path / "summary.csv";
  const auto r = eisgrid("fit -q --model all --area 1.12 --summary " + shell_quote(csv.string()) + " " +
                         shell_quote(k_nova + "16HBE_TW01_d3_endohm1_freq"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::ifstream in(csv);
  std::string header, line;
  std::getline(in, header);
  for (const char* column : {",model,aic,bic,best_model,decisive_frequency_hz", ",Qa,alpha_a,Qb,alpha_b,Qel,alpha_el", "TER_ohm_cm2"}) {
    EXPECT_NE(header.find(column), std::string::npos) << column << " in " << header;
  }
  std::vector<std::string> models;
  while (std::getline(in, line)) {
    for (const char* m : {",rc,", ",cpe,", ",rc_electrode,"}) {
      if (line.find(m) != std::string::npos) models.push_back(m);
    }
  }
  EXPECT_EQ(models, (std::vector<std::string>{",rc,", ",cpe,", ",rc_electrode,"}));
}

TEST(cli_fit_models, an_unknown_model_is_refused_with_the_valid_names) {
  const auto r = run(shell_quote(k_cli) + " fit --model cpf " + shell_quote(k_nova + "16HBE_TW01_d3_endohm1_freq") + " 2>&1");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("unknown model 'cpf'"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("rc_electrode"), std::string::npos) << r.output;
}

TEST(cli_fit_models, the_rc_output_is_todays_when_no_model_is_asked_for) {
  const auto plain = eisgrid("fit --json " + shell_quote(k_nova + "16HBE_TW02_d3_endohm1_freq"));
  const auto rc = eisgrid("fit --json --model rc " + shell_quote(k_nova + "16HBE_TW02_d3_endohm1_freq"));
  ASSERT_EQ(plain.exit_code, 0) << plain.output;
  EXPECT_EQ(plain.output, rc.output);
  const auto row = nlohmann::json::parse(plain.output)["results"].at(0);
  EXPECT_TRUE(row["reasons"].empty()) << row["reasons"].dump();
  EXPECT_EQ(row["model"], "rc");
}

// --range of any fitted model's parameter bounds its refinement: on a sweep
// whose free optimum has an exponent near 0.69 (cpe) and 0.5 (rc_electrode),
// the bounded fits end inside the bounds and no better than the free ones.
TEST(cli_fit_models, a_range_of_another_models_parameter_bounds_its_fit) {
  const auto by_model = [](const nlohmann::json& rows) {
    std::map<std::string, nlohmann::json> out;
    for (const auto& row : rows) out[row["model"].get<std::string>()] = row;
    return out;
  };
  const auto free = by_model(all_models_of("RPMI_TW01_d5_endohm2_freq"));
  const auto r = eisgrid("fit --json --model all --range alpha_a=0.85:1 --range ALPHA_B=0.85:1,alpha_el=0.7:1 --range Qa=1e-8:1e-2 " +
                         shell_quote(k_nova + "RPMI_TW01_d5_endohm2_freq"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto bounded = by_model(nlohmann::json::parse(r.output)["results"]);
  ASSERT_EQ(free.size(), 3u);
  ASSERT_EQ(bounded.size(), 3u);
  const auto& cpe = bounded.at("cpe")["params"];
  for (const char* alpha : {"alpha_a", "alpha_b"}) {
    EXPECT_GE(cpe[alpha].get<double>(), 0.85 - 1e-12) << alpha;
    EXPECT_LE(cpe[alpha].get<double>(), 1.0 + 1e-12) << alpha;
  }
  EXPECT_GE(cpe["Qa"].get<double>(), 1e-8 * (1 - 1e-12));
  EXPECT_LE(cpe["Qa"].get<double>(), 1e-2 * (1 + 1e-12));
  EXPECT_GE(bounded.at("rc_electrode")["params"]["alpha_el"].get<double>(), 0.7 - 1e-12);
  // The free optima lie outside these bounds, so the bounded fits are worse.
  EXPECT_LT(std::min(free.at("cpe")["params"]["alpha_a"].get<double>(), free.at("cpe")["params"]["alpha_b"].get<double>()), 0.8);
  EXPECT_GT(bounded.at("cpe")["resnorm"].get<double>(), free.at("cpe")["resnorm"].get<double>() * 1.001);
  EXPECT_GT(bounded.at("rc_electrode")["resnorm"].get<double>(), free.at("rc_electrode")["resnorm"].get<double>() * 1.001);
  // rc's parameters keep their grid ranges, the same with any model.
  EXPECT_EQ(bounded.at("rc")["params"], free.at("rc")["params"]);
}

TEST(cli_fit_models, a_range_of_a_parameter_no_fitted_model_has_is_refused_naming_the_valid_ones) {
  const std::string file = shell_quote(k_nova + "RPMI_TW01_d5_endohm2_freq");
  const auto refused = [&](const std::string& args, const std::string& words) {
    const auto r = run(shell_quote(k_cli) + " fit " + args + " " + file + " 2>&1");
    EXPECT_NE(r.exit_code, 0) << args;
    EXPECT_NE(r.output.find(words), std::string::npos) << args << ": " << r.output;
  };
  refused("--model cpe --range Qz=1:2", "(expected Rs, Rsh, Ra, Ca, Rb, Cb, Qa, alpha_a, Qb, alpha_b)");
  // rc alone has no exponent.
  refused("--range alpha_a=0.6:1", "(expected Rs, Rsh, Ra, Ca, Rb, Cb)");
  refused("--model all --range Qel=1e-3", "expected NAME=MIN:MAX");
  refused("--model cpe --range alpha_a=0.3:1", "range of alpha_a must lie between 0.5 and 1");
  refused("--model rc_electrode --range alpha_el=1:0.6", "minimum is above maximum");
}
