#include "sweep/part.hpp"

#include <algorithm>

#include "base/error.hpp"
#include "sweep/engine.hpp"

namespace eisgrid::sweep {
std::optional<std::uint64_t> effective_keep(const sweep_options& options, std::uint64_t total_points) noexcept {
  if (options.keep && *options.keep >= total_points) return std::nullopt;
  return options.keep;
}

void keep_best(std::vector<ranked_point>& points, std::uint64_t k) {
  const auto n = static_cast<std::ptrdiff_t>(std::min<std::uint64_t>(k, points.size()));
  std::partial_sort(points.begin(), points.begin() + n, points.end(), ranks_before);
  points.resize(static_cast<std::size_t>(n));
}

sweep_merger::sweep_merger(const sweep_options& options)
    : options_(options), total_points_(sweep_points(options)), keep_(effective_keep(options, total_points_)) {
  if (keep_) return;
  try {
    all_sums_.resize(total_points_);
  } catch (const std::bad_alloc&) {
    throw error(error_kind::too_large,
                "keeping all " + std::to_string(total_points_) + " rows needs more memory than is available; keep fewer rows");
  }
}

void sweep_merger::add(sweep_part part) {
  valid_frequencies_ = part.valid_frequencies;
  if (keep_) {
    best_.insert(best_.end(), part.best.begin(), part.best.end());
    keep_best(best_, *keep_);
    return;
  }
  for (auto& block : part.blocks) {
    if (block.first > total_points_ || block.sums.size() > total_points_ - block.first) {
      throw error(error_kind::internal, "a swept block lies outside the grid");
    }
    std::copy(block.sums.begin(), block.sums.end(), all_sums_.begin() + static_cast<std::ptrdiff_t>(block.first));
    block.sums = {};
  }
}

sweep_result sweep_merger::finish() && {
  std::vector<ranked_point> ranked = std::move(best_);
  if (!keep_) {
    ranked.resize(all_sums_.size());
    for (std::size_t i = 0; i < all_sums_.size(); ++i) ranked[i] = {all_sums_[i], i};
    all_sums_ = {};
    std::sort(ranked.begin(), ranked.end(), ranks_before);
  }
  sweep_result result;
  result.total_points = total_points_;
  result.valid_frequencies = valid_frequencies_;
  result.indices.reserve(ranked.size());
  result.resnorms.reserve(ranked.size());
  for (const auto& p : ranked) {
    result.indices.push_back(p.index);
    result.resnorms.push_back(sweep::finish(options_.metric, p.sum, valid_frequencies_));
  }
  return result;
}

}  // namespace eisgrid::sweep
