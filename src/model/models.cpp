#include "model/models.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "base/error.hpp"

namespace eisgrid::model {
namespace {

template <typename Kernel>
std::complex<double> impedance_of(std::span<const double> values, double freq_hz) {
  return to_std(Kernel::impedance(values.data(), 2.0 * std::numbers::pi * freq_hz));
}

template <typename Kernel>
double ter_of(std::span<const double> values) {
  return Kernel::ter(values.data());
}

template <typename Kernel>
double tec_of(std::span<const double> values) {
  return Kernel::tec(values.data());
}

template <typename Kernel>
constexpr std::span<const std::size_t> exponents_of() {
  if constexpr (requires { Kernel::k_exponents; }) {
    return Kernel::k_exponents;
  } else {
    return {};
  }
}

template <typename Kernel>
constexpr auto starts_of() {
  if constexpr (requires { &Kernel::starts_from_rc; }) {
    return &Kernel::starts_from_rc;
  } else {
    return static_cast<std::vector<std::vector<double>> (*)(const rc_point&, double)>(nullptr);
  }
}

template <typename Kernel>
std::complex<double> membrane_of(const double* values, double omega) {
  return to_std(Kernel::membrane_of(values, omega));
}

template <typename Kernel>
circuit_model describe(std::string_view name, std::string_view formula) {
  circuit_model m{name,
                  formula,
                  Kernel::k_parameters,
                  &impedance_of<Kernel>,
                  &ter_of<Kernel>,
                  &tec_of<Kernel>,
                  exponents_of<Kernel>(),
                  starts_of<Kernel>()};
  if constexpr (requires { Kernel::k_membrane_size; }) {
    static_assert(Kernel::k_parameters.size() == 2 + 2 * Kernel::k_membrane_size, "Rs, Rsh and two membranes");
    m.membrane_size = Kernel::k_membrane_size;
    m.membrane = &membrane_of<Kernel>;
  }
  return m;
}

}  // namespace

std::span<const circuit_model> all_models() noexcept {
  static const std::array<circuit_model, std::tuple_size_v<circuit_types>> models{
      describe<rc_model>("rc", "Rs + Rsh || (Ra||Ca + Rb||Cb)"),
      describe<cpe_model>("cpe", "Rs + Rsh || (Ra||CPEa + Rb||CPEb), CPE = 1/(Q (j omega)^alpha), alpha in [0.5, 1]"),
      describe<rc_electrode_model>("rc_electrode", "Rs + CPEel + Rsh || (Ra||Ca + Rb||Cb), alpha_el in [0.5, 1]"),
  };
  return models;
}

const circuit_model& rc() noexcept { return all_models().front(); }

const circuit_model* find_model(std::string_view name) noexcept {
  for (const auto& m : all_models()) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

void require_sweepable(const circuit_model& m) {
  if (m.membrane_size > 0) return;
  std::string sweepable;
  for (const auto& other : all_models()) {
    if (other.membrane_size > 0) sweepable += (sweepable.empty() ? "" : ", ") + std::string(other.name);
  }
  const std::string name(m.name);
  throw error(error_kind::usage, "the grid sweep takes models of a layer alone (" + sweepable + "); " + name +
                                     " has an element in series with it: fit it with `eisgrid fit --model " + name + "`");
}

std::string model_names() {
  std::string out;
  for (const auto& m : all_models()) out += (out.empty() ? "" : ", ") + std::string(m.name);
  return out;
}

std::vector<const circuit_model*> parse_models(std::string_view list) {
  std::vector<const circuit_model*> out;
  const auto add = [&](const circuit_model* m) {
    if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
  };
  std::size_t begin = 0;
  while (begin <= list.size()) {
    const auto end = std::min(list.find(',', begin), list.size());
    const auto name = list.substr(begin, end - begin);
    if (name == "all") {
      for (const auto& m : all_models()) add(&m);
    } else if (const auto* m = find_model(name)) {
      add(m);
    } else {
      throw error(error_kind::usage, "unknown model '" + std::string(name) + "' (expected " + model_names() + " or all)");
    }
    begin = end + 1;
  }
  return out;
}

double cpe_model::effective_capacitance(double r, double q, double alpha) {
  return std::pow(q, 1.0 / alpha) * std::pow(r, 1.0 / alpha - 1.0);
}

double cpe_model::tec(const double* p) {
  const double a = effective_capacitance(p[ra], p[qa], p[alpha_a]);
  const double b = effective_capacitance(p[rb], p[qb], p[alpha_b]);
  return a * b / (a + b);
}

// rc's point (alpha = 1, Q = C), then one membrane as a tail (an alpha below
// 1, its corner near the lowest frequency, a share of TER) beside the other
// as rc's main membrane (the larger resistance, its capacitance), no shunt.
// The two membranes are alike (swapping them gives the same spectrum), so the
// tail is tried in one of them.
std::vector<std::vector<double>> cpe_model::starts_from_rc(const rc_point& rc, double lowest_omega) {
  const auto& p = rc.params;
  std::vector<std::vector<double>> out{{rc.rs, p.rsh, p.ra, p.ca, 1.0, p.rb, p.cb, 1.0}};
  const double layer = model::ter(p);
  const double main_c = p.ra >= p.rb ? p.ca : p.cb;
  const double no_shunt = k_parameters[rsh].measured_range.max;
  for (const auto& t : k_tail_starts) {
    const double r = t.share * layer;
    const double q = 1.0 / (r * std::pow(t.corner * lowest_omega, t.alpha));
    out.push_back({rc.rs, no_shunt, r, q, t.alpha, std::max(layer - r, k_parameters[rb].measured_range.min), main_c, 1.0});
  }
  return out;
}

// rc's point with the electrode element vanishing (Qel at its largest), then
// the element taking up rc's slower arc (the low-frequency tail) and the
// layer's two membranes both in the faster arc, either side of its time
// constant, splitting its resistance.
std::vector<std::vector<double>> rc_electrode_model::starts_from_rc(const rc_point& rc, double /*lowest_omega*/) {
  const auto& p = rc.params;
  std::vector<std::vector<double>> out{{rc.rs, k_parameters[qel].measured_range.max, 1.0, p.rsh, p.ra, p.ca, p.rb, p.cb}};
  const bool a_slower = p.ra * p.ca >= p.rb * p.cb;
  const double slow_r = a_slower ? p.ra : p.rb, slow_c = a_slower ? p.ca : p.cb;
  const double fast_r = a_slower ? p.rb : p.ra, fast_c = a_slower ? p.cb : p.ca;
  const double corner = 1.0 / (slow_r * slow_c);
  for (const auto& e : k_electrode_starts) {
    const double q = 1.0 / (e.share * slow_r * std::pow(corner, e.alpha));
    out.push_back({rc.rs, q, e.alpha, p.rsh, fast_r / 2, fast_c * 2 / e.split, fast_r / 2, fast_c * 2 * e.split});
  }
  return out;
}

}  // namespace eisgrid::model
