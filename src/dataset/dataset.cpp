#include "dataset/dataset.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <set>
#include <sstream>

#include "base/error.hpp"
#include "base/system_memory.hpp"
#include "base/untrusted_json.hpp"
#include "model/models.hpp"
#include "npz/pickle.hpp"
#include "npz/reader.hpp"

namespace eisgrid::dataset {
namespace {

constexpr std::size_t k_spectrum_columns = 4;
// The arrays load() reads; any other member of the archive is left alone.
const std::set<std::string, std::less<>> k_read_members = {"parameters", "resnorms",     "frequencies",        "spectrum",
                                                           "metadata",   "grid_indices", "reference_spectrum", "series_resistance"};
// Metadata floats may have been rounded to float32 before storage.
constexpr double k_metadata_tolerance = 1e-5;

// memcpy: a mapped array's data is not aligned.
template <typename T>
T load_element(const npz::shared_array& a, std::uint64_t i) {
  T v;
  std::memcpy(&v, a.data().data() + i * sizeof(T), sizeof(T));
  return v;
}

bool is_numeric(const npz::dtype& t) { return t.kind != npz::dtype_kind::unicode && t.kind != npz::dtype_kind::object; }

std::string shape_text(const std::vector<std::uint64_t>& shape) {
  std::ostringstream s;
  s << "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s << (i ? ", " : "") << shape[i];
  s << (shape.size() == 1 ? ",)" : ")");
  return s.str();
}

bool close_to(double stored, double actual) {
  return std::abs(stored - actual) <= k_metadata_tolerance * std::max(std::abs(stored), std::abs(actual));
}

}  // namespace

double numeric_value(const npz::shared_array& a, std::uint64_t i) {
  switch (a.header().type.kind) {
    case npz::dtype_kind::float32: return load_element<float>(a, i);
    case npz::dtype_kind::float64: return load_element<double>(a, i);
    case npz::dtype_kind::int32: return load_element<std::int32_t>(a, i);
    case npz::dtype_kind::int64: return static_cast<double>(load_element<std::int64_t>(a, i));
    case npz::dtype_kind::uint8: return load_element<std::uint8_t>(a, i);
    case npz::dtype_kind::uint32: return load_element<std::uint32_t>(a, i);
    case npz::dtype_kind::uint64: return static_cast<double>(load_element<std::uint64_t>(a, i));
    case npz::dtype_kind::boolean: return load_element<std::uint8_t>(a, i) ? 1.0 : 0.0;
    case npz::dtype_kind::unicode:
    case npz::dtype_kind::object: break;
  }
  return std::nan("");
}

// The rule for 'frequencies', a value at a time: positive, finite and
// ascending, with equal neighbours only for a measured reference. Keeps the
// first value that breaks it.
class frequency_rule {
 public:
  explicit frequency_rule(bool repeats_allowed) : repeats_allowed_(repeats_allowed) {}

  void add(double f) {
    if (failure_.empty()) {
      if (!std::isfinite(f) || f <= 0) {
        failure_ = "'frequencies' holds a value that is not positive and finite at " + std::to_string(count_);
      } else if (count_ > 0 && !(f > last_ || (repeats_allowed_ && f == last_))) {
        failure_ = "'frequencies' is not increasing at position " + std::to_string(count_);
      }
    }
    if (count_ == 0) first_ = f;
    last_ = f;
    ++count_;
  }
  // Empty while every value keeps the rule.
  [[nodiscard]] const std::string& failure() const noexcept { return failure_; }
  [[nodiscard]] double first() const noexcept { return first_; }
  [[nodiscard]] double last() const noexcept { return last_; }

 private:
  bool repeats_allowed_;
  std::uint64_t count_ = 0;
  double first_ = 0, last_ = 0;
  std::string failure_;
};

// Applies the rules in order; the first broken rule is the reason.
class dataset_validator {
 public:
  explicit dataset_validator(dataset& d) : d_(d) {}

  void fail(const std::string& reason) const {
    throw error(error_kind::invalid_input, "invalid dataset '" + d_.path_.filename().string() + "': " + reason);
  }

  // The header of a required numeric array of `dims` dimensions.
  npz::array_header require(const npz::reader& r, std::string_view name, std::size_t dims) const {
    if (!r.contains(name)) fail("missing array '" + std::string(name) + "'");
    npz::array_header h = r.header(name);
    if (!is_numeric(h.type)) fail("'" + std::string(name) + "' has non-numeric dtype " + h.type.descr());
    if (h.shape.size() != dims) {
      fail("'" + std::string(name) + "' has shape " + shape_text(h.shape) + ", expected " + std::to_string(dims) + " dimensions");
    }
    if (h.fortran_order && dims > 1) fail("'" + std::string(name) + "' is in Fortran order, which is not supported");
    return h;
  }

  // The deflated members this load reads are inflated into fresh memory;
  // stored ones are read in place from the mapping and cost none.
  void check_inflated_bytes(const npz::reader& r, load_depth depth, std::uint64_t max_inflated) const {
    std::uint64_t inflated = 0;
    for (const auto& m : r.members()) {
      const bool read = m.name != "spectrum" || depth == load_depth::full;
      if (m.deflated && read && k_read_members.contains(m.name)) inflated += m.uncompressed_size;
    }
    if (inflated > max_inflated) {
      throw error(error_kind::too_large, "dataset '" + d_.path_.filename().string() + "' would inflate to " + std::to_string(inflated) +
                                             " bytes, over the limit of " + std::to_string(max_inflated) + " for this load");
    }
  }

  // Every shape is checked against the others from the .npy headers alone,
  // and the bytes to inflate against `max_inflated`, before any data is read.
  void run(const npz::reader& r, load_depth depth, std::uint64_t max_inflated) {
    const present optional = check_shapes(r);
    check_inflated_bytes(r, depth, max_inflated);

    d_.parameters_ = r.read_shared("parameters");
    d_.resnorms_ = r.read_shared("resnorms");
    d_.frequencies_ = r.read_shared("frequencies");
    d_.spectrum_ = depth == load_depth::full ? r.read_shared("spectrum") : npz::shared_array(npz::array{r.header("spectrum"), {}});
    if (optional.grid_indices) d_.grid_indices_ = r.read_shared("grid_indices");
    if (optional.reference) d_.reference_ = r.read_shared("reference_spectrum");
    if (optional.series_resistance) d_.series_resistance_ = r.read_shared("series_resistance");
    frequency_rule frequencies(measured_spacing());
    for (std::uint64_t i = 0; i < d_.frequency_count_; ++i) frequencies.add(numeric_value(d_.frequencies_, i));
    if (!frequencies.failure().empty()) fail(frequencies.failure());
    const bool has_resnorm = d_.rows_ > 0;
    check_metadata(frequencies, has_resnorm ? numeric_value(d_.resnorms_, 0) : 0.0, has_resnorm);
  }

  // The same rules, in the same order and with the same messages, without
  // holding the arrays: each is streamed, so that eisgrid validate reads
  // files of any size in bounded memory. Nothing inflated is kept, so the
  // inflate limit of a load does not apply.
  void verify(const std::filesystem::path& path) {
    d_.path_ = path;
    npz::read_options options;
    options.populate = false;
    const npz::reader r = npz::reader::open(path, options);
    const present optional = check_shapes(r);
    const auto ignore = [](std::span<const std::byte>) {};
    (void)r.scan("parameters", ignore);
    const npz::array_header resnorms = r.header("resnorms");
    std::optional<double> first_resnorm;
    (void)r.scan("resnorms", [&](std::span<const std::byte> piece) {
      if (!first_resnorm) first_resnorm = numeric_value(npz::shared_array(resnorms, piece, nullptr, false), 0);
    });
    const npz::array_header frequency_header = r.header("frequencies");
    frequency_rule frequencies(measured_spacing());
    (void)r.scan("frequencies", [&](std::span<const std::byte> piece) {
      const npz::shared_array view(frequency_header, piece, nullptr, false);
      const std::size_t count = piece.size() / frequency_header.type.item_size();
      for (std::size_t i = 0; i < count; ++i) frequencies.add(numeric_value(view, i));
    });
    (void)r.scan("spectrum", ignore);
    if (optional.grid_indices) (void)r.scan("grid_indices", ignore);
    if (optional.reference) (void)r.scan("reference_spectrum", ignore);
    if (optional.series_resistance) (void)r.scan("series_resistance", ignore);
    if (!frequencies.failure().empty()) fail(frequencies.failure());
    check_metadata(frequencies, first_resnorm.value_or(0.0), first_resnorm.has_value());
  }

 private:
  struct present {
    bool grid_indices = false, reference = false, series_resistance = false;
  };

  // The metadata, the model, and every shape against the others, from the
  // .npy headers alone; says which optional arrays the file has.
  present check_shapes(const npz::reader& r) {
    if (!r.contains("metadata")) fail("missing array 'metadata'");
    // The model says how many parameters a row has: the metadata member, of
    // bounded size, is the one read before the shapes are checked.
    for (const auto& m : r.members()) {
      if (m.name == "metadata" && m.uncompressed_size > k_max_metadata_member_bytes) {
        fail("'metadata' is " + std::to_string(m.uncompressed_size) + " bytes, over the limit of " +
             std::to_string(k_max_metadata_member_bytes));
      }
    }
    read_metadata(r);
    read_model();
    const std::size_t columns = d_.model_->count() - 1;
    npz::array_header parameters = require(r, "parameters", 2);
    d_.rows_ = parameters.shape[0];
    if (parameters.shape[1] != columns) {
      fail("'parameters' has shape " + shape_text(parameters.shape) + ", expected (N, " + std::to_string(columns) + ") for model " +
           std::string(d_.model_->name));
    }
    const npz::array_header resnorms = require(r, "resnorms", 1);
    if (resnorms.shape[0] != d_.rows_) {
      fail("'resnorms' has shape " + shape_text(resnorms.shape) + " but 'parameters' has " + std::to_string(d_.rows_) + " rows");
    }
    const npz::array_header frequencies = require(r, "frequencies", 1);
    d_.frequency_count_ = frequencies.shape[0];
    const npz::array_header spectrum = require(r, "spectrum", 3);
    const auto& s = spectrum.shape;
    if (s[1] != d_.frequency_count_ || s[2] != k_spectrum_columns) {
      fail("'spectrum' has shape " + shape_text(s) + ", expected (M, " + std::to_string(d_.frequency_count_) + ", 4)");
    }
    if (s[0] > d_.rows_)
      fail("'spectrum' has " + std::to_string(s[0]) + " rows, more than the " + std::to_string(d_.rows_) + " parameter sets");
    d_.spectra_rows_ = s[0];
    present optional;
    optional.grid_indices = r.contains("grid_indices");
    if (optional.grid_indices && require(r, "grid_indices", 1).shape[0] != d_.rows_) fail("'grid_indices' does not have one entry per row");
    optional.series_resistance = r.contains("series_resistance");
    if (optional.series_resistance && require(r, "series_resistance", 1).shape[0] != d_.rows_) {
      fail("'series_resistance' does not have one entry per row");
    }
    optional.reference = r.contains("reference_spectrum");
    if (optional.reference) {
      const npz::array_header reference = require(r, "reference_spectrum", 2);
      const auto& rs = reference.shape;
      if (rs[0] != d_.frequency_count_ || rs[1] != k_spectrum_columns) fail("'reference_spectrum' has shape " + shape_text(rs));
    }
    return optional;
  }

  // A measured reference may repeat a frequency (multi-sine measurements do),
  // so its file may hold equal neighbours.
  [[nodiscard]] bool measured_spacing() const {
    const auto& m = d_.metadata_;
    return m.contains("frequency_spacing") && m["frequency_spacing"] == "measured";
  }

  void read_metadata(const npz::reader& r) {
    const npz::array m = r.read("metadata");
    if (m.header.type.kind == npz::dtype_kind::object) {
      d_.metadata_ = npz::read_pickled_object(m.data);
      d_.legacy_metadata_ = true;
    } else if (m.header.type.kind == npz::dtype_kind::unicode && m.header.element_count() == 1) {
      try {
        d_.metadata_ = parse_untrusted_json(npz::unicode_scalar_text(m));
      } catch (const error& e) {
        fail(std::string("'metadata': ") + e.what());
      }
    } else {
      fail("'metadata' must be a 0-d unicode (JSON) or pickled object array, found " + m.header.type.descr());
    }
    if (!d_.metadata_.is_object()) fail("'metadata' is not a JSON object");
  }

  // A file without "model" is an rc file (every file before SPEC 12).
  void read_model() {
    const auto& m = d_.metadata_;
    if (!m.contains("model")) return;
    const auto name = m["model"].is_string() ? m["model"].get<std::string>() : m["model"].dump();
    d_.model_ = model::find_model(name);
    if (!d_.model_) fail("metadata 'model' is '" + name + "', not one of " + model::model_names());
  }

  void check_count(const char* key, std::uint64_t actual) const {
    const auto& m = d_.metadata_;
    if (!m.contains(key)) return;
    if (!m[key].is_number_integer() || m[key].get<std::int64_t>() < 0 || m[key].get<std::uint64_t>() != actual) {
      fail(std::string("metadata '") + key + "' is " + m[key].dump() + " but the arrays hold " + std::to_string(actual));
    }
  }

  void check_value(const char* key, double actual) const {
    const auto& m = d_.metadata_;
    if (!m.contains(key) || m[key].is_null()) return;
    if (!m[key].is_number() || !close_to(m[key].get<double>(), actual)) {
      fail(std::string("metadata '") + key + "' is " + m[key].dump() + " but the arrays say " + std::to_string(actual));
    }
  }

  // `first_resnorm` is resnorms[0] when there are rows (`has_resnorm`).
  void check_metadata(const frequency_rule& frequencies, double first_resnorm, bool has_resnorm) const {
    check_count("n_parameter_sets", d_.rows_);
    check_count("n_frequencies", d_.frequency_count_);
    check_count("n_spectra", d_.spectra_rows_);
    if (d_.frequency_count_ > 0) {
      check_value("freq_min", frequencies.first());
      check_value("freq_max", frequencies.last());
    }
    if (has_resnorm && std::isfinite(first_resnorm)) check_value("best_resnorm", first_resnorm);
    const auto& m = d_.metadata_;
    if (m.contains("grid_size") && !m["grid_size"].is_null() &&
        (!m["grid_size"].is_number_integer() || m["grid_size"].get<std::int64_t>() < 1)) {
      fail("metadata 'grid_size' is " + m["grid_size"].dump() + ", not a positive integer");
    }
  }

  dataset& d_;
};

dataset dataset::load(const std::filesystem::path& path, load_depth depth, const load_limits& limits) {
  // Without spectra, most of the file is never read: fault in only what is.
  npz::read_options options;
  options.populate = depth == load_depth::full;
  const npz::reader r = npz::reader::open(path, options);
  dataset d;
  d.path_ = path;
  std::uint64_t max_inflated = limits.max_inflated_bytes.value_or(std::numeric_limits<std::uint64_t>::max());
  if (const auto available = available_memory_bytes()) {
    max_inflated = std::min(max_inflated, static_cast<std::uint64_t>(static_cast<double>(*available) * k_inflate_memory_share));
  }
  dataset_validator(d).run(r, depth, max_inflated);
  return d;
}

double dataset::parameter(std::uint64_t row, std::size_t k) const { return numeric_value(parameters_, row * parameter_count() + k); }

std::array<double, 5> dataset::parameters(std::uint64_t row) const {
  std::array<double, 5> p{};
  for (std::size_t k = 0; k < p.size(); ++k) p[k] = parameter(row, k);
  return p;
}

double dataset::series_resistance(std::uint64_t row) const { return series_resistance_ ? numeric_value(*series_resistance_, row) : 0.0; }

std::vector<double> dataset::model_values(std::uint64_t row) const {
  std::vector<double> values(model_->count());
  values[0] = series_resistance(row);
  for (std::size_t k = 0; k < parameter_count(); ++k) values[k + 1] = parameter(row, k);
  return values;
}

double dataset::resnorm(std::uint64_t row) const { return numeric_value(resnorms_, row); }
double dataset::frequency(std::uint64_t f) const { return numeric_value(frequencies_, f); }

std::array<double, 4> dataset::spectrum(std::uint64_t row, std::uint64_t f) const {
  const std::uint64_t base = (row * frequency_count_ + f) * k_spectrum_columns;
  return {numeric_value(spectrum_, base), numeric_value(spectrum_, base + 1), numeric_value(spectrum_, base + 2),
          numeric_value(spectrum_, base + 3)};
}

std::optional<std::int64_t> dataset::grid_index(std::uint64_t row) const {
  if (!grid_indices_) return std::nullopt;
  return static_cast<std::int64_t>(numeric_value(*grid_indices_, row));
}

std::array<double, 4> dataset::reference_spectrum(std::uint64_t f) const {
  const std::uint64_t base = f * k_spectrum_columns;
  return {numeric_value(*reference_, base), numeric_value(*reference_, base + 1), numeric_value(*reference_, base + 2),
          numeric_value(*reference_, base + 3)};
}

std::array<const npz::shared_array*, 7> dataset::arrays() const noexcept {
  return {&parameters_,
          &resnorms_,
          &spectrum_,
          &frequencies_,
          grid_indices_ ? &*grid_indices_ : nullptr,
          reference_ ? &*reference_ : nullptr,
          series_resistance_ ? &*series_resistance_ : nullptr};
}

std::uint64_t dataset::memory_bytes() const noexcept {
  std::uint64_t total = 0;
  for (const auto* a : arrays()) total += a ? a->data().size() : 0;
  return total;
}

std::uint64_t dataset::mapped_bytes() const noexcept {
  std::uint64_t total = 0;
  for (const auto* a : arrays()) total += a && a->mapped() ? a->data().size() : 0;
  return total;
}

validation_result validate_file(const std::filesystem::path& path) {
  try {
    dataset d;
    dataset_validator(d).verify(path);
    std::ostringstream s;
    s << d.rows() << " parameter sets, " << d.frequency_count() << " frequencies, " << d.spectra_rows() << " spectra"
      << (d.legacy_metadata() ? ", legacy pickled metadata" : "");
    return {true, s.str()};
  } catch (const error& e) {
    return {false, e.what()};
  }
}

}  // namespace eisgrid::dataset
