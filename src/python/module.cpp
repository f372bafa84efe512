// eisgrid._core: the C++ libraries as a Python extension (issue 19). The
// Pythonic API (checks of arrays, result classes, progress bars) is
// python/eisgrid/__init__.py; this file only converts. Every number comes
// from the same functions as the command line: a fit's rows are
// compute::fit_rows written by compute::fit_row_json, as `eisgrid fit --json`
// prints them.
#include <atomic>
#include <charconv>
#include <cmath>
#include <complex>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <nlohmann/json.hpp>

#include "base/atomic_file.hpp"
#include "base/error.hpp"
#include "base/fit_row.hpp"
#include "cli/data_root.hpp"
#include "cli/options.hpp"
#include "cluster/world.hpp"
#include "compute/distributed_fit.hpp"
#include "compute/fit_report.hpp"
#include "compute/fit_sweep.hpp"
#include "compute/run.hpp"
#include "measured/kramers_kronig.hpp"
#include "measured/quality.hpp"
#include "measured/read.hpp"
#include "model/models.hpp"

namespace py = pybind11;

namespace eisgrid::python {
namespace {

using real_array = py::array_t<double, py::array::c_style | py::array::forcecast>;
using complex_array = py::array_t<std::complex<double>, py::array::c_style | py::array::forcecast>;
// Called with (sweeps done, sweeps in all) from the thread that called fit_files.
using progress_function = std::function<void(std::uint64_t, std::uint64_t)>;

// Exception types of the module, created once in PYBIND11_MODULE.
PyObject* g_format_error = nullptr;

py::object to_python(const nlohmann::ordered_json& j) {
  using value_t = nlohmann::ordered_json::value_t;
  switch (j.type()) {
    case value_t::boolean: return py::bool_(j.get<bool>());
    case value_t::number_integer: return py::int_(j.get<std::int64_t>());
    case value_t::number_unsigned: return py::int_(j.get<std::uint64_t>());
    case value_t::number_float: return py::float_(j.get<double>());
    case value_t::string: return py::str(j.get_ref<const std::string&>());
    case value_t::array: {
      py::list list;
      for (const auto& v : j) list.append(to_python(v));
      return list;
    }
    case value_t::object: {
      py::dict dict;
      for (const auto& [key, value] : j.items()) dict[py::str(key)] = to_python(value);
      return dict;
    }
    default: return py::none();
  }
}

// "file 'x' line 12: cause" (measured/read.hpp) as its three parts; the line
// is None where the reader blames no line.
void set_location(const py::object& exception, const std::string& message) {
  py::object file = py::none(), line = py::none();
  std::string cause = message;
  constexpr std::string_view k_file = "file '";
  if (message.starts_with(k_file)) {
    const auto end = message.find('\'', k_file.size());
    if (end != std::string::npos) {
      file = py::str(message.substr(k_file.size(), end - k_file.size()));
      std::size_t rest = end + 1;
      constexpr std::string_view k_line = " line ";
      if (message.compare(rest, k_line.size(), k_line) == 0) {
        std::size_t number = 0;
        const char* first = message.data() + rest + k_line.size();
        const auto [after, ec] = std::from_chars(first, message.data() + message.size(), number);
        if (ec == std::errc()) {
          line = py::int_(number);
          rest = static_cast<std::size_t>(after - message.data());
        }
      }
      if (message.compare(rest, 2, ": ") == 0) cause = message.substr(rest + 2);
    }
  }
  exception.attr("file") = file;
  exception.attr("line") = line;
  exception.attr("cause") = py::str(cause);
}

// eisgrid::error as the Python exception a caller expects: bad arguments are
// ValueError, a missing file FileNotFoundError, an unreadable file
// FormatError (a ValueError with file, line and cause), a stop KeyboardInterrupt.
void raise_error(const error& e) {
  PyObject* type = PyExc_RuntimeError;
  switch (e.kind()) {
    case error_kind::usage: type = PyExc_ValueError; break;
    case error_kind::not_found: type = PyExc_FileNotFoundError; break;
    case error_kind::invalid_input:
    case error_kind::too_large: type = g_format_error; break;
    case error_kind::cancelled: type = PyExc_KeyboardInterrupt; break;
    case error_kind::io: type = PyExc_OSError; break;
    default: break;
  }
  py::object exception = py::reinterpret_borrow<py::object>(type)(e.what());
  if (type == g_format_error) set_location(exception, e.what());
  PyErr_SetObject(type, exception.ptr());
}

std::optional<measured::format> format_of(const std::optional<std::string>& name) {
  if (!name) return std::nullopt;
  if (auto f = measured::parse_format(*name)) return f;
  std::string names;
  for (const auto f : measured::all_formats()) names += (names.empty() ? "" : ", ") + std::string(measured::to_string(f));
  throw error(error_kind::usage, "unknown format '" + *name + "' (expected " + names + ")");
}

py::list read_file(const std::string& path, const std::optional<std::string>& format) {
  const auto forced = format_of(format);
  measured::measurement m;
  {
    py::gil_scoped_release release;
    m = measured::read_measurement(path, forced);
    // As `eisgrid spectra` shows them: the readers' notes and the quality checks.
    measured::add_quality_warnings(m);
  }
  py::list sweeps;
  for (std::size_t k = 0; k < m.sweeps.size(); ++k) {
    const auto& s = m.sweeps[k];
    py::dict d;
    d["file"] = m.file;
    d["format"] = std::string(measured::to_string(m.format));
    d["sweep"] = k;
    d["frequencies"] = real_array(static_cast<py::ssize_t>(s.frequencies.size()), s.frequencies.data());
    d["z"] = complex_array(static_cast<py::ssize_t>(s.z.size()), s.z.data());
    d["start_time"] = s.start_time ? py::object(py::str(*s.start_time)) : py::object(py::none());
    d["warnings"] = s.warnings;
    sweeps.append(d);
  }
  return sweeps;
}

// The 1-D arrays of one spectrum; __init__.py has checked values and lengths,
// this guards the memory the loops below read.
compute::batch_spectrum spectrum_of(const real_array& frequencies, const complex_array& z) {
  if (frequencies.ndim() != 1 || z.ndim() != 1 || frequencies.size() != z.size()) {
    throw error(error_kind::usage, "frequencies and z must be 1-D arrays of the same length");
  }
  compute::batch_spectrum s;
  s.frequencies.assign(frequencies.data(), frequencies.data() + frequencies.size());
  s.z.assign(z.data(), z.data() + z.size());
  return s;
}

struct fit_settings {
  fit::fit_options options;
  compute::model_list models;
  std::optional<double> area;
};

fit_settings settings_of(const std::string& models, const std::string& metric, const std::string& rs,
                         const std::vector<std::string>& ranges, std::optional<double> area, std::size_t grid) {
  if (area && !(*area > 0 && std::isfinite(*area))) throw error(error_kind::usage, "area must be a positive number of cm2");
  auto list = model::parse_models(models);
  auto options = cli::fit_options_of(grid, metric, rs, ranges, list);
  return {std::move(options), std::move(list), area};
}

// A fit's rows of `file`, as `eisgrid fit --json` prints them.
void append_rows(py::list& list, const std::vector<fit_row>& rows, const std::string& file) {
  for (const auto& row : rows) list.append(to_python(compute::fit_row_json(row, file)));
}

py::list fit_one(const real_array& frequencies, const complex_array& z, const std::string& models, const std::string& metric,
                 const std::string& rs, const std::vector<std::string>& ranges, std::optional<double> area, std::size_t grid) {
  const auto settings = settings_of(models, metric, rs, ranges, area, grid);
  const auto spectrum = spectrum_of(frequencies, z);
  std::vector<fit_row> rows;
  {
    py::gil_scoped_release release;
    const auto outcome = compute::fit_sweep(spectrum, settings.options, settings.models, settings.area);
    rows = compute::fit_rows(outcome, 0, "", settings.options.metric, settings.models, settings.area);
  }
  py::list list;
  append_rows(list, rows, "");
  return list;
}

// Looks for Ctrl-C and calls the caller's progress function from the thread
// that holds `release` (the library calls progress there); the first
// exception either raises stops the work through `cancel`.
class interruptible {
 public:
  explicit interruptible(progress_function progress) : progress_(std::move(progress)) {}
  void operator()(std::uint64_t done, std::uint64_t total) {
    if (interruption_) return;
    py::gil_scoped_acquire gil;
    try {
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
      if (progress_) progress_(done, total);
    } catch (...) {
      interruption_ = std::current_exception();
      cancel_ = true;
    }
  }
  [[nodiscard]] const std::atomic<bool>* cancel() const { return &cancel_; }
  [[nodiscard]] bool interrupted() const { return interruption_ != nullptr; }
  // With the GIL held: raises what stopped the work, if anything did.
  void rethrow() const {
    if (interruption_) std::rethrow_exception(interruption_);
  }

 private:
  progress_function progress_;
  std::atomic<bool> cancel_{false};
  std::exception_ptr interruption_;
};

// Files as `eisgrid fit` takes them: a file no reader accepts is one
// invalid_data row with the reader's reason, after the others' rows. The GIL
// is released while the library's threads fit; every 100 ms the calling
// thread looks for Ctrl-C and calls `progress`, and a KeyboardInterrupt (or
// the callback's exception) stops the threads after the sweeps they hold.
py::list fit_files(const std::vector<std::string>& paths, const std::optional<std::string>& format, const std::string& models,
                   const std::string& metric, const std::string& rs, const std::vector<std::string>& ranges, std::optional<double> area,
                   std::size_t grid, std::optional<unsigned> threads, const progress_function& progress) {
  const auto settings = settings_of(models, metric, rs, ranges, area, grid);
  const auto forced = format_of(format);
  std::vector<std::string> names;
  std::vector<compute::batch_spectrum> spectra;
  std::vector<std::pair<std::string, std::string>> unreadable;
  interruptible watch(progress);
  std::vector<compute::fitted_sweep> fits;
  {
    py::gil_scoped_release release;
    for (const auto& path : paths) {
      try {
        auto m = measured::read_measurement(path, forced);
        for (std::size_t k = 0; k < m.sweeps.size(); ++k) {
          names.push_back(m.file);
          spectra.push_back({std::move(m.sweeps[k].frequencies), std::move(m.sweeps[k].z), k, m.sweeps[k].start_time.value_or("")});
        }
      } catch (const error& e) {
        if (e.kind() == error_kind::usage) throw;
        unreadable.emplace_back(std::filesystem::path(path).filename().string(), std::string("cannot read: ") + e.what());
      }
    }
    const auto fit_each = [&](const compute::batch_spectrum& s, const fit::fit_options& o) {
      if (watch.cancel()->load(std::memory_order_relaxed)) throw error(error_kind::cancelled, "interrupted");
      const auto outcome = compute::fit_sweep(s, o, settings.models, settings.area);
      return compute::fitted_sweep{compute::fit_rows(outcome, s.sweep, s.start_time, o.metric, settings.models, settings.area),
                                   std::nullopt};
    };
    try {
      fits = compute::fit_on_ranks(settings.options, std::move(spectra), threads.value_or(cluster::default_threads()), fit_each,
                                   [&](const sweep::sweep_progress& p) { watch(p.done, p.total); });
    } catch (const error&) {
      if (!watch.interrupted()) throw;
    }
  }
  watch.rethrow();
  if (progress) progress(fits.size(), fits.size());
  py::list list;
  for (std::size_t i = 0; i < fits.size(); ++i) append_rows(list, fits[i].rows, names[i]);
  for (const auto& [file, reason] : unreadable) {
    compute::batch_outcome none;
    none.verdict = {fit_status::invalid_data, {reason}};
    append_rows(list, compute::fit_rows(none, 0, "", settings.options.metric, settings.models, settings.area), file);
  }
  return list;
}

// `eisgrid compute` with the same texts (cli::compute_texts, keys of
// `options`), into the data root the command line would choose; returns the
// dataset's path. The sweep runs without the GIL and stops on Ctrl-C, leaving
// no file (compute::run writes through temp/).
std::string run_compute(const py::dict& options, const std::string& data, const std::string& db, const progress_function& progress) {
  cli::compute_texts t;
  t.grid = options["grid"].cast<std::size_t>();
  t.model = options["model"].cast<std::string>();
  t.ranges = options["ranges"].cast<std::vector<std::string>>();
  t.fmin = options["fmin"].cast<std::optional<double>>();
  t.fmax = options["fmax"].cast<std::optional<double>>();
  t.points = options["points"].cast<std::optional<std::size_t>>();
  for (auto [key, text] : {std::pair{"spacing", &t.spacing},
                           {"preset", &t.preset},
                           {"ref", &t.ref},
                           {"reference", &t.reference},
                           {"format", &t.format},
                           {"metric", &t.metric},
                           {"rs", &t.rs},
                           {"keep", &t.keep},
                           {"spectra", &t.spectra},
                           {"output", &t.output},
                           {"into", &t.into},
                           {"description", &t.description},
                           {"user", &t.user}}) {
    *text = options[key].cast<std::string>();
  }
  t.store = options["store"].cast<bool>();
  t.overwrite = options["overwrite"].cast<bool>();
  t.threads = options["threads"].cast<unsigned>();
  interruptible watch(progress);
  std::filesystem::path path;
  {
    py::gil_scoped_release release;
    const auto request = cli::compute_request_of(t);
    const auto plan = compute::resolve(request);
    compute::check_memory(compute::plan_memory(plan));
    const dataset::data_dir dir(cli::data_root(data, cli::root_use::read_write));
    (void)remove_stale_temp_files(dir.temp());
    std::optional<catalog::catalog> cat;
    const compute::catalog_source catalog_of = [&]() -> catalog::catalog& {
      if (!cat) cat.emplace(catalog::catalog::open(dir.root(), db));
      return *cat;
    };
    try {
      path = compute::run(
                 request, plan, dir, catalog_of, [&](const sweep::sweep_progress& p) { watch(p.done, p.total); }, watch.cancel())
                 .path;
    } catch (const error&) {
      if (!watch.interrupted()) throw;
    }
  }
  watch.rethrow();
  return path.string();
}

const model::circuit_model& model_of(const std::string& name) {
  if (const auto* m = model::find_model(name)) return *m;
  throw error(error_kind::usage, "unknown model '" + name + "' (expected " + model::model_names() + ")");
}

complex_array impedance(const std::string& name, const std::vector<double>& values, const real_array& frequencies) {
  const auto& m = model_of(name);
  if (values.size() != m.count()) throw error(error_kind::usage, "model '" + name + "' takes " + std::to_string(m.count()) + " parameters");
  if (frequencies.ndim() != 1) throw error(error_kind::usage, "frequencies must be a 1-D array");
  complex_array z(frequencies.size());
  auto out = z.mutable_unchecked<1>();
  const auto f = frequencies.unchecked<1>();
  for (py::ssize_t i = 0; i < f.shape(0); ++i) out(i) = m.impedance(values, f(i));
  return z;
}

py::dict kramers_kronig(const real_array& frequencies, const complex_array& z) {
  const auto s = spectrum_of(frequencies, z);
  measured::kk_result r;
  {
    py::gil_scoped_release release;
    r = measured::kramers_kronig_test(s.frequencies, s.z);
  }
  py::dict d;
  d["tested"] = r.tested;
  d["not_tested"] = r.not_tested;
  d["passed"] = r.passed;
  d["voigt_elements"] = r.voigt_elements;
  d["mu"] = r.mu;
  d["mu_reached"] = r.mu_reached;
  d["ohmic_resistance"] = r.ohmic_resistance;
  d["inductance"] = r.inductance;
  d["time_constants"] = real_array(static_cast<py::ssize_t>(r.time_constants.size()), r.time_constants.data());
  d["resistances"] = real_array(static_cast<py::ssize_t>(r.resistances.size()), r.resistances.data());
  d["fitted"] = complex_array(static_cast<py::ssize_t>(r.fitted.size()), r.fitted.data());
  d["residual_real"] = real_array(static_cast<py::ssize_t>(r.residual_real.size()), r.residual_real.data());
  d["residual_imag"] = real_array(static_cast<py::ssize_t>(r.residual_imag.size()), r.residual_imag.data());
  d["max_residual"] = r.max_residual;
  d["max_residual_frequency"] = r.max_residual_frequency;
  d["rms_residual"] = r.rms_residual;
  return d;
}

py::list models() {
  py::list list;
  for (const auto& m : model::all_models()) {
    py::list parameters;
    for (const auto& p : m.parameters) parameters.append(py::make_tuple(std::string(p.name), std::string(p.unit)));
    py::dict d;
    d["name"] = std::string(m.name);
    d["formula"] = std::string(m.formula);
    d["parameters"] = parameters;
    list.append(d);
  }
  return list;
}

}  // namespace
}  // namespace eisgrid::python

PYBIND11_MODULE(_core, m) {
  using namespace eisgrid::python;
  m.doc() = "eisgrid's C++ libraries; use the eisgrid package, not this module.";
  m.attr("__version__") = EISGRID_VERSION;
  static py::exception<eisgrid::error> format_error(m, "FormatError", PyExc_ValueError);
  g_format_error = format_error.ptr();
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const eisgrid::error& e) {
      raise_error(e);
    }
  });
  m.def("read", &read_file, py::arg("path"), py::arg("format"));
  m.def("fit", &fit_one, py::arg("frequencies"), py::arg("z"), py::arg("models"), py::arg("metric"), py::arg("rs"), py::arg("ranges"),
        py::arg("area"), py::arg("grid"));
  m.def("fit_files", &fit_files, py::arg("paths"), py::arg("format"), py::arg("models"), py::arg("metric"), py::arg("rs"),
        py::arg("ranges"), py::arg("area"), py::arg("grid"), py::arg("threads"), py::arg("progress"));
  m.def("impedance", &impedance, py::arg("model"), py::arg("values"), py::arg("frequencies"));
  m.def("kramers_kronig", &kramers_kronig, py::arg("frequencies"), py::arg("z"));
  m.def("models", &models);
  m.def("compute", &run_compute, py::arg("options"), py::arg("data"), py::arg("db"), py::arg("progress"));
  m.attr("default_grid") = eisgrid::fit::k_default_fit_grid;
}
