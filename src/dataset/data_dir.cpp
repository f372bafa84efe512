#include "dataset/data_dir.hpp"

#include <algorithm>

#include "base/error.hpp"

namespace eisgrid::dataset {

std::filesystem::path data_dir::directory(storage s) const { return root_ / "npz" / std::string(to_string(s)); }

void data_dir::ensure() const {
  for (const auto& dir : {directory(storage::precomputed), directory(storage::user_generated), temp()}) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw error(error_kind::io, "cannot create directory '" + dir.string() + "': " + ec.message());
  }
}

std::vector<dataset_file> data_dir::list() const {
  std::vector<dataset_file> files;
  for (storage s : {storage::precomputed, storage::user_generated}) {
    std::vector<dataset_file> here;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(directory(s), ec)) {
      // Links and other non-directories named like a dataset are listed too,
      // so that their loader refuses them and sync reports them, not hides them.
      if (!std::filesystem::is_directory(entry.symlink_status(ec)) && entry.path().extension() == ".npz") here.push_back({entry.path(), s});
    }
    std::sort(here.begin(), here.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    files.insert(files.end(), here.begin(), here.end());
  }
  return files;
}

}  // namespace eisgrid::dataset
