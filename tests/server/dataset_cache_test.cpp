#include "server/dataset_cache.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "base/error.hpp"
#include "server_fixture.hpp"

namespace {

using eisgrid::server::dataset_cache;

class dataset_cache_test : public ::testing::Test {
 protected:
  static inline std::unique_ptr<test_support::server_data> data;
  static void SetUpTestSuite() { data = std::make_unique<test_support::server_data>(); }
  static void TearDownTestSuite() { data.reset(); }
  static std::filesystem::path file(const char* name) {
    return data->root.path / "npz" / (std::string(name) == "public.npz" ? "precomputed" : "user_generated") / name;
  }
};

TEST_F(dataset_cache_test, loads_once_and_evicts_least_recently_used) {
  const auto one = dataset_cache(1 << 30).get(file("public.npz"))->bytes();
  // Room for two datasets of this size, not three.
  dataset_cache cache(one * 2 + one / 2);
  const auto a = cache.get(file("public.npz"));
  EXPECT_EQ(cache.get(file("public.npz")), a);  // the same object: loaded once
  (void)cache.get(file("alice.npz"));
  EXPECT_EQ(cache.count(), 2u);
  EXPECT_EQ(cache.bytes(), 2 * one);
  (void)cache.get(file("public.npz"));  // now the most recent
  (void)cache.get(file("bob.npz"));     // evicts alice.npz
  EXPECT_TRUE(cache.contains(file("public.npz")));
  EXPECT_FALSE(cache.contains(file("alice.npz")));
  EXPECT_TRUE(cache.contains(file("bob.npz")));
  EXPECT_LE(cache.bytes(), cache.budget());
}

TEST_F(dataset_cache_test, counts_mapped_arrays_apart_and_forgets_them_on_eviction) {
  const auto deflated = dataset_cache(1 << 30).get(file("public.npz"));
  const auto stored = dataset_cache(1 << 30).get(file("bob.npz"));
  EXPECT_EQ(deflated->mapped_bytes(), 0u);
  // Every array of the stored file is read in place; the spectra alone are 1024 rows x 20 x 4 floats.
  EXPECT_EQ(stored->mapped_bytes(), stored->bytes());
  EXPECT_GE(stored->mapped_bytes(), 1024u * 20 * 4 * 4);
  EXPECT_EQ(stored->bytes(), deflated->bytes());  // the same arrays, wherever they live
  EXPECT_EQ(stored->data.parameters(7), deflated->data.parameters(7));

  dataset_cache cache(stored->bytes() + stored->bytes() / 2);  // room for one
  (void)cache.get(file("bob.npz"));
  EXPECT_EQ(cache.mapped_bytes(), stored->mapped_bytes());
  (void)cache.get(file("public.npz"));  // evicts bob.npz
  EXPECT_FALSE(cache.contains(file("bob.npz")));
  EXPECT_EQ(cache.mapped_bytes(), 0u);
  EXPECT_EQ(cache.bytes(), deflated->bytes());
}

TEST_F(dataset_cache_test, a_stored_dataset_over_the_budget_is_served_not_kept) {
  dataset_cache cache(1000);
  const auto d = cache.get(file("bob.npz"));  // read in place: nothing to inflate
  EXPECT_EQ(d->data.rows(), 1024u);
  EXPECT_EQ(cache.count(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST_F(dataset_cache_test, a_deflated_dataset_over_the_budget_is_refused_before_inflating) {
  dataset_cache cache(1000);
  try {
    (void)cache.get(file("public.npz"));
    FAIL() << "loaded";
  } catch (const eisgrid::error& e) {
    EXPECT_EQ(e.kind(), eisgrid::error_kind::too_large);
    EXPECT_NE(std::string(e.what()).find("over the limit of 1000"), std::string::npos) << e.what();
  }
  EXPECT_EQ(cache.count(), 0u);
}

TEST_F(dataset_cache_test, a_changed_file_is_reloaded_and_a_missing_one_is_not_found) {
  dataset_cache cache(1 << 30);
  const auto before = cache.get(file("public.npz"));
  const auto t = std::filesystem::last_write_time(file("public.npz"));
  std::filesystem::last_write_time(file("public.npz"), t + std::chrono::seconds(5));
  EXPECT_NE(cache.get(file("public.npz")), before);
  EXPECT_EQ(cache.count(), 1u);
  try {
    (void)cache.get(data->root.path / "npz/precomputed/missing.npz");
    FAIL() << "no error";
  } catch (const eisgrid::error& e) {
    EXPECT_EQ(e.kind(), eisgrid::error_kind::not_found);
  }
}

TEST_F(dataset_cache_test, concurrent_requests_share_one_load) {
  dataset_cache cache(1 << 30);
  std::vector<std::shared_ptr<const eisgrid::server::loaded_dataset>> got(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < got.size(); ++i) threads.emplace_back([&, i] { got[i] = cache.get(file("bob.npz")); });
  for (auto& t : threads) t.join();
  for (const auto& g : got) EXPECT_EQ(g, got[0]);
}

}  // namespace
