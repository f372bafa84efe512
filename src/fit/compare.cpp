#include "fit/compare.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace eisgrid::fit {
namespace {

std::string format(const char* pattern, auto... values) {
  char text[256];
  std::snprintf(text, sizeof text, pattern, values...);
  return text;
}

// The root mean square of a fit's relative residuals: its own misfit.
double residual_level(const model_fit_result& r) {
  double sum = 0;
  for (double v : r.relative_residuals) sum += v * v;
  return r.relative_residuals.empty() ? 0.0 : std::sqrt(sum / static_cast<double>(r.relative_residuals.size()));
}

bool ters_disagree(const model_fit_result& a, const model_fit_result& b) { return std::abs(a.ter - b.ter) > a.ter_se + b.ter_se; }

}  // namespace

std::vector<std::string> model_warnings(const model_fit_result& r, std::span<const double> frequencies,
                                        std::span<const std::complex<double>> z) {
  std::vector<std::string> out;
  const auto& m = *r.model;
  for (std::size_t e : m.exponents) {
    if (r.params[e] <= k_tail_exponent) {
      out.push_back(format("%s: %s at 0.5, a diffusion-like tail rather than a membrane", std::string(m.name).c_str(),
                           std::string(m.parameters[e].name).c_str()));
    }
  }
  const auto lowest = std::min_element(frequencies.begin(), frequencies.end()) - frequencies.begin();
  const double tail = z[static_cast<std::size_t>(lowest)].real() - r.params[0];
  if (tail - r.ter > r.ter_se) {
    out.push_back(
        format("%s: the real part at the lowest frequency (%g Hz) less Rs, %.4g ohm, lies above the fitted TER %.4g +- %.2g ohm: "
               "a low-frequency tail that this model does not put in the layer's resistance",
               std::string(m.name).c_str(), frequencies[static_cast<std::size_t>(lowest)], tail, r.ter, r.ter_se));
  }
  return out;
}

model_comparison compare_models(std::span<const model_fit_result> fits, std::span<const double> frequencies) {
  model_comparison c;
  for (std::size_t k = 1; k < fits.size(); ++k) {
    if (fits[k].aic < fits[c.best].aic) c.best = k;
  }
  bool disagree = false;
  for (std::size_t a = 0; a < fits.size(); ++a) {
    for (std::size_t b = a + 1; b < fits.size(); ++b) disagree = disagree || ters_disagree(fits[a], fits[b]);
  }
  if (!disagree) return c;
  std::string ters;
  for (const auto& f : fits)
    ters += format("%s%s %.4g +- %.2g ohm", ters.empty() ? "" : ", ", std::string(f.model->name).c_str(), f.ter, f.ter_se);
  c.reasons.push_back("TER depends on the model: " + ters + " (lowest AIC: " + std::string(fits[c.best].model->name) + ")");

  // The next model by AIC whose TER differs from the best one's.
  const model_fit_result& best = fits[c.best];
  const model_fit_result* other = nullptr;
  for (const auto& f : fits) {
    if (&f != &best && ters_disagree(f, best) && (!other || f.aic < other->aic)) other = &f;
  }
  if (!other) return c;
  // Below the lowest frequency the predictions part: decisive is where they
  // differ by the sweep's own residual (the preferred model's) more than they
  // already do at the lowest measured frequency, which the data explain.
  const double level = residual_level(best);
  const double lowest = *std::min_element(frequencies.begin(), frequencies.end());
  const auto difference = [&](double f) {
    const auto za = best.model->impedance(best.params, f), zb = other->model->impedance(other->params, f);
    return std::abs(za - zb) / std::abs(za);
  };
  const double measured = difference(lowest);
  const int steps = static_cast<int>(k_prediction_decades * k_prediction_steps_per_decade);
  for (int k = 1; k <= steps; ++k) {
    const double f = lowest * std::pow(10.0, -static_cast<double>(k) / k_prediction_steps_per_decade);
    if (difference(f) > measured + level) {
      c.decisive_frequency = f;
      break;
    }
  }
  const std::string pair = std::string(best.model->name) + " from " + std::string(other->model->name);
  if (c.decisive_frequency) {
    c.reasons.push_back(format("measuring down to %.2g Hz would separate %s (the lowest frequency now: %.3g Hz)", *c.decisive_frequency,
                               pair.c_str(), lowest));
  } else {
    c.reasons.push_back(format("no measurement down to %.2g Hz would separate %s: their predictions stay within the residual",
                               lowest / std::pow(10.0, k_prediction_decades), pair.c_str()));
  }
  return c;
}

}  // namespace eisgrid::fit
