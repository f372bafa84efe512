#include "compute/sync.hpp"

#include <cmath>
#include <functional>
#include <limits>
#include <set>

#include "base/error.hpp"
#include "base/sha256.hpp"
#include "dataset/dataset.hpp"
#include "dataset/naming.hpp"
#include "model/circuit.hpp"

namespace eisgrid::compute {
namespace {

// Both engines store text as UTF-8; a name that is not is reported, not stored.
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t extra = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      extra = 1, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    constexpr std::uint32_t k_min[] = {0, 0x80, 0x800, 0x10000};
    if (cp < k_min[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += extra + 1;
  }
  return true;
}

// PostgreSQL text cannot hold NUL, nor jsonb the escape \u0000.
std::string without_nul(std::string s) {
  std::erase(s, '\0');
  return s;
}
std::string without_nul_escapes(std::string json) {
  for (std::size_t at = 0; (at = json.find("\\u0000", at)) != std::string::npos; at += 6) json.replace(at, 6, "\\ufffd");
  return json;
}

std::optional<std::int64_t> integer_of(const nlohmann::json& m, const char* key) {
  const auto it = m.find(key);
  if (it == m.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

std::string string_of(const nlohmann::json& m, const char* key, std::string fallback = {}) {
  const auto it = m.find(key);
  return it != m.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// The configuration of the run, when the metadata records its reference
// (files of the old exporter do not, so they get none).
std::optional<catalog::configuration_input> configuration_of(const dataset::dataset& d, const catalog::dataset_input& in) {
  const auto& m = d.metadata();
  const auto ref = m.find("reference");
  if (ref == m.end() || !ref->is_object()) return std::nullopt;
  catalog::configuration_input c;
  c.reference_source = string_of(*ref, "source", string_of(*ref, "type", "model"));
  if (const auto params = ref->find("parameters"); params != ref->end() && params->is_object()) {
    std::array<double, 5> values{};
    for (std::size_t i = 0; i < model::k_param_count; ++i) {
      const auto v = params->find(std::string(model::k_param_names[i]));
      if (v == params->end() || !v->is_number()) return std::nullopt;
      values[i] = v->get<double>();
    }
    c.reference = values;
  }
  c.grid_size = in.grid_size;
  if (const auto ranges = m.find("parameter_ranges"); ranges != m.end() && ranges->is_object()) {
    c.parameter_ranges = ranges->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  c.freq_min = in.freq_min;
  c.freq_max = in.freq_max;
  c.n_frequencies = in.n_frequencies;
  c.frequency_spacing = string_of(m, "frequency_spacing", "log");
  return c;
}

// The catalog's fields of a file from its loaded dataset and hash; throws
// error(invalid_input) for text over the catalog's limits.
void describe_input(described_file& out, const dataset::dataset& d, const file_digest& hash) {
  auto& in = out.input;
  in.file_name = out.file_name;
  in.location = out.file.location;
  in.file_path = "npz/" + std::string(dataset::to_string(out.file.location)) + "/" + out.file_name;
  const auto& m = d.metadata();
  in.grid_size = integer_of(m, "grid_size");
  in.n_frequencies = static_cast<std::int64_t>(d.frequency_count());
  in.freq_min = d.frequency_count() ? d.frequency(0) : std::numeric_limits<double>::quiet_NaN();
  in.freq_max = d.frequency_count() ? d.frequency(d.frequency_count() - 1) : std::numeric_limits<double>::quiet_NaN();
  in.n_parameter_sets = static_cast<std::int64_t>(d.rows());
  in.n_spectra = static_cast<std::int64_t>(d.spectra_rows());
  in.n_grid_points = integer_of(m, "n_grid_points");
  in.file_size = hash.size;
  in.file_hash = hash.sha256;
  in.best_resnorm = d.rows() ? d.resnorm(0) : std::numeric_limits<double>::quiet_NaN();
  // The old exporter wrote only its mean absolute error (SPEC 3).
  in.resnorm_metric = string_of(m, "resnorm_metric", "mae");
  in.description = without_nul(string_of(m, "description"));
  in.metadata_json = without_nul_escapes(m.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  in.configuration = configuration_of(d, in);
  catalog::check_text_limits(in.description, in.metadata_json);
}

// Names the file and fills it in with `fill`, which throws error for a file
// that is not a valid dataset: its reason, without the path the message names.
described_file describe(const dataset::dataset_file& file, const std::function<void(described_file&)>& fill) {
  described_file out;
  out.file = file;
  out.file_name = file.path.filename().string();
  if (!valid_utf8(out.file_name)) {
    out.reason = "the file name is not valid UTF-8";
    return out;
  }
  try {
    fill(out);
    out.valid = true;
  } catch (const error& e) {
    std::string reason = e.what();
    const std::string prefix = "'" + file.path.string() + "': ";
    if (const auto at = reason.find(prefix); at != std::string::npos) reason = reason.substr(at + prefix.size());
    out.reason = reason;
  }
  return out;
}

}  // namespace

described_file describe_file(const dataset::dataset_file& file) {
  return describe(file, [&](described_file& out) {
    const auto d = dataset::dataset::load(file.path);
    describe_input(out, d, sha256_file(file.path));
  });
}

described_file describe_written(const dataset::exported_dataset& written, dataset::storage where) {
  return describe({written.path, where}, [&](described_file& out) { describe_input(out, written.checked, written.digest); });
}

std::vector<described_file> scan(const dataset::data_dir& dir) {
  std::vector<described_file> files;
  for (const auto& f : dir.list()) files.push_back(describe_file(f));
  return files;
}

sync_report sync(catalog::catalog& cat, const dataset::data_dir& dir, catalog::row_id owner) {
  sync_report report;
  report.files = scan(dir);
  // A name the API refuses (a space, a quote, ...), as a file copied by hand
  // may have, would register a dataset that no API call can name.
  for (auto& f : report.files) {
    if (!f.valid) continue;
    if (auto problem = dataset::file_name_problem(f.file_name); !problem.empty()) {
      f.valid = false;
      f.reason = "the file name cannot be used through the API (" + problem + "); rename the file";
    }
  }
  std::set<std::pair<std::string, std::string>> present;
  for (const auto& f : report.files) {
    if (!f.valid) continue;
    const auto location = f.input.location;
    present.insert({std::string(dataset::to_string(location)), f.file_name});
    const auto new_owner = location == dataset::storage::precomputed ? std::nullopt : std::optional<catalog::row_id>(owner);
    switch (cat.register_file(f.input, new_owner, false)) {
      case catalog::register_outcome::registered: ++report.registered; break;
      case catalog::register_outcome::updated: ++report.updated; break;
      case catalog::register_outcome::unchanged: ++report.unchanged; break;
    }
  }
  std::set<std::pair<std::string, std::string>> invalid;
  for (const auto& f : report.files) {
    if (!f.valid) invalid.insert({std::string(dataset::to_string(f.file.location)), f.file_name});
  }
  // Missing now, or found invalid by this scan.
  const auto gone = [&](dataset::storage location, const std::string& name) {
    std::error_code ec;
    return invalid.count({std::string(dataset::to_string(location)), name}) > 0 ||
           !std::filesystem::exists(dir.directory(location) / name, ec);
  };
  report.marked_unavailable = cat.mark_unavailable_except(present, gone);
  return report;
}

std::size_t sync_report::valid_count() const {
  std::size_t n = 0;
  for (const auto& f : files) n += f.valid ? 1 : 0;
  return n;
}

std::string sync_report::summary() const {
  const std::size_t valid = valid_count();
  const std::size_t invalid = files.size() - valid;
  std::string s = std::to_string(files.size()) + (files.size() == 1 ? " file: " : " files: ") + std::to_string(valid) + " valid, " +
                  std::to_string(invalid) + " invalid";
  if (invalid) {
    s += " (";
    bool first = true;
    for (const auto& f : files) {
      if (f.valid) continue;
      s += (first ? "" : "; ") + f.file_name + ": " + f.reason;
      first = false;
    }
    s += ")";
  }
  s += "\ncatalog: " + std::to_string(registered) + " registered, " + std::to_string(updated) + " updated, " + std::to_string(unchanged) +
       " unchanged, " + std::to_string(marked_unavailable) + " marked unavailable";
  return s;
}

}  // namespace eisgrid::compute
