// A sweep split between processes, simulated by threads that share one chunk
// counter and one threshold: the merged parts are the single sweep, bit for bit.
#include "sweep/part.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <thread>

#include "model/frequency_grid.hpp"
#include "sweep/engine.hpp"

using namespace eisgrid;
using namespace eisgrid::sweep;

namespace {

// What cluster::shared_numbers gives the ranks: one counter, one minimum, one total.
class shared_state {
 public:
  std::atomic<std::uint64_t> next{0};
  std::atomic<std::uint64_t> done{0};
  std::atomic<double> threshold{std::numeric_limits<double>::infinity()};
};

class rank_source final : public work_source {
 public:
  explicit rank_source(shared_state& s) : s_(s) {}
  std::uint64_t take(std::uint64_t) override {
    ++taken;
    return s_.next.fetch_add(1);
  }
  sweep_share share(double threshold, std::uint64_t done) override {
    const std::uint64_t total = s_.done.fetch_add(done - reported_) + (done - reported_);
    reported_ = done;
    double current = s_.threshold.load();
    while (threshold < current && !s_.threshold.compare_exchange_weak(current, threshold)) {
    }
    return {std::min(current, threshold), total};
  }
  std::uint64_t taken = 0;

 private:
  shared_state& s_;
  std::uint64_t reported_ = 0;
};

sweep_result split_sweep(const sweep_options& options, const reference_spectrum& ref, int ranks, std::vector<std::uint64_t>& taken) {
  shared_state state;
  std::vector<rank_source> sources(static_cast<std::size_t>(ranks), rank_source(state));
  std::vector<sweep_part> parts(static_cast<std::size_t>(ranks));
  {
    std::vector<std::jthread> processes;
    for (std::size_t r = 0; r < parts.size(); ++r) {
      processes.emplace_back([&, r] { parts[r] = run_sweep_part(options, ref, sources[r]); });
    }
  }
  sweep_merger merger(options);
  for (auto& p : parts) merger.add(std::move(p));
  for (const auto& s : sources) taken.push_back(s.taken);
  return std::move(merger).finish();
}

void expect_identical(const sweep_result& a, const sweep_result& b) {
  EXPECT_EQ(a.total_points, b.total_points);
  EXPECT_EQ(a.valid_frequencies, b.valid_frequencies);
  ASSERT_EQ(a.indices, b.indices);
  ASSERT_EQ(a.resnorms.size(), b.resnorms.size());
  for (std::size_t i = 0; i < a.resnorms.size(); ++i) {
    // Bit for bit, NaN included.
    ASSERT_EQ(std::memcmp(&a.resnorms[i], &b.resnorms[i], sizeof(double)), 0) << "row " << i;
  }
}

}  // namespace

TEST(sweep_part, split_sweeps_equal_one_sweep) {
  const auto ref = model_reference({900, 3000, 4e-6, 700, 2e-5}, model::frequencies({1, 1e5, 40, model::spacing::log}));
  struct split_case {
    std::optional<std::uint64_t> keep;
    metric m;
    std::vector<double> rs;
  };
  const std::vector<split_case> cases{
      {25, metric::mae, {}}, {std::nullopt, metric::rmse, {}}, {40, metric::relative, {0, 15, 30}}, {std::nullopt, metric::mae, {5, 50}}};
  for (const auto& c : cases) {
    sweep_options o;
    o.grid = model::grid_spec::defaults(7);
    o.keep = c.keep;
    o.metric = c.m;
    o.series_resistances = c.rs;
    o.threads = 1;
    const auto whole = run_sweep(o, ref);
    std::vector<std::uint64_t> taken;
    const auto split = split_sweep(o, ref, 3, taken);
    SCOPED_TRACE(c.keep ? "keep " + std::to_string(*c.keep) : std::string("keep all"));
    expect_identical(whole, split);
  }
}

TEST(sweep_part, every_rank_takes_chunks_until_none_are_left) {
  sweep_options o;
  o.grid = model::grid_spec::defaults(9);  // 9^4 rows: 103 chunks
  o.keep = 10;
  o.threads = 1;
  const auto ref = model_reference(model::k_default_reference, model::frequencies({}));
  std::vector<std::uint64_t> taken;
  (void)split_sweep(o, ref, 3, taken);
  std::uint64_t sum = 0;
  for (auto t : taken) sum += t;
  // Each rank's last take finds nothing left: 103 chunks plus one empty take per rank.
  EXPECT_EQ(sum, 103u + 3u);
}

TEST(sweep_part, a_block_outside_the_grid_is_refused) {
  sweep_options o;
  o.grid = model::grid_spec::defaults(3);
  sweep_merger merger(o);
  sweep_part part;
  part.blocks.push_back({240, std::vector<double>(4)});
  EXPECT_THROW(merger.add(std::move(part)), std::exception);
}
