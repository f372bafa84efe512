#include "server/dataset_cache.hpp"

#include <cmath>
#include <limits>

namespace eisgrid::server {
namespace {

// A file that would inflate past the whole budget is refused before inflating.
std::shared_ptr<loaded_dataset> load(const std::filesystem::path& path, std::uintmax_t size, std::filesystem::file_time_type modified,
                                     std::uint64_t budget) {
  auto d = std::make_shared<loaded_dataset>(dataset::dataset::load(path, dataset::load_depth::full, {budget}));
  d->file_size = size;
  d->modified = modified;
  const std::size_t columns = d->data.parameter_count();
  d->param_min.assign(columns, std::numeric_limits<double>::quiet_NaN());
  d->param_max.assign(columns, std::numeric_limits<double>::quiet_NaN());
  for (std::uint64_t row = 0; row < d->data.rows(); ++row) {
    for (std::size_t k = 0; k < columns; ++k) {
      const double v = d->data.parameter(row, k);
      if (std::isnan(d->param_min[k]) || v < d->param_min[k]) d->param_min[k] = v;
      if (std::isnan(d->param_max[k]) || v > d->param_max[k]) d->param_max[k] = v;
    }
  }
  return d;
}

}  // namespace

std::shared_ptr<const std::string> loaded_dataset::body(const std::string& key) const {
  std::lock_guard lock(bodies_mutex_);
  for (auto it = bodies_.begin(); it != bodies_.end(); ++it) {
    if (it->first == key) {
      bodies_.splice(bodies_.begin(), bodies_, it);
      return bodies_.front().second;
    }
  }
  return nullptr;
}

void loaded_dataset::keep_body(const std::string& key, std::shared_ptr<const std::string> body) const {
  std::lock_guard lock(bodies_mutex_);
  bodies_.emplace_front(key, std::move(body));
  if (bodies_.size() > k_max_bodies) bodies_.pop_back();
}

std::shared_ptr<const loaded_dataset> dataset_cache::get(const std::filesystem::path& path) {
  const std::string key = path.string();
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  const auto modified = ec ? std::filesystem::file_time_type{} : std::filesystem::last_write_time(path, ec);
  {
    std::unique_lock lock(mutex_);
    for (;;) {
      const auto it = entries_.find(key);
      if (it != entries_.end()) {
        if (!ec && it->second.value->file_size == size && it->second.value->modified == modified) {
          lru_.splice(lru_.begin(), lru_, it->second.lru);
          return it->second.value;
        }
        erase_locked(it);
      }
      if (!loading_.count(key)) break;
      loaded_.wait(lock);
    }
    loading_[key] = 1;
  }
  std::shared_ptr<loaded_dataset> value;
  try {
    value = load(path, size, modified, budget_);
  } catch (...) {
    std::lock_guard lock(mutex_);
    loading_.erase(key);
    loaded_.notify_all();
    throw;
  }
  std::lock_guard lock(mutex_);
  loading_.erase(key);
  loaded_.notify_all();
  if (!ec && value->bytes() <= budget_) {
    lru_.push_front(key);
    entries_[key] = entry{value, lru_.begin()};
    bytes_ += value->bytes();
    mapped_bytes_ += value->mapped_bytes();
    evict_locked();
  }
  return value;
}

void dataset_cache::evict_locked() {
  while (bytes_ > budget_ && lru_.size() > 1) erase_locked(entries_.find(lru_.back()));
}

void dataset_cache::erase_locked(std::unordered_map<std::string, entry>::iterator it) {
  bytes_ -= it->second.value->bytes();
  mapped_bytes_ -= it->second.value->mapped_bytes();
  lru_.erase(it->second.lru);
  entries_.erase(it);
}

bool dataset_cache::contains(const std::filesystem::path& path) const {
  std::lock_guard lock(mutex_);
  return entries_.count(path.string()) > 0;
}

std::size_t dataset_cache::count() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

std::uint64_t dataset_cache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

std::uint64_t dataset_cache::mapped_bytes() const {
  std::lock_guard lock(mutex_);
  return mapped_bytes_;
}

}  // namespace eisgrid::server
