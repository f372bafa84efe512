#pragma once
// A tiny reader of the NOVA text exports in fixtures/measured/nova, for the
// fit's tests only (the real readers are the measured module's): a date line
// starts a sweep, a header line follows, then tab-separated rows whose second
// to fourth columns are frequency, Z' and -Z''.

#include <complex>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace nova {

struct sweep {
  std::vector<double> f;
  std::vector<std::complex<double>> z;
};

inline std::vector<sweep> read(const std::string& path) {
  std::ifstream in(path);
  std::vector<sweep> sweeps;
  std::string line;
  while (std::getline(in, line)) {
    if (line.find('/') != std::string::npos && line.find('\t') == std::string::npos) {
      sweeps.emplace_back();
      continue;
    }
    if (sweeps.empty() || line.empty() || !(std::isdigit(static_cast<unsigned char>(line[0])) || line[0] == '-')) continue;
    std::istringstream fields(line);
    double t = 0, f = 0, re = 0, minus_im = 0;
    if (fields >> t >> f >> re >> minus_im) {
      sweeps.back().f.push_back(f);
      sweeps.back().z.emplace_back(re, -minus_im);
    }
  }
  return sweeps;
}

}  // namespace nova
