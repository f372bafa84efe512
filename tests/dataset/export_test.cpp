// Files eisgrid writes, read back by real numpy (no allow_pickle) and unzip -t.
#include "dataset/export.hpp"

#include <gtest/gtest.h>

#include "base/error.hpp"
#include "dataset/dataset.hpp"
#include "support/process.hpp"

using namespace eisgrid;
using test_support::python;
using test_support::shell_quote;

namespace {

struct exported {
  std::filesystem::path path;
  sweep::sweep_result result;
};

exported export_sweep(const std::filesystem::path& root, std::size_t g, std::optional<std::uint64_t> keep,
                      std::optional<std::uint64_t> spectra, npz::compression method, const std::string& name,
                      sweep::metric m = sweep::metric::mae) {
  sweep::sweep_options opt;
  opt.grid = model::grid_spec::defaults(g);
  opt.keep = keep;
  opt.metric = m;
  static sweep::reference_spectrum ref;
  ref = sweep::model_reference(model::k_default_reference, model::frequencies({0.1, 1e5, 30, model::spacing::log}));
  exported e;
  e.result = sweep::run_sweep(opt, ref);
  dataset::run_record run;
  run.options = opt;
  run.reference = &ref;
  run.result = &e.result;
  run.frequency_spacing = "log";
  run.file_name = name;
  run.description = "unit test \"quoted\" \xc2\xb5";
  dataset::export_options eo;
  eo.spectra = spectra;
  eo.npz.method = method;
  e.path = dataset::export_dataset(dataset::data_dir(root), run, eo).path;
  return e;
}

// Recomputes everything in numpy from the metadata and compares.
const char* k_numpy_check = R"PY(
import json, sys, zipfile
import numpy as np
path, rows, spectra, metric = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
z = np.load(path)  # no allow_pickle: must not be needed
assert set(z.files) >= {"parameters", "resnorms", "spectrum", "frequencies", "metadata", "grid_indices", "reference_spectrum"}, z.files
m = json.loads(z["metadata"].item())
for key in ["grid_size", "n_parameter_sets", "n_frequencies", "freq_min", "freq_max", "param_names", "param_units",
            "spectrum_columns", "export_timestamp", "best_resnorm", "computation_complete", "user_generated",
            "storage_location", "filename", "ready_for_registration", "format_version", "reference",
            "parameter_ranges", "frequency_spacing", "resnorm_metric", "n_grid_points", "description"]:
    assert key in m, key
assert m["description"] == 'unit test "quoted" \u00b5'
p, r, s, f = z["parameters"], z["resnorms"], z["spectrum"], z["frequencies"]
for a in (p, r, s, f): assert a.dtype == np.float32, a.dtype
assert z["grid_indices"].dtype == np.int64 and z["reference_spectrum"].dtype == np.float64
g = m["grid_size"]
assert p.shape == (rows, 5) and r.shape == (rows,) and f.shape == (30,) and s.shape == (spectra, 30, 4), (p.shape, s.shape)
assert m["n_parameter_sets"] == rows and m["n_spectra"] == spectra and m["n_grid_points"] == g ** 5
assert m["resnorm_metric"] == metric
assert np.all(np.diff(r) >= 0)
fr = np.logspace(-1, 5, 30)
assert np.allclose(f, fr, rtol=1e-6)
ranges = [m["parameter_ranges"][name] for name in m["param_names"]]
axes = [np.logspace(np.log10(a["min"]), np.log10(a["max"]), a["count"]) for a in ranges]
idx = z["grid_indices"]
sub = np.unravel_index(idx, [g] * 5)
params = np.stack([axes[k][sub[k]] for k in range(5)], axis=1)
assert np.allclose(p, params, rtol=1e-6)
ref = m["reference"]["parameters"]
def Z(P, freq):
    w = 2 * np.pi * freq[None, :]
    za = P[:, 1:2] / (1 + 1j * w * P[:, 1:2] * P[:, 2:3])
    zb = P[:, 3:4] / (1 + 1j * w * P[:, 3:4] * P[:, 4:5])
    return P[:, 0:1] * (za + zb) / (P[:, 0:1] + za + zb)
zr = Z(np.array([[ref[k] for k in ["Rsh", "Ra", "Ca", "Rb", "Cb"]]]), fr)[0]
zt = Z(params, fr)
d = np.abs(zt - zr)
want = {"mae": d.mean(axis=1), "rmse": np.sqrt((d ** 2).mean(axis=1)), "relative": (d / np.abs(zr)).mean(axis=1),
        "modulus": np.sqrt((d ** 2 / np.abs(zr) ** 2).mean(axis=1))}[metric]
assert np.allclose(r, want, rtol=1e-5), np.max(np.abs(r - want) / want)
assert abs(m["best_resnorm"] - r[0]) <= 1e-5 * r[0]
zs = zt[:spectra]
assert np.allclose(s[:, :, 0], zs.real, rtol=1e-5, atol=1e-3)
assert np.allclose(s[:, :, 1], zs.imag, rtol=1e-5, atol=1e-3)
assert np.allclose(s[:, :, 2], np.abs(zs), rtol=1e-5)
assert np.allclose(s[:, :, 3], np.degrees(np.angle(zs)), rtol=1e-4, atol=1e-4)
rs = z["reference_spectrum"]
assert np.allclose(rs[:, 0] + 1j * rs[:, 1], zr, rtol=1e-12)
print("numpy ok")
)PY";

void expect_numpy_reads(const exported& e, std::uint64_t rows, std::uint64_t spectra, const std::string& metric) {
  const auto r =
      python(k_numpy_check, shell_quote(e.path.string()) + " " + std::to_string(rows) + " " + std::to_string(spectra) + " " + metric);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("numpy ok"), std::string::npos) << r.output;
  const auto unzip = test_support::run("unzip -t " + shell_quote(e.path.string()));
  EXPECT_EQ(unzip.exit_code, 0) << unzip.output;
  EXPECT_NE(unzip.output.find("No errors detected"), std::string::npos) << unzip.output;
}

}  // namespace

TEST(dataset_export, numpy_reads_every_array_deflated) {
  test_support::temp_dir root("export");
  const auto e = export_sweep(root.path, 4, std::nullopt, std::nullopt, npz::compression::deflate, "all.npz");
  EXPECT_EQ(e.path, root.path / "npz" / "user_generated" / "all.npz");
  expect_numpy_reads(e, 1024, 1024, "mae");
}

TEST(dataset_export, numpy_reads_every_array_stored_with_best_k_and_fewer_spectra) {
  test_support::temp_dir root("export");
  const auto e = export_sweep(root.path, 5, 100, 7, npz::compression::stored, "best.npz", sweep::metric::rmse);
  expect_numpy_reads(e, 100, 7, "rmse");
}

TEST(dataset_export, relative_metric_round_trips) {
  test_support::temp_dir root("export");
  const auto e = export_sweep(root.path, 3, 50, 50, npz::compression::deflate, "rel.npz", sweep::metric::relative);
  expect_numpy_reads(e, 50, 50, "relative");
}

TEST(dataset_export, modulus_metric_round_trips) {
  test_support::temp_dir root("export");
  const auto e = export_sweep(root.path, 4, 200, 20, npz::compression::deflate, "modulus.npz", sweep::metric::modulus);
  expect_numpy_reads(e, 200, 20, "modulus");
}

TEST(dataset_export, our_reader_agrees_with_the_sweep) {
  test_support::temp_dir root("export");
  const auto e = export_sweep(root.path, 4, 64, 10, npz::compression::deflate, "back.npz");
  const auto d = dataset::dataset::load(e.path);
  ASSERT_EQ(d.rows(), 64u);
  EXPECT_EQ(d.spectra_rows(), 10u);
  EXPECT_FALSE(d.legacy_metadata());
  for (std::uint64_t r = 0; r < d.rows(); ++r) {
    EXPECT_FLOAT_EQ(static_cast<float>(d.resnorm(r)), static_cast<float>(e.result.resnorms[r]));
    EXPECT_EQ(d.grid_index(r), static_cast<std::int64_t>(e.result.indices[r]));
  }
  EXPECT_EQ(d.metadata()["filename"], "back.npz");
}

TEST(dataset_export, never_overwrites_and_leaves_no_temp_files) {
  test_support::temp_dir root("export");
  const auto first = export_sweep(root.path, 3, 10, 10, npz::compression::deflate, "same.npz");
  const auto size = std::filesystem::file_size(first.path);
  EXPECT_THROW(export_sweep(root.path, 4, 10, 10, npz::compression::deflate, "same.npz"), error);
  EXPECT_EQ(std::filesystem::file_size(first.path), size);
  EXPECT_TRUE(std::filesystem::is_empty(root.path / "npz" / "temp"));
}

TEST(dataset_export, hostile_output_name_is_refused_before_writing) {
  test_support::temp_dir root("export");
  EXPECT_THROW(export_sweep(root.path, 3, 10, 10, npz::compression::deflate, "../escape.npz"), error);
  EXPECT_FALSE(std::filesystem::exists(root.path / "npz" / "escape.npz"));
}
