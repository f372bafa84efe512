// Bad input: each case gets one clear message naming the file, the line and
// the cause, and the right error kind; never a crash or a guess.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "base/error.hpp"
#include "measured/read.hpp"
#include "measured/text.hpp"
#include "support/process.hpp"

using namespace eisgrid;

namespace {

const std::filesystem::path k_measured = std::filesystem::path(EISGRID_FIXTURES_DIR) / "measured";

struct failure {
  error_kind kind = error_kind::internal;
  std::string message;
};

failure fail_text(const std::string& name, const std::string& text, std::optional<measured::format> forced = {}) {
  try {
    (void)measured::read_measurement_text(name, text, forced);
  } catch (const error& e) {
    return {e.kind(), e.what()};
  }
  ADD_FAILURE() << "read without an error: " << name;
  return {};
}

failure fail_path(const std::filesystem::path& path) {
  try {
    (void)measured::read_measurement(path);
  } catch (const error& e) {
    return {e.kind(), e.what()};
  }
  ADD_FAILURE() << "read without an error: " << path;
  return {};
}

std::string fixture(const std::string& relative) {
  std::ifstream in(k_measured / relative, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

#define EXPECT_HAS(haystack, needle) EXPECT_NE((haystack).find(needle), std::string::npos) << (haystack)

}  // namespace

TEST(measured_bad_input, missing_file_is_not_found) {
  const auto f = fail_path("/nonexistent/dir/spectrum.csv");
  EXPECT_EQ(f.kind, error_kind::not_found);
  EXPECT_EQ(f.message, "file 'spectrum.csv': no such file");
}

TEST(measured_bad_input, directories_and_fifos_are_not_regular_files) {
  test_support::temp_dir dir("measured");
  EXPECT_HAS(fail_path(dir.path).message, "not a regular file");
  const auto fifo = dir.path / "spectrum.csv";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_HAS(fail_path(fifo).message, "file 'spectrum.csv': not a regular file");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST(measured_bad_input, binary_content_is_refused) {
  const std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10", 24);
  const auto f = fail_text("plot.csv", png);
  EXPECT_EQ(f.kind, error_kind::invalid_input);
  EXPECT_HAS(f.message, "file 'plot.csv': binary content (a NUL byte at offset 8)");
  std::string controls(4000, '\x01');
  EXPECT_HAS(fail_text("x.mpt", "EC-Lab ASCII FILE\n" + controls).message, "binary content");
}

TEST(measured_bad_input, truncated_files_name_the_line) {
  // A CSV cut in the middle of a row.
  EXPECT_HAS(fail_text("cut.csv", "f,re,im\n1,2,-3\n2,2").message,
             "file 'cut.csv' line 3: 2 fields where the header has 3: a value is missing, or the file is truncated");
  // A Gamry file cut in the middle of its ZCURVE table.
  const std::string gamry = fixture("formats/exampleDataGamry.DTA");
  const std::size_t table = gamry.find("ZCURVE\tTABLE");
  std::size_t cut = table;
  for (int line = 0; line < 3 + 5; ++line) cut = gamry.find('\n', cut) + 1;
  const auto f = fail_text("cut.DTA", gamry.substr(0, cut + 20));
  EXPECT_HAS(f.message, "file 'cut.DTA' line 454: ");
  EXPECT_HAS(f.message, "truncated");
  // A NOVA file cut after its header.
  EXPECT_HAS(fail_text("cut", "9/23/2024\r\nTime (s)\tFrequency (Hz)\tZ' (\xCE\xA9)\t-Z'' (\xCE\xA9)\r\n").message,
             "file 'cut' line 2: a header but no data rows below it");
}

TEST(measured_bad_input, a_header_that_contradicts_the_data) {
  EXPECT_HAS(fail_text("a.csv", "freq_kHz,re,im\n1e5,1,-1\n").message, "file 'a.csv' line 2: frequency 1e5 kHz");
  EXPECT_HAS(fail_text("b.csv", "freq,Z',-Z''\n1,100,-50\n10,80,-30\n100,60,-10\n").message,
             "file 'b.csv' line 1: column '-Z''' holds -Z'' by its header");
}

TEST(measured_bad_input, missing_and_non_numeric_fields) {
  EXPECT_HAS(fail_text("m.csv", "f,re,im\n1,2,-3\n2,,-3\n").message, "file 'm.csv' line 3: 3 fields, but column 're' is field 2");
  EXPECT_HAS(fail_text("m.csv", "f,re,im\n1,2,-3\n2,abc,-3\n").message,
             "file 'm.csv' line 3: field 2 ('abc', column 're') is not a number");
  EXPECT_HAS(fail_text("m.csv", "1,2,-3\n2,3\n").message,
             "line 2: 2 fields where the header has 3: a value is missing, or the file is truncated");
}

TEST(measured_bad_input, nan_and_infinities) {
  EXPECT_HAS(fail_text("n.csv", "1,2,-3\n2,nan,-3\n").message,
             "file 'n.csv' line 2: field 2 ('nan', column 'column 2 (Z')') is not a finite number");
  EXPECT_HAS(fail_text("n.csv", "f,re,im\n1,2,-3\n2,3,-inf\n").message, "line 3: field 3 ('-inf', column 'im') is not a finite number");
  EXPECT_HAS(fail_text("n.csv", "f,re,im\nNaN,2,-3\n").message, "line 2: field 1 ('NaN', column 'f') is not a finite number");
}

TEST(measured_bad_input, zero_and_negative_frequencies) {
  EXPECT_HAS(fail_text("z.csv", "f,re,im\n0,2,-3\n").message,
             "file 'z.csv' line 2: frequency 0 Hz (column 'f'): frequencies must be positive");
  EXPECT_HAS(fail_text("z.csv", "1,2,-3\n-5,2,-3\n").message, "line 2: frequency -5 Hz");
}

TEST(measured_bad_input, empty_files_and_headers_without_rows) {
  EXPECT_HAS(fail_text("e.csv", "").message, "file 'e.csv': no data rows");
  EXPECT_HAS(fail_text("e.csv", "\n\n# nothing\n").message, "file 'e.csv': no data rows");
  EXPECT_HAS(fail_text("h.csv", "freq,re,im\n").message, "file 'h.csv' line 1: a header but no data rows");
  EXPECT_HAS(fail_text("g.DTA", "EXPLAIN\nTAG\tEISPOT\n").message, "file 'g.DTA': no ZCURVE table");
}

TEST(measured_bad_input, ten_million_rows_are_too_large_quickly) {
  const std::string row = "1,1,-1\n";
  std::string text;
  text.reserve(row.size() * 10'000'000);
  for (int i = 0; i < 10'000'000; ++i) text += row;
  const auto started = std::chrono::steady_clock::now();
  const auto f = fail_text("huge.csv", text);
  EXPECT_EQ(f.kind, error_kind::too_large);
  EXPECT_HAS(f.message, "file 'huge.csv' line " + std::to_string(measured::k_max_rows + 1) + ": more than");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

TEST(measured_bad_input, files_over_the_size_limit_are_refused_before_reading) {
  test_support::temp_dir dir("measured");
  const auto path = dir.path / "huge.csv";
  { std::ofstream(path) << "f,re,im\n"; }
  // Sparse: no disk space is used, and nothing should be read.
  std::filesystem::resize_file(path, measured::k_max_file_bytes + 1);
  const auto f = fail_path(path);
  EXPECT_EQ(f.kind, error_kind::too_large);
  EXPECT_HAS(f.message, "file 'huge.csv': " + std::to_string(measured::k_max_file_bytes + 1) + " bytes, more than");
}

TEST(measured_bad_input, too_many_sweeps) {
  std::string text;
  for (std::size_t i = 0; i <= measured::k_max_sweeps; ++i) text += "f,re,im\n1,2,-3\n";
  const auto f = fail_text("many.csv", text);
  EXPECT_EQ(f.kind, error_kind::too_large);
  EXPECT_HAS(f.message, "more than " + std::to_string(measured::k_max_sweeps) + " sweeps");
}

TEST(measured_bad_input, forcing_a_format_that_does_not_fit) {
  EXPECT_HAS(fail_text("x.csv", "f,re,im\n1,2,-3\n", measured::format::gamry).message, "file 'x.csv': no ZCURVE table");
  EXPECT_HAS(fail_text("x.csv", "f,re,im\n1,2,-3\n", measured::format::zplot).message, "no 'End Comments' line");
  EXPECT_HAS(fail_text("x.csv", "f,re,im\n1,2,-3\n", measured::format::versastudio).message, "no segment with frequency");
}

TEST(measured_bad_input, utf16_exports_are_read) {
  const std::string utf8 = "f,re,im\n1,2,-3\n10,1.5,-2\n";
  std::string utf16 = "\xFF\xFE";
  for (char c : utf8) {
    utf16 += c;
    utf16 += '\0';
  }
  const auto m = measured::read_measurement_text("excel.csv", utf16);
  ASSERT_EQ(m.sweeps.size(), 1u);
  EXPECT_EQ(m.sweeps[0].z[1], std::complex<double>(1.5, -2));
}
