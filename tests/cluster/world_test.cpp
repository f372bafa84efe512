// The cluster module as every process sees it outside an MPI job: a job of
// one rank whose collectives are local, and the messages ranks exchange.
#include "cluster/world.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <limits>
#include <thread>

#include "base/error.hpp"
#include "cluster/message.hpp"
#include "cluster/shared_numbers.hpp"

using namespace eisgrid;

TEST(cluster_world, outside_a_launcher_the_process_is_the_only_rank) {
  EXPECT_EQ(cluster::rank(), 0);
  EXPECT_EQ(cluster::size(), 1);
  EXPECT_TRUE(cluster::is_root());
  EXPECT_FALSE(cluster::distributed());
  EXPECT_FALSE(cluster::launcher_on_terminal());
  EXPECT_GE(cluster::default_threads(), 1u);
  EXPECT_LE(cluster::default_threads(), std::max(1u, std::thread::hardware_concurrency()));
}

TEST(cluster_world, collectives_of_one_rank_keep_and_deliver_its_data) {
  cluster::byte_buffer data{std::byte{1}, std::byte{2}};
  cluster::broadcast(data);
  EXPECT_EQ(data.size(), 2u);
  int calls = 0;
  cluster::gather(data, [&](int from, std::span<const std::byte> bytes) {
    ++calls;
    EXPECT_EQ(from, 0);
    EXPECT_EQ(bytes.size(), 2u);
  });
  EXPECT_EQ(calls, 1);
}

TEST(cluster_message, values_vectors_and_strings_round_trip) {
  cluster::message_writer w;
  w.put<std::uint8_t>(7);
  w.put(std::optional<std::uint64_t>(42));
  const std::vector<std::complex<double>> z{{1.5, -2}, {0, std::numeric_limits<double>::quiet_NaN()}};
  w.put_vector(std::span<const std::complex<double>>(z));
  w.put_string("Rsh=5005");
  w.put_vector(std::span<const double>());
  const auto bytes = w.take();

  cluster::message_reader r(bytes);
  EXPECT_EQ(r.get<std::uint8_t>(), 7);
  EXPECT_EQ(r.get<std::optional<std::uint64_t>>(), 42u);
  const auto back = r.get_vector<std::complex<double>>();
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0], z[0]);
  EXPECT_TRUE(std::isnan(back[1].imag()));
  EXPECT_EQ(r.get_string(), "Rsh=5005");
  EXPECT_TRUE(r.get_vector<double>().empty());
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(cluster_message, a_truncated_message_throws_instead_of_reading_past_it) {
  cluster::message_writer w;
  w.put_vector(std::span<const double>(std::vector<double>(4, 1.0)));
  auto bytes = w.take();
  bytes.resize(bytes.size() - 1);
  cluster::message_reader r(bytes);
  EXPECT_THROW((void)r.get_vector<double>(), error);
  cluster::message_reader empty({});
  EXPECT_THROW((void)empty.get<std::uint32_t>(), error);
}

TEST(cluster_shared_numbers, counters_add_and_minima_only_fall) {
  cluster::shared_numbers numbers(2, 1);
  EXPECT_EQ(numbers.fetch_add(0, 5), 0u);
  EXPECT_EQ(numbers.fetch_add(0, 1), 5u);
  EXPECT_EQ(numbers.load(1), 0u);
  EXPECT_TRUE(std::isinf(numbers.fetch_min(0, 3.0)));
  EXPECT_EQ(numbers.fetch_min(0, 4.0), 3.0);
  EXPECT_EQ(numbers.fetch_min(0, std::numeric_limits<double>::quiet_NaN()), 3.0);
  EXPECT_EQ(numbers.fetch_min(0, 1.0), 3.0);
  EXPECT_EQ(numbers.fetch_min(0, 2.0), 1.0);
}

TEST(cluster_shared_numbers, concurrent_takers_share_out_every_item_once) {
  cluster::shared_numbers numbers(1, 0);
  constexpr std::uint64_t k_items = 10000;
  std::vector<std::vector<std::uint64_t>> taken(4);
  {
    std::vector<std::jthread> threads;
    for (auto& mine : taken) {
      threads.emplace_back([&] {
        for (std::uint64_t i; (i = numbers.fetch_add(0, 1)) < k_items;) mine.push_back(i);
      });
    }
  }
  std::vector<bool> seen(k_items);
  for (const auto& mine : taken) {
    for (auto i : mine) {
      EXPECT_FALSE(seen[i]);
      seen[i] = true;
    }
  }
  EXPECT_EQ(std::count(seen.begin(), seen.end(), true), static_cast<long>(k_items));
}
