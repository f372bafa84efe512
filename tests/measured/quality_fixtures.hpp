#pragma once
// Spectra for the quality checks' tests: model spectra of the circuit (with a series
// resistance and noise if asked), and a small reader of the NOVA text exports in
// tests/data/measured/nova/ that knows only what these tests need. The module's
// own NOVA reader is tested on its own; these tests must not depend on it.

#include <gtest/gtest.h>

#include <complex>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "model/circuit.hpp"
#include "model/spacing.hpp"

namespace quality_test {

struct sweep {
  std::vector<double> frequencies;
  std::vector<std::complex<double>> z;
};

// The parameters of a 16HBE fit in the fixtures (Rs 21 ohm, TER 270 ohm), the default
// reference of SPEC 1 (two equal membranes), and a layer with separated time constants.
inline const eisgrid::model::circuit_params k_airway{939, 6.8, 2.08e-6, 370, 1.02e-6};
inline const eisgrid::model::circuit_params k_separated{2000, 800, 1e-6, 300, 10e-6};

// Z = rs + the circuit, at each frequency.
inline sweep model_sweep(const eisgrid::model::circuit_params& p, std::vector<double> frequencies, double rs = 0) {
  sweep s;
  for (const double f : frequencies) s.z.push_back(rs + eisgrid::model::impedance(p, f));
  s.frequencies = std::move(frequencies);
  return s;
}

// `points` log-spaced from 50 kHz down to 2 Hz, the order and range of the NOVA sweeps.
inline std::vector<double> nova_frequencies(std::size_t points = 29) {
  return eisgrid::model::spaced_points(50'000, 2, points, eisgrid::model::spacing::log);
}

// Independent Gaussian noise on the real and imaginary parts, each with standard deviation
// `relative` * |Z|.
inline void add_noise(sweep& s, double relative, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0, 1);
  for (auto& z : s.z) {
    const double sigma = relative * std::abs(z);
    const double re = normal(rng) * sigma;
    const double im = normal(rng) * sigma;
    z += std::complex<double>(re, im);
  }
}

inline std::filesystem::path nova_dir() { return std::filesystem::path(EISGRID_FIXTURES_DIR) / "measured" / "nova"; }

// The sweeps of one NOVA export: UTF-8 with or without a byte-order mark, CRLF; each sweep a
// date line, a header line starting "Time (s)", then tab-separated rows of time, frequency
// [Hz], Z' [ohm], -Z'' [ohm], ... The file holds -Z'', so the imaginary part is negated here.
inline std::vector<sweep> read_nova(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  std::stringstream text;
  text << in.rdbuf();
  std::string body = text.str();
  if (body.starts_with("\xEF\xBB\xBF")) body.erase(0, 3);
  std::vector<sweep> sweeps;
  std::istringstream lines(body);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (line.starts_with("Time (s)")) {
      sweeps.emplace_back();
      continue;
    }
    if (line.find('\t') == std::string::npos) continue;  // the date line before each header
    std::vector<double> fields;
    std::istringstream cells(line);
    std::string cell;
    for (int column = 0; column < 4 && std::getline(cells, cell, '\t'); ++column) fields.push_back(std::stod(cell));
    EXPECT_EQ(fields.size(), 4u) << path << ": " << line;
    EXPECT_FALSE(sweeps.empty()) << path << ": a row before the first header";
    if (fields.size() != 4 || sweeps.empty()) continue;
    sweeps.back().frequencies.push_back(fields[1]);
    sweeps.back().z.emplace_back(fields[2], -fields[3]);
  }
  return sweeps;
}

struct fixture_file {
  std::string name;
  std::size_t sweeps;
  std::size_t points;
};

// What the fixtures' README says each file holds.
inline const std::vector<fixture_file> k_good_files{
    {"16HBE_TW01_d3_endohm1_freq", 1, 29},
    {"16HBE_TW02_d3_endohm1_freq", 1, 29},
    {"16HBE_TW03_d3_endohm1_freq", 1, 29},
    {"16HBE_TW04_d3_endohm1_freq", 1, 29},
    {"RPEmedia_TW1-1_d1_chamber1_channel1_5freq5sine_freq", 3, 66},
    {"noSoln_modelCell_d1_chamber1_channel1_freq", 3, 29},
};
inline const std::vector<fixture_file> k_unusable_files{
    {"16HBEmedia_disconnect_freq.txt", 1, 29},
    {"16HBEmedia_8TWclean_d1_chamber1_channel1_freq", 3, 29},
};

}  // namespace quality_test
