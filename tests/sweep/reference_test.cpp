#include "sweep/reference.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "base/error.hpp"

using namespace eisgrid;

namespace {

std::filesystem::path write_csv(const std::string& body) {
  static int counter = 0;
  const auto path =
      std::filesystem::temp_directory_path() / ("eisgrid_ref_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".csv");
  std::ofstream(path) << body;
  return path;
}

std::string error_of(const std::string& body) {
  const auto path = write_csv(body);
  try {
    (void)sweep::read_reference_csv(path);
  } catch (const error& e) {
    std::filesystem::remove(path);
    EXPECT_EQ(e.kind(), error_kind::invalid_input);
    return e.what();
  }
  std::filesystem::remove(path);
  return "";
}

}  // namespace

TEST(reference_csv, reads_sorts_and_skips_comments_and_header) {
  const auto path = write_csv("# measured on bench 3\nfreq,re,im\n100, 50.5, -20\n\n1;2;3\n10\t60\t-5.5\n");
  const auto ref = sweep::read_reference_csv(path);
  std::filesystem::remove(path);
  ASSERT_EQ(ref.frequencies, (std::vector<double>{1, 10, 100}));
  EXPECT_EQ(ref.z[0], std::complex<double>(2, 3));
  EXPECT_EQ(ref.z[2], std::complex<double>(50.5, -20));
  EXPECT_FALSE(ref.params);
}

TEST(reference_csv, bad_rows_name_their_line) {
  EXPECT_NE(error_of("1,2,3\n2,x,3\n").find("line 2: not a number"), std::string::npos);
  EXPECT_NE(error_of("1,2,3\n2,3\n").find("line 2: expected 3 columns"), std::string::npos);
  EXPECT_NE(error_of("1,2,3\n-2,3,4\n").find("line 2: frequency must be positive"), std::string::npos);
  EXPECT_NE(error_of("1,2,3\n2,inf,4\n").find("line 2: impedance must be finite"), std::string::npos);
  EXPECT_NE(error_of("1,2,3\n1,3,4\n").find("repeats line 1"), std::string::npos);
  EXPECT_NE(error_of("1,2,3\n").find("at least 2 data rows"), std::string::npos);
  EXPECT_NE(error_of("").find("at least 2 data rows"), std::string::npos);
  EXPECT_NE(error_of("1,2,3,4\n").find("expected 3 columns"), std::string::npos);
}

TEST(reference_csv, missing_file_is_not_found) {
  try {
    (void)sweep::read_reference_csv("/nonexistent/eisgrid.csv");
    FAIL();
  } catch (const error& e) {
    EXPECT_EQ(e.kind(), error_kind::not_found);
  }
}

TEST(model_reference, computes_the_model_spectrum) {
  const auto ref = sweep::model_reference(model::k_default_reference, {1.0, 10.0});
  EXPECT_NEAR(ref.z[0].real(), 3121.44011, 1e-4);
  EXPECT_THROW((void)sweep::model_reference({0, 1, 1, 1, 1}, {1.0, 2.0}), error);
}
