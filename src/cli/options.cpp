#include "cli/options.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <string>

#include "base/ascii.hpp"
#include "base/error.hpp"
#include "cluster/world.hpp"
#include "dataset/data_dir.hpp"
#include "measured/measurement.hpp"
#include "model/models.hpp"

namespace eisgrid::cli {
namespace {

// The position of `name` among `names` (any case), or error(usage) listing them.
template <typename Names>
std::size_t slot_of(const Names& names, std::size_t count, std::string_view name, std::string_view whole) {
  std::string expected;
  for (std::size_t i = 0; i < count; ++i) {
    if (equals_ignoring_case(names(i), name)) return i;
    expected += (i ? ", " : "") + std::string(names(i));
  }
  throw error(error_kind::usage,
              "unknown parameter '" + std::string(name) + "' in '" + std::string(whole) + "' (expected " + expected + ")");
}

std::size_t param_slot(std::string_view name, std::string_view whole) {
  return slot_of([](std::size_t i) { return model::k_param_names[i]; }, model::k_param_count, name, whole);
}

double parse_number(std::string_view text, std::string_view whole) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw error(error_kind::usage, "'" + std::string(text) + "' in '" + std::string(whole) + "' is not a number");
  }
  return v;
}

template <typename F>
void for_each_item(std::string_view text, F&& f) {
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) throw error(error_kind::usage, "expected NAME=VALUE, got '" + std::string(item) + "'");
    f(item.substr(0, eq), item.substr(eq + 1));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
}

// A --range name of `eisgrid fit` as the models spell it: a parameter of rc
// (whose optimum starts every fit) or of a model fitted. Throws error(usage)
// listing the names the fitted models have.
std::string canonical_name(std::string_view name, const std::vector<const model::circuit_model*>& models, std::string_view whole) {
  std::vector<std::string_view> names;
  const auto add = [&](const model::circuit_model& m) {
    for (const auto& p : m.parameters) {
      if (std::find(names.begin(), names.end(), p.name) == names.end()) names.push_back(p.name);
    }
  };
  add(model::rc());
  for (const auto* m : models) add(*m);
  return std::string(names[slot_of([&](std::size_t i) { return names[i]; }, names.size(), name, whole)]);
}

// --metric, for compute and fit alike.
sweep::metric metric_of(const std::string& text) {
  const auto m = sweep::parse_metric(text);
  if (!m) throw error(error_kind::usage, "unknown metric '" + text + "' (expected " + sweep::metric_names() + ")");
  return *m;
}

}  // namespace

model::circuit_params parse_circuit(std::string_view text, model::circuit_params base) {
  auto values = base.as_array();
  for_each_item(text, [&](std::string_view name, std::string_view value) { values[param_slot(name, text)] = parse_number(value, text); });
  const auto params = model::circuit_params::from_array(values);
  model::check_params(params, "reference");
  return params;
}

void apply_range(std::string_view text, model::grid_spec& grid, given_axes* given) {
  for_each_item(text, [&](std::string_view name, std::string_view value) {
    const std::size_t slot = slot_of([&](std::size_t i) { return grid.name(i); }, grid.axes.size(), name, text);
    if (given) {
      given->resize(grid.axes.size());
      (*given)[slot] = true;
    }
    auto& axis = grid.axes[slot];
    const std::size_t colon = value.find(':');
    if (colon == std::string_view::npos) throw error(error_kind::usage, "expected NAME=MIN:MAX[:COUNT], got '" + std::string(text) + "'");
    axis.min = parse_number(value.substr(0, colon), text);
    std::string_view rest = value.substr(colon + 1);
    const std::size_t colon2 = rest.find(':');
    axis.max = parse_number(rest.substr(0, colon2), text);
    if (colon2 != std::string_view::npos) axis.count = static_cast<std::size_t>(parse_count_or_all(rest.substr(colon2 + 1), text));
  });
}

std::pair<std::string, std::optional<std::size_t>> split_reference(const std::string& text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size() || std::filesystem::exists(text)) return {text, std::nullopt};
  std::size_t sweep = 0;
  const char* end = text.data() + text.size();
  const auto [stop, ec] = std::from_chars(text.data() + colon + 1, end, sweep);
  if (ec != std::errc() || stop != end) return {text, std::nullopt};
  return {text.substr(0, colon), sweep};
}

std::optional<model::axis_range> parse_rs_range(std::string_view text, model::grid_spec& grid, given_axes* given) {
  std::optional<model::axis_range> rs;
  while (!text.empty()) {
    const std::string_view item = text.substr(0, text.find(','));
    text.remove_prefix(std::min(text.size(), item.size() + 1));
    const std::string_view name = item.substr(0, item.find('='));
    if (equals_ignoring_case("Rs", name)) {
      // Rs has no slot in the grid: read its range through a scratch rc one.
      model::grid_spec scratch;
      apply_range("Rsh" + std::string(item.substr(name.size())), scratch);
      rs = scratch.axes[0];
    } else {
      apply_range(item, grid, given);
    }
  }
  return rs;
}

std::uint64_t parse_count_or_all(std::string_view text, std::string_view option) {
  if (text == "all") return 0;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v == 0) {
    throw error(error_kind::usage, std::string(option) + ": expected a positive whole number or 'all', got '" + std::string(text) + "'");
  }
  return v;
}

fit::fit_options fit_options_of(std::size_t grid, const std::string& metric, const std::string& rs, const std::vector<std::string>& ranges,
                                const std::vector<const model::circuit_model*>& models) {
  auto o = fit::fit_options::measured(grid);
  o.metric = metric_of(metric);
  for (const auto& text : ranges) {
    for_each_item(text, [&](std::string_view name, std::string_view value) {
      const std::string item = std::string(name) + "=" + std::string(value);
      const std::string known = canonical_name(name, models, text);
      if (model::rc().index_of(known)) {
        if (auto range = parse_rs_range(item, o.grid)) o.rs = *range;
        return;
      }
      // Another model's parameter: read and checked (an exponent within its
      // bounds) on a scratch grid of that model, then kept by name.
      const auto* owner = *std::find_if(models.begin(), models.end(), [&](const auto* c) { return c->index_of(known).has_value(); });
      auto scratch = model::grid_spec::defaults(*owner, model::k_min_axis_count);
      apply_range(item, scratch);
      scratch.validate();
      const auto range = scratch.axes[*owner->index_of(known) - 1];
      const auto given =
          std::find_if(o.other_ranges.begin(), o.other_ranges.end(), [&](const auto& named) { return named.first == known; });
      if (given != o.other_ranges.end()) {
        given->second = range;
      } else {
        o.other_ranges.emplace_back(known, range);
      }
    });
  }
  if (rs != "free") o.fixed_rs = parse_circuit("Rsh=" + rs, model::k_default_reference).rsh;
  return o;
}

compute::compute_request compute_request_of(const compute_texts& t) {
  compute::compute_request r;
  const auto* circuit = model::find_model(t.model);
  if (!circuit) throw error(error_kind::usage, "--model: unknown model '" + t.model + "' (expected one of " + model::model_names() + ")");
  r.grid = model::grid_spec::defaults(*circuit, t.grid);
  for (const auto& range : t.ranges) {
    if (auto rs = parse_rs_range(range, r.grid, &r.range_given)) r.rs_range = rs;
  }
  r.rs = t.rs;
  r.fmin = t.fmin;
  r.fmax = t.fmax;
  r.points = t.points;
  if (!t.spacing.empty()) {
    r.spacing = model::parse_spacing(t.spacing);
    if (!r.spacing) throw error(error_kind::usage, "unknown spacing '" + t.spacing + "' (expected log or linear)");
  }
  r.preset = t.preset;
  if (!t.ref.empty()) r.ref = parse_circuit(t.ref, model::k_default_reference);
  if (!t.reference.empty()) {
    const auto [file, sweep] = split_reference(t.reference);
    r.reference_file = file;
    r.reference_sweep = sweep;
  }
  if (!t.format.empty()) r.reference_format = measured::parse_format(t.format);
  if (!t.metric.empty()) r.metric = metric_of(t.metric);
  if (const std::uint64_t keep = parse_count_or_all(t.keep, "--keep")) r.keep = keep;
  if (t.spectra == "all") {
    r.spectra_all = true;
  } else if (!t.spectra.empty()) {
    r.spectra = t.spectra == "0" ? 0 : parse_count_or_all(t.spectra, "--spectra");
  }
  r.store = t.store;
  r.output = t.output;
  const auto into = dataset::parse_storage(t.into);
  if (!into) throw error(error_kind::usage, "unknown directory '" + t.into + "' under npz/ (expected user_generated or precomputed)");
  r.into = *into;
  r.description = t.description;
  r.overwrite = t.overwrite;
  r.threads = t.threads;
  r.user = t.user;
  return r;
}

CLI::Validator on_root_only(const CLI::Validator& check) {
  return CLI::Validator([check](std::string& value) { return cluster::is_root() ? check(value) : std::string(); }, check.get_description());
}

}  // namespace eisgrid::cli
