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
  chunk_grant take(std::uint64_t, double threshold) override {
    ++taken;
    return {s_.next.fetch_add(1), lower(threshold)};
  }
  sweep_share share(double threshold, std::uint64_t done) override {
    const std::uint64_t total = s_.done.fetch_add(done - reported_) + (done - reported_);
    reported_ = done;
    return {lower(threshold), total};
  }
  std::uint64_t taken = 0;

 private:
  // Lowers the shared threshold to `threshold`; returns the new shared one.
  double lower(double threshold) {
    double current = s_.threshold.load();
    while (threshold < current && !s_.threshold.compare_exchange_weak(current, threshold)) {
    }
    return std::min(current, threshold);
  }

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

// A process that hands out chunks in order and grants a fixed threshold,
// recording the thresholds its workers bring.
class granting_source final : public work_source {
 public:
  explicit granting_source(double grant) : grant_(grant) {}
  chunk_grant take(std::uint64_t, double threshold) override {
    brought.push_back(threshold);
    return {next_++, std::min(grant_, threshold)};
  }
  sweep_share share(double threshold, std::uint64_t done) override { return {std::min(grant_, threshold), done}; }
  std::vector<double> brought;

 private:
  double grant_;
  std::uint64_t next_ = 0;
};

TEST(sweep_part, workers_prune_with_the_threshold_granted_with_a_chunk) {
  sweep_options o;
  o.grid = model::grid_spec::defaults(8);
  o.keep = 30;
  o.threads = 1;
  const auto ref = model_reference({900, 3000, 4e-6, 700, 2e-5}, model::frequencies({1, 1e5, 30, model::spacing::log}));
  // The final best-30 threshold of the whole sweep, in the kernel's units: what
  // the last take of a process that swept everything brings.
  granting_source alone(std::numeric_limits<double>::infinity());
  sweep_merger whole(o);
  whole.add(run_sweep_part(o, ref, alone));
  const double final_threshold = alone.brought.back();
  ASSERT_TRUE(std::isfinite(final_threshold));

  // Another rank has already reached it: from its first chunk on, this
  // process prunes with it, and the result is still the whole sweep's.
  granting_source granted(final_threshold);
  sweep_merger merged(o);
  merged.add(run_sweep_part(o, ref, granted));
  ASSERT_GT(granted.brought.size(), 2u);
  for (std::size_t i = 1; i < granted.brought.size(); ++i) EXPECT_LE(granted.brought[i], final_threshold) << "take " << i;
  expect_identical(std::move(whole).finish(), std::move(merged).finish());
}

TEST(sweep_part, a_block_outside_the_grid_is_refused) {
  sweep_options o;
  o.grid = model::grid_spec::defaults(3);
  sweep_merger merger(o);
  sweep_part part;
  part.blocks.push_back({240, std::vector<double>(4)});
  EXPECT_THROW(merger.add(std::move(part)), std::exception);
}
