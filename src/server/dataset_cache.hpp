#pragma once
// Datasets the server has loaded, kept in memory under a byte budget and
// evicted least recently used first. A file is loaded on first use (SPEC 7:
// no "Dataset not loaded" errors) and reloaded when its size or modification
// time changes. Thread-safe: loads of different files run concurrently; two
// requests for the same unloaded file load it once.

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "dataset/dataset.hpp"

namespace eisgrid::server {

// A loaded dataset and what every request about it needs precomputed.
struct loaded_dataset {
  explicit loaded_dataset(dataset::dataset d) : data(std::move(d)) {}

  dataset::dataset data;
  // Per parameter of the model after Rs, over all rows (NaN when none).
  std::vector<double> param_min, param_max;
  std::uintmax_t file_size = 0;
  std::filesystem::file_time_type modified;
  // What it takes up in memory (counted against the budget), and the part of
  // that which is the file's own mapped pages rather than a copy.
  [[nodiscard]] std::uint64_t bytes() const noexcept { return data.memory_bytes(); }
  [[nodiscard]] std::uint64_t mapped_bytes() const noexcept { return data.mapped_bytes(); }

  // Recent response bodies by key, at most k_max_bodies: the rows never
  // change while the dataset is loaded, and formatting thousands of numbers
  // costs far more than the rest of a request. Thread-safe.
  static constexpr std::size_t k_max_bodies = 4;
  [[nodiscard]] std::shared_ptr<const std::string> body(const std::string& key) const;
  void keep_body(const std::string& key, std::shared_ptr<const std::string> body) const;

 private:
  mutable std::mutex bodies_mutex_;
  mutable std::list<std::pair<std::string, std::shared_ptr<const std::string>>> bodies_;  // most recent first
};

class dataset_cache {
 public:
  explicit dataset_cache(std::uint64_t budget_bytes) : budget_(budget_bytes) {}

  // The dataset at `path`, loading it if needed. Throws what dataset::load
  // throws (not_found, invalid_input, and too_large for a file that would
  // inflate more than the whole budget, refused before inflating). A dataset
  // whose stored arrays, read in place, take it over the budget is served
  // but not kept.
  [[nodiscard]] std::shared_ptr<const loaded_dataset> get(const std::filesystem::path& path);
  [[nodiscard]] bool contains(const std::filesystem::path& path) const;
  [[nodiscard]] std::size_t count() const;
  [[nodiscard]] std::uint64_t bytes() const;
  [[nodiscard]] std::uint64_t mapped_bytes() const;
  [[nodiscard]] std::uint64_t budget() const noexcept { return budget_; }

 private:
  struct entry {
    std::shared_ptr<const loaded_dataset> value;
    std::list<std::string>::iterator lru;
  };
  const std::uint64_t budget_;
  mutable std::mutex mutex_;
  std::condition_variable loaded_;
  std::unordered_map<std::string, entry> entries_;
  std::list<std::string> lru_;  // most recent first
  std::unordered_map<std::string, int> loading_;
  std::uint64_t bytes_ = 0, mapped_bytes_ = 0;

  void evict_locked();
  void erase_locked(std::unordered_map<std::string, entry>::iterator it);
};

}  // namespace eisgrid::server
