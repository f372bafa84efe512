#pragma once
// The data directory of SPEC 5:
//   <root>/npz/precomputed/     shipped sample datasets, public to everyone
//   <root>/npz/user_generated/  results of users' runs
//   <root>/npz/temp/            files being written

#include <filesystem>
#include <vector>

#include "base/dataset_record.hpp"

namespace eisgrid::dataset {

struct dataset_file {
  std::filesystem::path path;
  storage location = storage::user_generated;
};

class data_dir {
 public:
  explicit data_dir(std::filesystem::path root) : root_(std::move(root)) {}

  [[nodiscard]] const std::filesystem::path& root() const noexcept { return root_; }
  [[nodiscard]] std::filesystem::path directory(storage s) const;
  [[nodiscard]] std::filesystem::path temp() const { return root_ / "npz" / "temp"; }

  // Creates the three directories. Throws error(io) if it cannot.
  void ensure() const;
  // The entries named *.npz of both directories, precomputed first, each
  // sorted by name: regular files, and also links, FIFOs and the like, which
  // every loader refuses (open_regular_file), so that they are reported.
  [[nodiscard]] std::vector<dataset_file> list() const;

 private:
  std::filesystem::path root_;
};

}  // namespace eisgrid::dataset
