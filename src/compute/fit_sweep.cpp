#include "compute/fit_sweep.hpp"

#include <string>
#include <utility>

#include "base/error.hpp"
#include "fit/compare.hpp"
#include "measured/quality.hpp"
#include "model/models.hpp"

namespace eisgrid::compute {

bool compares(const model_list& models) { return models.size() > 1 || models.front() != &model::rc(); }

batch_outcome fit_sweep(const batch_spectrum& s, const fit::fit_options& options, const model_list& models, std::optional<double> area) {
  const auto quality = measured::assess(s.frequencies, s.z);
  const fit::data_quality q{quality.plausible, quality.kk_passed, quality.warnings};
  batch_outcome out;
  try {
    out.result = fit::fit_spectrum(s.frequencies, s.z, options);
    const auto& t = out.result->identified;
    out.verdict = fit::judge(q, s.frequencies, out.result->relative_residuals, {t.ter, t.tec(), area});
  } catch (const error& e) {
    if (e.kind() == error_kind::cancelled) throw;
    out.verdict.status = fit_status::invalid_data;
    out.verdict.reasons = q.reasons;
    out.verdict.reasons.emplace_back(std::string("cannot fit: ") + e.what());
    return out;
  }
  const bool compared = compares(models);
  std::vector<fit::model_fit_result> fits;
  for (const auto* m : models) {
    fits.push_back(m == &model::rc() ? fit::as_model_fit(*out.result, s.frequencies, s.z, options)
                                     : fit::fit_model(s.frequencies, s.z, *m, options, *out.result));
  }
  const auto comparison = fit::compare_models(fits, s.frequencies);
  out.best_model = comparison.best;
  out.decisive_frequency = comparison.decisive_frequency;
  for (auto& f : fits) {
    model_outcome o{std::move(f), out.verdict};
    if (compared) {
      o.verdict = fit::judge(q, s.frequencies, o.fit.relative_residuals, {o.fit.ter, o.fit.tec, area});
      for (auto& w : fit::model_warnings(o.fit, s.frequencies, s.z)) o.verdict.reasons.push_back(std::move(w));
      o.verdict.reasons.insert(o.verdict.reasons.end(), comparison.reasons.begin(), comparison.reasons.end());
    }
    out.models.push_back(std::move(o));
  }
  return out;
}

}  // namespace eisgrid::compute
