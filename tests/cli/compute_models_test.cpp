// `eisgrid compute --model cpe` (SPEC 12) end to end: the file numpy reads,
// its rows recomputed from their parameters with numpy's own complex powers,
// `inspect` on it, and the refusals of what the grid sweep cannot take.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/process.hpp"

using test_support::run;
using test_support::shell_quote;

namespace {

const std::string k_cli = EISGRID_CLI_PATH;

test_support::run_result eisgrid(const std::string& args) { return run(shell_quote(k_cli) + " " + args); }

}  // namespace

TEST(cli_compute_models, a_cpe_dataset_holds_its_model_and_rows_numpy_recomputes) {
  test_support::temp_dir root("cli");
  const auto r = eisgrid(
      "compute --model cpe --grid 3 --range alpha_a=0.6:1:3 --range alpha_b=0.8:1:2 --keep 50 --spectra 5 "
      "--output cpe.npz -q --data " +
      shell_quote(root.path.string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto file = root.path / "npz/user_generated/cpe.npz";
  const auto py = test_support::python(R"PY(
import json, sys, numpy as np
z = np.load(sys.argv[1]); m = json.loads(z["metadata"].item())
assert m["model"] == "cpe", m.get("model")
assert m["param_names"] == ["Rsh", "Ra", "Qa", "alpha_a", "Rb", "Qb", "alpha_b"], m["param_names"]
assert m["param_units"] == ["ohm", "ohm", "S.s^alpha", "1", "ohm", "S.s^alpha", "1"], m["param_units"]
assert m["parameter_ranges"]["alpha_a"] == {"min": 0.6, "max": 1, "count": 3, "unit": "1", "spacing": "linear"}
assert m["parameter_ranges"]["Qa"]["spacing"] == "log"
assert m["n_grid_points"] == 3 ** 5 * 3 * 2, m["n_grid_points"]
p, res, spec, f = z["parameters"], z["resnorms"], z["spectrum"], z["frequencies"].astype(float)
assert p.shape == (50, 7) and spec.shape == (5, f.size, 4), (p.shape, spec.shape)
assert np.all(np.diff(res) >= 0)
assert set(np.round(p[:, 3].astype(float), 5)) <= {0.6, 0.8, 1.0} and set(np.round(p[:, 6].astype(float), 5)) <= {0.8, 1.0}
w = 2 * np.pi * f
def layer(q):
    q = q.astype(float)
    mem = lambda r, Q, a: 1 / (1 / r + Q * (1j * w) ** a)
    s = mem(q[1], q[2], q[3]) + mem(q[4], q[5], q[6])
    return q[0] * s / (q[0] + s)
ref = z["reference_spectrum"][:, 0] + 1j * z["reference_spectrum"][:, 1]
for row in range(5):
    zz = layer(p[row])
    assert np.allclose(spec[row, :, 0], zz.real, rtol=1e-4, atol=1e-3), row
    assert np.allclose(spec[row, :, 1], zz.imag, rtol=1e-4, atol=1e-3), row
    assert np.allclose(spec[row, :, 2], np.abs(zz), rtol=1e-4), row
    mae = np.mean(np.abs(zz - ref))
    assert abs(mae - res[row]) <= 1e-3 * mae, (row, mae, res[row])
print("ok")
)PY",
                                       shell_quote(file.string()));
  EXPECT_EQ(py.exit_code, 0) << py.output;

  const auto inspect = eisgrid("inspect --json -n 3 " + shell_quote(file.string()));
  ASSERT_EQ(inspect.exit_code, 0) << inspect.output;
  const auto j = nlohmann::json::parse(inspect.output);
  EXPECT_EQ(j["model"], "cpe");
  ASSERT_EQ(j["top"].size(), 3u);
  const auto& best = j["top"][0];
  ASSERT_TRUE(best.contains("alpha_a") && best.contains("Qb")) << best.dump();
  const double rsh = best["Rsh"], ra = best["Ra"], rb = best["Rb"];
  EXPECT_NEAR(best["TER"].get<double>(), rsh * (ra + rb) / (rsh + ra + rb), 1e-6 * rsh);
  const auto table = eisgrid("inspect -n 2 " + shell_quote(file.string()));
  EXPECT_NE(table.output.find("alpha_a"), std::string::npos) << table.output;
  EXPECT_NE(table.output.find("Qa[S.s^alpha]"), std::string::npos) << table.output;
  const auto valid = eisgrid("validate " + shell_quote(file.string()));
  EXPECT_EQ(valid.exit_code, 0) << valid.output;
  // A cpe row is tagged with its model and parameters by name (catalog.commands compares the values with numpy's).
  const auto tag = eisgrid("tag add cpe.npz 0 --label best --data " + shell_quote(root.path.string()));
  EXPECT_EQ(tag.exit_code, 0) << tag.output;
  EXPECT_NE(tag.output.find("(cpe, resnorm"), std::string::npos) << tag.output;
}

TEST(cli_compute_models, an_rc_file_names_no_model) {
  test_support::temp_dir root("cli");
  ASSERT_EQ(eisgrid("compute --grid 2 --output rc.npz -q --data " + shell_quote(root.path.string())).exit_code, 0);
  const auto py = test_support::python(R"PY(
import json, sys, numpy as np
z = np.load(sys.argv[1]); m = json.loads(z["metadata"].item())
assert "model" not in m and z["parameters"].shape[1] == 5 and m["param_names"] == ["Rsh", "Ra", "Ca", "Rb", "Cb"]
print("ok")
)PY",
                                       shell_quote((root.path / "npz/user_generated/rc.npz").string()));
  EXPECT_EQ(py.exit_code, 0) << py.output;
}

TEST(cli_compute_models, what_the_grid_sweep_cannot_take_is_refused_with_the_way_out) {
  test_support::temp_dir root("cli");
  const std::string data = " -q --data " + shell_quote(root.path.string());
  const std::string nova = EISGRID_FIXTURES_DIR "/measured/nova/16HBE_TW01_d3_endohm1_freq";
  const struct {
    std::string args, says;
  } cases[] = {
      {"compute --model nope", "rc, cpe, rc_electrode"},
      {"compute --model rc_electrode --grid 2", "eisgrid fit --model rc_electrode"},
      {"compute --model cpe --grid 2 --range alpha_a=0.3:1", "alpha_a"},
      {"compute --model cpe --grid 2 --range Ca=1e-7:1e-6", "Qa"},
      {"compute --model cpe --grid 2 --reference " + shell_quote(nova), "eisgrid fit --model cpe"},
  };
  for (const auto& c : cases) {
    const auto r = eisgrid(c.args + data);
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find(c.says), std::string::npos) << c.args << "\n" << r.output;
  }
  EXPECT_FALSE(std::filesystem::exists(root.path / "npz/user_generated") && !std::filesystem::is_empty(root.path / "npz/user_generated"));
}
