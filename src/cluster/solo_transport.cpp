// The job of one process: collectives are no-ops or local calls, shared numbers are atomics.
#include <atomic>
#include <limits>
#include <vector>

#include "cluster/transport.hpp"

namespace eisgrid::cluster::detail {
namespace {

class solo_numbers final : public numbers_backend {
 public:
  solo_numbers(std::size_t counters, std::size_t minima) : counters_(counters), minima_(minima) {
    for (auto& m : minima_) m.store(std::numeric_limits<double>::infinity());
  }
  std::uint64_t fetch_add(std::size_t i, std::uint64_t delta) override { return counters_.at(i).fetch_add(delta); }
  double fetch_min(std::size_t i, double value) override {
    auto& m = minima_.at(i);
    double current = m.load();
    while (value < current && !m.compare_exchange_weak(current, value)) {
    }
    return current;
  }

 private:
  std::vector<std::atomic<std::uint64_t>> counters_;
  std::vector<std::atomic<double>> minima_;
};

class solo_transport final : public transport {
 public:
  int rank() const noexcept override { return 0; }
  int size() const noexcept override { return 1; }
  int node_ranks() const noexcept override { return 1; }
  void broadcast(byte_buffer&) override {}
  void gather(std::span<const std::byte> data, const gather_sink& on_root) override { on_root(0, data); }
  std::unique_ptr<numbers_backend> make_numbers(std::size_t counters, std::size_t minima) override {
    return std::make_unique<solo_numbers>(counters, minima);
  }
};

}  // namespace

std::unique_ptr<transport> make_solo_transport() { return std::make_unique<solo_transport>(); }

}  // namespace eisgrid::cluster::detail
