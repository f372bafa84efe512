#pragma once
// Human and JSON summaries of a dataset: what `inspect` prints and what
// `compute` prints when it is done. Every row shows TER and TEC beside the raw
// parameters, because the raw parameters are not identifiable (SPEC 1).

#include <cstdio>

#include <nlohmann/json.hpp>

#include "dataset/dataset.hpp"

namespace eisgrid::cli {

void print_summary(std::FILE* out, const dataset::dataset& d, std::size_t top);
[[nodiscard]] nlohmann::json summary_json(const dataset::dataset& d, std::size_t top);

}  // namespace eisgrid::cli
