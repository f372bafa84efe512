#pragma once
// Writes a finished sweep as a dataset file: the arrays of SPEC 4 (float32, as
// the old exporter wrote them) plus grid_indices and reference_spectrum, through
// <root>/npz/temp so the file appears in its directory only when complete.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "base/sha256.hpp"
#include "dataset/dataset.hpp"
#include "dataset/metadata.hpp"
#include "npz/writer.hpp"

namespace eisgrid::dataset {

struct export_options {
  std::optional<std::uint64_t> spectra;  // rows with a stored spectrum; all kept rows when empty
  npz::write_options npz;
  bool replace = false;  // overwrite an existing file of the same name
};

struct exported_dataset {
  std::filesystem::path path;  // final
  file_digest digest;          // of the file as written, for the catalog
  // The file as read back for the check below (without spectra), so the
  // catalog's description needs no second read. Its path() is the temporary
  // name it was checked under.
  dataset checked;
};

// `run` names the file, location and everything else; `run.spectra_rows` is
// filled in here. Throws error(conflict) if the file exists and !replace,
// error(io) if writing fails, error(internal) if the written file does not
// pass dataset::load (checked before the rename); in every case nothing is
// left behind.
[[nodiscard]] exported_dataset export_dataset(const data_dir& dir, run_record run, const export_options& options);

// Bytes the export holds in memory for `rows` kept rows (for planning).
[[nodiscard]] std::uint64_t export_memory_bytes(std::uint64_t rows, std::size_t parameters) noexcept;

}  // namespace eisgrid::dataset
