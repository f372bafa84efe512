#pragma once
// Residual norms between a test spectrum and the reference (SPEC 3). Each is
// defined exactly here and in the README, because older tools used these names
// for other formulas. With dZ_i = Z_test(f_i) - Z_ref(f_i), summed over the n
// points where |Z_ref(f_i)| > 0 (the others are left out):
//   mae      = (1/n) sum |dZ_i|                   [ohm]  (the old exporter's)
//   rmse     = sqrt((1/n) sum |dZ_i|^2)           [ohm]
//   relative = (1/n) sum |dZ_i| / |Z_ref(f_i)|    [1]
//   modulus  = sqrt((1/n) sum |dZ_i|^2 / |Z_ref(f_i)|^2)  [1]  (Boukamp's modulus
//              weighting, impedance.py's weight_by_modulus; for measured data)

#include <array>
#include <complex>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace eisgrid::sweep {

enum class metric { mae, rmse, relative, modulus };

[[nodiscard]] std::string_view to_string(metric m) noexcept;
[[nodiscard]] std::optional<metric> parse_metric(std::string_view text) noexcept;
// Every metric, in the order messages and the API document list them.
inline constexpr std::array k_metrics{metric::mae, metric::rmse, metric::relative, metric::modulus};
// "mae, rmse, relative or modulus", each name between `quote`s.
[[nodiscard]] std::string metric_names(std::string_view quote = "");
// One line, as written into dataset metadata.
[[nodiscard]] std::string_view definition(metric m) noexcept;
[[nodiscard]] std::string_view unit(metric m) noexcept;

// Each metric is a monotone function of a weighted sum of per-point terms
// w_i * |dZ_i|^p, which is what the kernel accumulates and prunes on.
[[nodiscard]] constexpr bool squares_terms(metric m) noexcept { return m == metric::rmse || m == metric::modulus; }
// The weight w_i of a point with reference modulus |Z_ref(f_i)| > 0.
[[nodiscard]] double point_weight(metric m, double ref_modulus) noexcept;
// The metric of the n differences dZ_i against the reference z_ref_i
// (points with |Z_ref| = 0 left out), computed plainly in double precision.
[[nodiscard]] double resnorm_of(metric m, const std::complex<double>* dz, const std::complex<double>* z_ref, std::size_t n) noexcept;
// The resnorm from the kernel's sum over `valid_points` points.
[[nodiscard]] double finish(metric m, double sum, std::size_t valid_points) noexcept;

}  // namespace eisgrid::sweep
