#pragma once
// A dataset file read back and checked against every rule of SPEC 6: required
// arrays, shapes, numeric dtypes, ascending positive frequencies, readable
// metadata consistent with the arrays. Values are read through accessors that
// accept any numeric dtype, since other tools may write float64.

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/models.hpp"
#include "npz/array.hpp"

namespace eisgrid::dataset {

// How much of a file load() reads. `without_spectra` checks the spectrum's
// header (dtype, shape) but neither reads nor CRC-checks its data: for a file
// eisgrid has just written itself, where the spectrum is most of the bytes.
enum class load_depth { full, without_spectra };

// Limits on what a file may make a load allocate (SPEC 4 files are mostly
// deflated arrays). Checked against the sizes the archive and the .npy
// headers declare, after every shape has been checked against the others and
// before anything is inflated, so a deflate bomb costs nothing.
// The metadata is a few KB; this bounds the text any file puts in the catalog.
inline constexpr std::uint64_t k_max_metadata_member_bytes = std::uint64_t{256} << 10;
// Share of the memory available now (MemAvailable) that one load may inflate:
// past it, a bomb or a file too big for this machine would push it into swap
// or the OOM killer. Not less: a run that fitted its memory plan must load its
// own file (32 bytes a row without spectra, against the 64 it planned).
inline constexpr double k_inflate_memory_share = 0.9;

struct load_limits {
  // Inflated bytes of the deflated arrays a load reads (the server: its cache
  // budget). A load never inflates more than k_inflate_memory_share of the
  // available memory either way.
  std::optional<std::uint64_t> max_inflated_bytes;
};

class dataset {
 public:
  // Reads and validates `path`, opened by open_regular_file (no links, no
  // FIFOs). Throws error(not_found) for a missing file, error(too_large) when
  // it would inflate more than `limits` allow, and error(invalid_input) with
  // the first rule the file breaks, naming the file:
  // "invalid dataset 'x.npz': 'resnorms' has shape (3,) but 'parameters' has 4 rows".
  [[nodiscard]] static dataset load(const std::filesystem::path& path, load_depth depth = load_depth::full, const load_limits& limits = {});

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  [[nodiscard]] const nlohmann::json& metadata() const noexcept { return metadata_; }
  [[nodiscard]] bool legacy_metadata() const noexcept { return legacy_metadata_; }

  // The circuit model of the rows (SPEC 12): metadata "model", rc without it.
  [[nodiscard]] const model::circuit_model& model() const noexcept { return *model_; }
  // Parameters per row: the model's after Rs (rc: Rsh, Ra, Ca, Rb, Cb).
  [[nodiscard]] std::size_t parameter_count() const noexcept { return model_->count() - 1; }
  [[nodiscard]] std::uint64_t rows() const noexcept { return rows_; }
  [[nodiscard]] std::uint64_t spectra_rows() const noexcept { return spectra_rows_; }
  [[nodiscard]] std::uint64_t frequency_count() const noexcept { return frequency_count_; }

  // Preconditions: row < rows(), k < parameter_count(), f <
  // frequency_count(), and for spectrum() row < spectra_rows() and a
  // load_depth::full load; parameters() of an rc dataset.
  [[nodiscard]] double parameter(std::uint64_t row, std::size_t k) const;
  [[nodiscard]] std::array<double, 5> parameters(std::uint64_t row) const;
  // Rs of each row when the run swept or fixed it (array "series_resistance",
  // SPEC 10); the rows are Rs + Z(parameters), Rs = 0 without it.
  [[nodiscard]] bool has_series_resistance() const noexcept { return series_resistance_.has_value(); }
  [[nodiscard]] double series_resistance(std::uint64_t row) const;
  // Every value of the row's model, Rs first: what the model's impedance,
  // TER and TEC take.
  [[nodiscard]] std::vector<double> model_values(std::uint64_t row) const;
  [[nodiscard]] double resnorm(std::uint64_t row) const;
  [[nodiscard]] double frequency(std::uint64_t f) const;
  // real, imag, magnitude, phase (degrees)
  [[nodiscard]] std::array<double, 4> spectrum(std::uint64_t row, std::uint64_t f) const;
  [[nodiscard]] std::optional<std::int64_t> grid_index(std::uint64_t row) const;
  [[nodiscard]] bool has_reference_spectrum() const noexcept { return reference_.has_value(); }
  [[nodiscard]] std::array<double, 4> reference_spectrum(std::uint64_t f) const;

  // Bytes the arrays take up in memory: copies of their own, plus stored
  // (uncompressed) arrays read in place from the file's mapping.
  [[nodiscard]] std::uint64_t memory_bytes() const noexcept;
  // The part of memory_bytes() that is the file's own pages, which the kernel
  // can drop and read back instead of swapping.
  [[nodiscard]] std::uint64_t mapped_bytes() const noexcept;

 private:
  std::filesystem::path path_;
  nlohmann::json metadata_;
  bool legacy_metadata_ = false;
  const model::circuit_model* model_ = &model::rc();
  npz::shared_array parameters_, resnorms_, spectrum_, frequencies_;
  std::optional<npz::shared_array> grid_indices_, reference_, series_resistance_;
  std::uint64_t rows_ = 0, spectra_rows_ = 0, frequency_count_ = 0;

  // Every array held; null for an optional one that is absent.
  [[nodiscard]] std::array<const npz::shared_array*, 7> arrays() const noexcept;

  friend class dataset_validator;
};

// One line for `eisgrid validate`: ok, or the reason.
struct validation_result {
  bool valid = false;
  std::string message;  // a summary when valid, the reason otherwise
};
[[nodiscard]] validation_result validate_file(const std::filesystem::path& path);

// The numeric value of element `i` of any numeric array (precondition: in range).
[[nodiscard]] double numeric_value(const npz::shared_array& a, std::uint64_t i);

}  // namespace eisgrid::dataset
