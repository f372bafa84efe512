// Every rule of SPEC 6 broken once, each with its own message; legacy files accepted.
#include "dataset/dataset.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "base/error.hpp"
#include "npz/reader.hpp"
#include "support/process.hpp"

using namespace eisgrid;

namespace {

// Writes good arrays, then applies `change` (python statements on dict `a`).
std::filesystem::path make_file(const std::filesystem::path& dir, const std::string& name, const std::string& change) {
  const std::string script = R"PY(
import json, sys
import numpy as np
n, F, M = 6, 4, 3
a = {
  "parameters": np.ones((n, 5), np.float32),
  "resnorms": np.arange(n, dtype=np.float32),
  "spectrum": np.zeros((M, F, 4), np.float32),
  "frequencies": np.array([1, 10, 100, 1000], np.float32),
}
meta = {"grid_size": 2, "n_parameter_sets": n, "n_frequencies": F, "freq_min": 1.0, "freq_max": 1000.0, "best_resnorm": 0.0}
)PY" + change + R"PY(
if "metadata" not in a: a["metadata"] = np.array(json.dumps(meta))
np.savez(sys.argv[1], **a)
)PY";
  const auto path = dir / name;
  const auto r = test_support::python(script, test_support::shell_quote(path.string()));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return path;
}

std::string reason(const std::filesystem::path& path) {
  const auto v = dataset::validate_file(path);
  EXPECT_FALSE(v.valid) << path;
  return v.message;
}

}  // namespace

TEST(dataset_validation, a_well_formed_file_passes) {
  test_support::temp_dir dir("valid");
  const auto v = dataset::validate_file(make_file(dir.path, "good.npz", ""));
  EXPECT_TRUE(v.valid) << v.message;
  const auto d = dataset::dataset::load(dir.path / "good.npz");
  EXPECT_EQ(d.rows(), 6u);
  EXPECT_EQ(d.spectra_rows(), 3u);
  EXPECT_EQ(d.frequency(3), 1000.0);
}

struct rule_case {
  const char* name;
  const char* change;
  const char* message;
};

class dataset_rule : public ::testing::TestWithParam<rule_case> {};

TEST_P(dataset_rule, broken_rule_gives_its_own_message) {
  test_support::temp_dir dir("rule");
  const auto& c = GetParam();
  const auto message = reason(make_file(dir.path, std::string(c.name) + ".npz", c.change));
  EXPECT_NE(message.find(c.message), std::string::npos) << message;
  EXPECT_NE(message.find(std::string(c.name) + ".npz"), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    spec6, dataset_rule,
    ::testing::Values(rule_case{"no_parameters", "del a['parameters']", "missing array 'parameters'"},
                      rule_case{"no_resnorms", "del a['resnorms']", "missing array 'resnorms'"},
                      rule_case{"no_spectrum", "del a['spectrum']", "missing array 'spectrum'"},
                      rule_case{"no_frequencies", "del a['frequencies']", "missing array 'frequencies'"},
                      rule_case{"no_metadata", "np.savez(sys.argv[1], **a); sys.exit(0)", "missing array 'metadata'"},
                      rule_case{"params_4_columns", "a['parameters'] = np.ones((n, 4), np.float32)", "expected (N, 5)"},
                      rule_case{"params_1d", "a['parameters'] = np.ones(n * 5, np.float32)", "expected 2 dimensions"},
                      rule_case{"resnorms_short", "a['resnorms'] = np.zeros(n - 1, np.float32)", "'parameters' has 6 rows"},
                      rule_case{"spectrum_too_many", "a['spectrum'] = np.zeros((n + 1, F, 4), np.float32)",
                                "more than the 6 parameter sets"},
                      rule_case{"spectrum_wrong_f", "a['spectrum'] = np.zeros((M, F + 1, 4), np.float32)", "expected (M, 4, 4)"},
                      rule_case{"spectrum_3_columns", "a['spectrum'] = np.zeros((M, F, 3), np.float32)", "expected (M, 4, 4)"},
                      rule_case{"freq_negative", "a['frequencies'] = np.array([-1, 10, 100, 1000], np.float32)", "not positive and finite"},
                      rule_case{"freq_nan", "a['frequencies'] = np.array([1, np.nan, 100, 1000], np.float32)", "not positive and finite"},
                      rule_case{"freq_descending", "a['frequencies'] = np.array([1, 100, 10, 1000], np.float32)", "not increasing"},
                      rule_case{"string_dtype", "a['resnorms'] = np.array(['a'] * n)", "non-numeric dtype"},
                      rule_case{"metadata_not_json", "a['metadata'] = np.array('{not json')", "not valid JSON"},
                      rule_case{"metadata_not_object", "a['metadata'] = np.array('[1, 2]')", "not a JSON object"},
                      rule_case{"metadata_numeric", "a['metadata'] = np.array(3.0)", "'metadata' must be"},
                      rule_case{"metadata_count", "meta['n_parameter_sets'] = 99", "'n_parameter_sets' is 99"},
                      rule_case{"metadata_freq", "meta['n_frequencies'] = 5", "'n_frequencies' is 5"},
                      rule_case{"metadata_fmax", "meta['freq_max'] = 5000.0", "'freq_max'"},
                      rule_case{"metadata_best", "meta['best_resnorm'] = 7.0", "'best_resnorm'"},
                      rule_case{"metadata_grid", "meta['grid_size'] = 'five'", "'grid_size'"},
                      rule_case{"fortran", "a['parameters'] = np.asfortranarray(np.ones((n, 5), np.float32))", "Fortran order"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(dataset_validation, missing_and_non_npz_files) {
  test_support::temp_dir dir("bad");
  EXPECT_NE(reason(dir.path / "absent.npz").find("absent.npz"), std::string::npos);
  const auto text = dir.path / "text.npz";
  test_support::run("echo hello > " + test_support::shell_quote(text.string()));
  EXPECT_FALSE(reason(text).empty());
}

TEST(dataset_validation, legacy_fixtures_read_safely) {
  const std::filesystem::path legacy = EISGRID_FIXTURES_DIR "/legacy";
  const auto sample = dataset::dataset::load(legacy / "sample_grid_5_test.npz");
  EXPECT_TRUE(sample.legacy_metadata());
  EXPECT_EQ(sample.rows(), 125u);
  EXPECT_EQ(sample.frequency_count(), 50u);
  EXPECT_EQ(sample.metadata()["grid_size"], 5);
  EXPECT_EQ(sample.metadata()["sample_dataset"], true);
  EXPECT_NEAR(sample.metadata()["best_resnorm"].get<double>(), 273.8524037443795, 1e-9);
  EXPECT_NEAR(sample.resnorm(0), 273.85242, 1e-3);
  EXPECT_NEAR(sample.parameter(0, 0), 1e4, 1e-2);

  const auto full = dataset::dataset::load(legacy / "grid_5_freq_0.1_100000.npz");
  EXPECT_EQ(full.rows(), 3125u);
  EXPECT_EQ(full.spectra_rows(), 3125u);
  EXPECT_EQ(full.metadata()["filename"], "grid_5_freq_0.1_100000.npz");
  EXPECT_EQ(full.metadata()["param_units"][2], "farad");
  EXPECT_NEAR(full.resnorm(0), 273.005236, 1e-3);
  EXPECT_EQ(full.resnorm(0), full.resnorm(1));  // the mirror tie
}

TEST(dataset_validation, stored_arrays_are_read_in_place_and_deflated_ones_copied) {
  test_support::temp_dir dir("mapped");
  const auto stored = dataset::dataset::load(make_file(dir.path, "stored.npz", "a['spectrum'][:] = 1.5"));
  const auto deflated = dataset::dataset::load(
      make_file(dir.path, "deflated.npz",
                "a['spectrum'][:] = 1.5\nnp.savez_compressed(sys.argv[1], metadata=np.array(json.dumps(meta)), **a)\nsys.exit(0)"));
  EXPECT_EQ(stored.mapped_bytes(), stored.memory_bytes());
  EXPECT_EQ(deflated.mapped_bytes(), 0u);
  // parameters, resnorms, spectrum and frequencies as float32
  EXPECT_EQ(stored.memory_bytes(), (6u * 5 + 6 + 3 * 4 * 4 + 4) * 4);
  EXPECT_EQ(deflated.memory_bytes(), stored.memory_bytes());
  for (std::uint64_t row = 0; row < 3; ++row) {
    EXPECT_EQ(stored.spectrum(row, 2), deflated.spectrum(row, 2));
    EXPECT_EQ(stored.spectrum(row, 2)[0], 1.5);
    EXPECT_EQ(stored.resnorm(row), static_cast<double>(row));
  }
}

TEST(dataset_validation, loading_without_spectra_still_checks_their_shape) {
  test_support::temp_dir dir("depth");
  const auto good = make_file(dir.path, "good.npz", "");
  const auto d = dataset::dataset::load(good, dataset::load_depth::without_spectra);
  EXPECT_EQ(d.rows(), 6u);
  EXPECT_EQ(d.spectra_rows(), 3u);
  EXPECT_LT(d.memory_bytes(), dataset::dataset::load(good).memory_bytes());
  const auto bad = make_file(dir.path, "bad.npz", "a['spectrum'] = np.zeros((M, F, 3), np.float32)");
  EXPECT_THROW((void)dataset::dataset::load(bad, dataset::load_depth::without_spectra), error);
}

TEST(dataset_validation, a_load_never_inflates_more_than_its_limit) {
  test_support::temp_dir dir("limits");
  const auto deflated = make_file(dir.path, "deflated.npz",
                                  "a['parameters'] = np.zeros((n, 5), np.float32)\n"
                                  "np.savez_compressed(sys.argv[1], metadata=np.array(json.dumps(meta)), **a)\nsys.exit(0)");
  // The arrays load() reads, as the archive declares them (.npy headers and
  // the metadata's UTF-32 included).
  std::uint64_t inflated = 0, spectrum = 0;
  const auto archive = npz::reader::open(deflated);  // members() refers into it
  for (const auto& m : archive.members()) {
    inflated += m.uncompressed_size;
    if (m.name == "spectrum") spectrum = m.uncompressed_size;
  }
  EXPECT_NO_THROW((void)dataset::dataset::load(deflated, dataset::load_depth::full, {inflated}));
  try {
    (void)dataset::dataset::load(deflated, dataset::load_depth::full, {inflated - 1});
    FAIL() << "a load over its limit passed";
  } catch (const error& e) {
    EXPECT_EQ(e.kind(), error_kind::too_large);
    EXPECT_NE(std::string(e.what()).find("would inflate to " + std::to_string(inflated) + " bytes, over the limit of " +
                                         std::to_string(inflated - 1)),
              std::string::npos)
        << e.what();
  }
  // Without spectra, the spectrum is neither inflated nor counted.
  EXPECT_NO_THROW((void)dataset::dataset::load(deflated, dataset::load_depth::without_spectra, {inflated - spectrum}));
  // Stored arrays are read in place and cost no inflating at all.
  const auto stored = make_file(dir.path, "stored.npz", "");
  EXPECT_NO_THROW((void)dataset::dataset::load(stored, dataset::load_depth::full, {1024}));
}

TEST(dataset_validation, shapes_are_checked_before_any_array_is_read) {
  test_support::temp_dir dir("headers");
  // Deflated 'parameters' claims 2 M rows (40 MB); 'resnorms' has 6. A limit far
  // below the claim shows the shape check comes first, from headers alone.
  const auto bad = make_file(dir.path, "claims.npz",
                             "a['parameters'] = np.zeros((2_000_000, 5), np.float32)\n"
                             "np.savez_compressed(sys.argv[1], metadata=np.array(json.dumps(meta)), **a)\nsys.exit(0)");
  try {
    (void)dataset::dataset::load(bad, dataset::load_depth::full, {1 << 20});
    FAIL() << "loaded";
  } catch (const error& e) {
    EXPECT_EQ(e.kind(), error_kind::invalid_input);
    EXPECT_NE(std::string(e.what()).find("'resnorms' has shape (6,) but 'parameters' has 2000000 rows"), std::string::npos) << e.what();
  }
}

TEST(dataset_validation, links_and_fifos_are_refused_without_blocking) {
  test_support::temp_dir dir("links");
  const auto good = make_file(dir.path, "good.npz", "");
  std::filesystem::create_symlink(good, dir.path / "link.npz");
  EXPECT_NE(reason(dir.path / "link.npz").find("a symbolic link, which eisgrid does not follow"), std::string::npos);
  ASSERT_EQ(::mkfifo((dir.path / "fifo.npz").c_str(), 0644), 0);
  EXPECT_NE(reason(dir.path / "fifo.npz").find("not a regular file"), std::string::npos);
  std::filesystem::create_directory(dir.path / "dir.npz");
  EXPECT_NE(reason(dir.path / "dir.npz").find("not a regular file"), std::string::npos);
}

TEST(dataset_validation, metadata_over_its_size_limit_is_refused_before_it_is_read) {
  test_support::temp_dir dir("metadata");
  const std::string chars = std::to_string(dataset::k_max_metadata_member_bytes / 4);
  const auto big = make_file(dir.path, "big.npz", "meta['description'] = 'x' * " + chars);
  EXPECT_NE(reason(big).find("over the limit of " + std::to_string(dataset::k_max_metadata_member_bytes)), std::string::npos);
}
