// The job queue without a server: which job a free worker takes next.
#include "server/jobs.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <vector>

#include "model/parameter_grid.hpp"

namespace {

using eisgrid::catalog::row_id;

// Jobs that run until released one at a time, recording whose job started.
class held_jobs {
 public:
  eisgrid::server::job_manager::runner runner() {
    return [this](const eisgrid::compute::compute_request& r, const eisgrid::sweep::progress_callback&, const std::atomic<bool>* cancel) {
      std::unique_lock lock(mutex_);
      started_.push_back(*r.owner_id);
      changed_.notify_all();
      changed_.wait(lock, [&] { return releases_ > 0 || *cancel; });
      if (releases_ > 0) --releases_;
      return eisgrid::compute::compute_result{};
    };
  }
  // Lets a running job finish and, if another is queued, waits until it starts.
  void finish_one(bool another_starts = true) {
    std::unique_lock lock(mutex_);
    const std::size_t before = started_.size();
    ++releases_;
    changed_.notify_all();
    if (another_starts) changed_.wait_for(lock, std::chrono::seconds(10), [&] { return started_.size() > before; });
  }
  void wait_started(std::size_t n) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(10), [&] { return started_.size() >= n; });
  }
  std::vector<row_id> started() {
    std::lock_guard lock(mutex_);
    return started_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<row_id> started_;
  int releases_ = 0;
};

void submit(eisgrid::server::job_manager& jobs, row_id owner, int n) {
  for (int i = 0; i < n; ++i) {
    eisgrid::compute::compute_request r;
    r.grid = eisgrid::model::grid_spec::defaults(2);
    r.owner_id = owner;
    (void)jobs.submit(r, nlohmann::json::object(), "job.npz");
  }
}

// Issue 11 item 9: with one slot, a user's four queued jobs held back every
// other user's job until all four had run.
TEST(server_jobs, users_take_turns_for_one_slot) {
  constexpr row_id k_alice = 1, k_bob = 2, k_carol = 3;
  held_jobs held;
  eisgrid::server::job_manager jobs(
      1, held.runner(), [](const auto&, std::size_t) {}, [](const std::string&) {});
  submit(jobs, k_alice, 4);
  held.wait_started(1);
  submit(jobs, k_bob, 2);
  submit(jobs, k_carol, 1);
  for (int i = 0; i < 6; ++i) held.finish_one();
  EXPECT_EQ(held.started(), (std::vector<row_id>{k_alice, k_bob, k_carol, k_alice, k_bob, k_alice, k_alice}));
  held.finish_one(false);
  jobs.wait_idle();
}

// With two slots, a user with a running job waits for one without.
TEST(server_jobs, a_free_slot_goes_to_the_user_running_least) {
  constexpr row_id k_alice = 1, k_bob = 2;
  held_jobs held;
  eisgrid::server::job_manager jobs(
      2, held.runner(), [](const auto&, std::size_t) {}, [](const std::string&) {});
  submit(jobs, k_alice, 4);
  held.wait_started(2);
  submit(jobs, k_bob, 1);
  held.finish_one();
  EXPECT_EQ(held.started(), (std::vector<row_id>{k_alice, k_alice, k_bob}));
  held.finish_one();
  held.finish_one();
  EXPECT_EQ(held.started().size(), 5u);
  held.finish_one(false);
  held.finish_one(false);
  jobs.wait_idle();
}

}  // namespace
