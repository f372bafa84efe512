#include "dataset/naming.hpp"

#include <gtest/gtest.h>

#include "base/error.hpp"

using namespace eisgrid::dataset;

TEST(dataset_naming, default_names_use_shortest_plain_numbers) {
  const auto grid = eisgrid::model::grid_spec::defaults(5);
  EXPECT_EQ(default_file_name(grid, 0.1, 100000), "grid_5_freq_0.1_100000.npz");
  EXPECT_EQ(default_file_name(grid, 1e-4, 1e7), "grid_5_freq_0.0001_10000000.npz");
  auto uneven = grid;
  uneven.axes[0].count = 6;
  EXPECT_EQ(default_file_name(uneven, 1, 10), "grid_6x5x5x5x5_freq_1_10.npz");
}

TEST(dataset_naming, hostile_names_are_refused) {
  for (const char* bad : {"../x.npz", "a/b.npz", ".npz", ".hidden.npz", "x.npy", "x y.npz", "x;rm.npz", "x'.npz", "caf\xc3\xa9.npz",
                          "x\\y.npz", "", "x.npz\n"}) {
    EXPECT_FALSE(file_name_problem(bad).empty()) << bad;
    EXPECT_THROW(check_file_name(bad), eisgrid::error) << bad;
  }
  EXPECT_FALSE(file_name_problem(std::string(300, 'a') + ".npz").empty());
  EXPECT_TRUE(file_name_problem("my-run_2.v1.npz").empty());
}
