#pragma once
// An independent, deliberately plain implementation of SPEC 3 for the tests:
// std::complex arithmetic straight from the formulas, no tables, no SIMD,
// no pruning, a full stable sort.

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <numeric>
#include <string>
#include <vector>

namespace plain {

struct params {
  double rsh, ra, ca, rb, cb;
};

inline std::complex<double> z(const params& p, double f) {
  const double w = 2 * std::numbers::pi * f;
  const std::complex<double> j(0, 1);
  const auto za = p.ra / (1.0 + j * w * p.ra * p.ca);
  const auto zb = p.rb / (1.0 + j * w * p.rb * p.cb);
  return p.rsh * (za + zb) / (p.rsh + za + zb);
}

inline std::vector<double> logspace(double a, double b, std::size_t n) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    v[i] = std::pow(10.0, std::log10(a) + (std::log10(b) - std::log10(a)) * double(i) / double(n - 1));
  }
  return v;
}

struct row {
  std::size_t index;
  double resnorm;
};

// ranges: {min,max,count} per parameter; metric "mae", "rmse" or "relative".
inline std::vector<row> sweep(const std::vector<std::array<double, 3>>& ranges, const std::vector<double>& freqs,
                              const std::vector<std::complex<double>>& ref, const std::string& metric) {
  std::vector<std::vector<double>> axes;
  for (const auto& r : ranges) axes.push_back(logspace(r[0], r[1], std::size_t(r[2])));
  std::vector<row> rows;
  std::size_t index = 0;
  for (double rsh : axes[0])
    for (double ra : axes[1])
      for (double ca : axes[2])
        for (double rb : axes[3])
          for (double cb : axes[4]) {
            double sum = 0;
            std::size_t n = 0;
            for (std::size_t i = 0; i < freqs.size(); ++i) {
              if (std::abs(ref[i]) == 0) continue;
              const double d = std::abs(z({rsh, ra, ca, rb, cb}, freqs[i]) - ref[i]);
              sum += metric == "rmse" ? d * d : metric == "relative" ? d / std::abs(ref[i]) : d;
              ++n;
            }
            const double mean = sum / double(n);
            rows.push_back({index++, metric == "rmse" ? std::sqrt(mean) : mean});
          }
  std::stable_sort(rows.begin(), rows.end(), [](const row& a, const row& b) { return a.resnorm < b.resnorm; });
  return rows;
}

}  // namespace plain
