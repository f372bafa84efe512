#include "cluster/shared_numbers.hpp"

#include "cluster/transport.hpp"

namespace eisgrid::cluster {

shared_numbers::shared_numbers(std::size_t counters, std::size_t minima) : backend_(detail::current().make_numbers(counters, minima)) {}

shared_numbers::~shared_numbers() = default;

std::uint64_t shared_numbers::fetch_add(std::size_t i, std::uint64_t delta) { return backend_->fetch_add(i, delta); }

double shared_numbers::fetch_min(std::size_t i, double value) { return backend_->fetch_min(i, value); }

}  // namespace eisgrid::cluster
