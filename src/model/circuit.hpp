#pragma once
// The five-element equivalent circuit of an epithelial layer (SPEC 1):
// Rsh in parallel with two membranes in series, each membrane an R parallel C.

#include <array>
#include <complex>
#include <string_view>

namespace eisgrid::model {

inline constexpr std::size_t k_param_count = 5;

// Always in this order: Rsh, Ra, Ca, Rb, Cb.
enum class param : std::size_t { rsh = 0, ra = 1, ca = 2, rb = 3, cb = 4 };

inline constexpr std::array<std::string_view, k_param_count> k_param_names{"Rsh", "Ra", "Ca", "Rb", "Cb"};
inline constexpr std::array<std::string_view, k_param_count> k_param_units{"ohm", "ohm", "farad", "ohm", "farad"};

struct circuit_params {
  double rsh = 0;  // shunt (paracellular) resistance [ohm]
  double ra = 0;   // apical resistance [ohm]
  double ca = 0;   // apical capacitance [F]
  double rb = 0;   // basal resistance [ohm]
  double cb = 0;   // basal capacitance [F]

  [[nodiscard]] std::array<double, k_param_count> as_array() const noexcept { return {rsh, ra, ca, rb, cb}; }
  [[nodiscard]] static circuit_params from_array(const std::array<double, k_param_count>& v) noexcept {
    return {v[0], v[1], v[2], v[3], v[4]};
  }
  friend bool operator==(const circuit_params&, const circuit_params&) = default;
};

// The default reference: Rsh = Ra = Rb = 5005 ohm, Ca = Cb = 25.05 uF.
inline constexpr circuit_params k_default_reference{5005.0, 5005.0, 25.05e-6, 5005.0, 25.05e-6};

// Impedance of one membrane, R parallel C, at angular frequency omega.
[[nodiscard]] std::complex<double> membrane_impedance(double r, double c, double omega) noexcept;
// Z of the whole circuit at `freq_hz`. Preconditions: positive finite parameters.
[[nodiscard]] std::complex<double> impedance(const circuit_params& p, double freq_hz) noexcept;

[[nodiscard]] double phase_degrees(std::complex<double> z) noexcept;

// Transepithelial resistance, the limit of Z as f -> 0.
[[nodiscard]] double ter(const circuit_params& p) noexcept;
// Transepithelial capacitance, the two membrane capacitances in series.
[[nodiscard]] double tec(const circuit_params& p) noexcept;
[[nodiscard]] inline double tau_a(const circuit_params& p) noexcept { return p.ra * p.ca; }
[[nodiscard]] inline double tau_b(const circuit_params& p) noexcept { return p.rb * p.cb; }

// Parameter values eisgrid computes with (ohm or farad): far beyond any cell
// layer, and narrow enough that parameters, impedances and resnorms stay
// finite in float32, which datasets store.
inline constexpr double k_min_parameter_value = 1e-20;
inline constexpr double k_max_parameter_value = 1e20;

// Throws error(usage) naming the parameter if any value is not within
// [k_min_parameter_value, k_max_parameter_value] (NaN included).
void check_params(const circuit_params& p, std::string_view what);

}  // namespace eisgrid::model
