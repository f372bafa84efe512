#pragma once
// The metadata JSON stored in every dataset (SPEC 4): the old exporter's keys,
// kept, plus what a reader needs to trust and reproduce the file.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "dataset/data_dir.hpp"
#include "model/frequency_grid.hpp"
#include "sweep/engine.hpp"

namespace eisgrid::dataset {

inline constexpr int k_format_version = 1;

inline constexpr const char* k_format_name = "eisgrid-npz";

// Everything about a finished sweep that goes into its file.
struct run_record {
  sweep::sweep_options options;
  const sweep::reference_spectrum* reference = nullptr;
  const sweep::sweep_result* result = nullptr;
  std::string frequency_spacing;  // "log", "linear" or "measured"
  std::uint64_t spectra_rows = 0;
  storage location = storage::user_generated;
  std::string file_name;
  std::string description;
  unsigned ranks = 1;  // MPI ranks that swept (SPEC 11); recorded when more than one
  // The refined best result of a fit (SPEC 10), stored as metadata "refined"; null for none.
  nlohmann::ordered_json refined;
};

// Keys keep the order written here (old exporter's first, parameters Rsh..Cb),
// so a reader iterating a dict in Python sees them in that order.
[[nodiscard]] nlohmann::ordered_json make_metadata(const run_record& run);

}  // namespace eisgrid::dataset
