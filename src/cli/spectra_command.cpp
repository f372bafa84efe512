// eisgrid spectra FILE... [--format NAME] [--json | --csv]: what the readers
// found in measurement files. A file that cannot be read is reported on stderr
// and the others still are; the exit code is then 1.
#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "base/csv.hpp"
#include "base/error.hpp"
#include "base/json_number.hpp"
#include "cli/commands.hpp"
#include "measured/quality.hpp"
#include "measured/read.hpp"

namespace eisgrid::cli {
namespace {

struct spectra_args {
  std::vector<std::string> files;
  std::string format;
  bool json = false;
  bool csv = false;
};

nlohmann::json to_json(const std::vector<measured::measurement>& read) {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& m : read) {
    nlohmann::json spectra = nlohmann::json::array();
    for (std::size_t k = 0; k < m.sweeps.size(); ++k) {
      const auto& s = m.sweeps[k];
      nlohmann::json real = nlohmann::json::array(), imag = nlohmann::json::array();
      for (const auto& z : s.z) {
        real.push_back(z.real());
        imag.push_back(z.imag());
      }
      spectra.push_back(
          {{"sweep", k}, {"frequencies", s.frequencies}, {"real", std::move(real)}, {"imag", std::move(imag)}, {"warnings", s.warnings}});
    }
    files.push_back({{"file", m.file}, {"format", std::string(measured::to_string(m.format))}, {"spectra", std::move(spectra)}});
  }
  return {{"files", std::move(files)}};
}

void print_csv(const std::vector<measured::measurement>& read) {
  std::printf("file,sweep,frequency,real,imag\n");
  for (const auto& m : read) {
    const std::string file = csv_text(m.file);
    for (std::size_t k = 0; k < m.sweeps.size(); ++k) {
      const auto& s = m.sweeps[k];
      for (std::size_t i = 0; i < s.z.size(); ++i) {
        std::printf("%s,%zu,%s,%s,%s\n", file.c_str(), k, shortest_text(s.frequencies[i]).c_str(), shortest_text(s.z[i].real()).c_str(),
                    shortest_text(s.z[i].imag()).c_str());
      }
    }
  }
}

void print_text(const std::vector<measured::measurement>& read) {
  for (const auto& m : read) {
    std::printf("%s: %s, %zu sweep%s\n", m.file.c_str(), std::string(measured::to_string(m.format)).c_str(), m.sweeps.size(),
                m.sweeps.size() == 1 ? "" : "s");
    for (std::size_t k = 0; k < m.sweeps.size(); ++k) {
      const auto& s = m.sweeps[k];
      const auto [fmin, fmax] = std::minmax_element(s.frequencies.begin(), s.frequencies.end());
      const auto [zmin, zmax] = std::minmax_element(s.z.begin(), s.z.end(), [](auto a, auto b) { return std::abs(a) < std::abs(b); });
      std::printf("  sweep %zu: %zu points, %.6g to %.6g Hz, |Z| %.6g to %.6g ohm, started %s\n", k, s.z.size(), *fmin, *fmax,
                  std::abs(*zmin), std::abs(*zmax), s.start_time.value_or("(not in the file)").c_str());
      for (const auto& w : s.warnings) std::printf("    warning: %s\n", w.c_str());
    }
  }
}

void run_spectra(const spectra_args& a) {
  std::optional<measured::format> forced;
  if (!a.format.empty()) forced = measured::parse_format(a.format);
  std::vector<measured::measurement> read;
  std::size_t failed = 0;
  for (const auto& f : a.files) {
    try {
      read.push_back(measured::read_measurement(f, forced));
      measured::add_quality_warnings(read.back());
    } catch (const error& e) {
      std::fprintf(stderr, "eisgrid: %s\n", e.what());
      ++failed;
    }
  }
  if (a.json) {
    std::printf("%s\n", to_json(read).dump(1).c_str());
  } else if (a.csv) {
    print_csv(read);
  } else {
    print_text(read);
  }
  std::fflush(stdout);
  if (failed > 0) {
    throw error(error_kind::invalid_input, std::to_string(failed) + " of " + std::to_string(a.files.size()) + " files could not be read");
  }
}

}  // namespace

void add_spectra_command(CLI::App& app) {
  auto args = std::make_shared<spectra_args>();
  auto* cmd = app.add_subcommand("spectra", "Read measurement files (CSV, NOVA, Gamry, BioLogic, ...) and show their sweeps");
  cmd->add_option("files", args->files, "Measurement files")->required();
  cmd->add_option("--format", args->format, "Read as this format instead of detecting it");
  auto* json = cmd->add_flag("--json", args->json, "JSON: {\"files\": [{\"file\", \"format\", \"spectra\": [...]}]}");
  auto* csv = cmd->add_flag("--csv", args->csv, "CSV rows: file,sweep,frequency,real,imag");
  json->excludes(csv);
  cmd->callback([args] { run_spectra(*args); });
}

}  // namespace eisgrid::cli
