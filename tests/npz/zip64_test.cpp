// Archives past 4 GiB: a member too large for 32-bit sizes and a member whose
// offset is past 4 GiB, streamed through data_source without ever holding the
// big array in memory. Labelled "long" (about a minute and ~5 GB of disk).

#include <gtest/gtest.h>

#include <regex>

#include "npz/reader.hpp"
#include "npz/writer.hpp"
#include "npz_test_support.hpp"

namespace eisgrid::npz {
namespace {

using testing::scratch_dir;

// 4.4 GB of uint32: past both the 4 GiB ZIP limit and any 32-bit element count bug.
constexpr std::uint64_t k_elements = 1'100'000'000;
constexpr std::size_t k_piece_elements = std::size_t{1} << 21;  // 8 MiB per sink call

std::uint32_t pattern(std::uint64_t i, bool compressible) {
  return compressible ? static_cast<std::uint32_t>(i % 1000) : static_cast<std::uint32_t>(i * 2654435761U);
}

void write_big(const std::filesystem::path& path, compression method) {
  write_options options;
  options.method = method;
  const bool compressible = method == compression::deflate;
  testing::write_npz(path, options, [&](writer& w) {
    w.add("before", make_array<std::int64_t>(std::vector<std::int64_t>{-1, -2}, {2}));
    w.add("big", {dtype_of<std::uint32_t>(), {k_elements}}, data_source([&](const std::function<void(std::span<const std::byte>)>& sink) {
            std::vector<std::uint32_t> piece(k_piece_elements);
            for (std::uint64_t first = 0; first < k_elements; first += piece.size()) {
              const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(piece.size(), k_elements - first));
              for (std::size_t i = 0; i < n; ++i) piece[i] = pattern(first + i, compressible);
              sink(std::as_bytes(std::span(piece).first(n)));
            }
          }));
    w.add("after", make_array<std::int64_t>(std::vector<std::int64_t>{7, 8, 9}, {3}));
  });
}

void check_big(const scratch_dir& dir, const std::filesystem::path& path, compression method) {
  const bool compressible = method == compression::deflate;
  ASSERT_GT(std::filesystem::file_size(path), method == compression::stored ? (std::uint64_t{1} << 32) : 0);

  const reader r = reader::open(path);
  ASSERT_EQ(r.members().size(), 3U);
  EXPECT_EQ(r.members()[1].uncompressed_size, k_elements * 4 + 128);
  EXPECT_EQ(r.header("big").shape, std::vector<std::uint64_t>{k_elements});
  EXPECT_EQ(r.read("after").as<std::int64_t>()[2], 9);  // its local header is past 4 GiB
  {
    const array big = r.read("big");  // CRC-checked over all 4.4 GB
    const auto v = big.as<std::uint32_t>();
    ASSERT_EQ(v.size(), k_elements);
    for (std::uint64_t i : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{1} << 30, (std::uint64_t{1} << 32) / 4 + 5, k_elements - 1}) {
      EXPECT_EQ(v[i], pattern(i, compressible)) << i;
    }
  }

  const auto result = testing::run_python(dir, R"py(
import sys, numpy as np
n, compressible = int(sys.argv[2]), sys.argv[3] == '1'
with np.load(sys.argv[1]) as d:
    big = d['big']
    assert big.dtype == np.uint32 and big.shape == (n,), (big.dtype, big.shape)
    idx = np.array([0, 1, 2**30, 2**32 // 4 + 5, n // 2, n - 1], dtype=np.uint64)
    want = idx % 1000 if compressible else (idx * np.uint64(2654435761)) % np.uint64(2**32)
    assert (big[idx.astype(np.int64)] == want.astype(np.uint32)).all()
    assert list(d['before']) == [-1, -2] and list(d['after']) == [7, 8, 9]
print('ok')
)py",
                                          {path.string(), std::to_string(k_elements), compressible ? "1" : "0"});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output, "ok\n");

  // Info-ZIP's unzip, a reader independent of ours and of Python's, on the
  // ZIP64 records: its listing takes the big member's 64-bit sizes from the
  // central directory, and it tests the members around it, the last one at its
  // offset past 4 GiB. numpy above has CRC-checked the big member's 4.4 GB
  // already; unzip inflating them a third time took about 20 s and proved nothing more.
  const auto listing = testing::run_command("unzip -v '" + path.string() + "'");
  EXPECT_EQ(listing.exit_code, 0) << listing.output;
  const std::regex big_line("\\n *" + std::to_string(k_elements * 4 + 128) + (compressible ? " +Defl:" : " +Stored +") +
                            "[^\\n]* big\\.npy\\n");
  EXPECT_TRUE(std::regex_search(listing.output, big_line)) << listing.output;
  const auto unzip = testing::run_command("unzip -t '" + path.string() + "' before.npy after.npy");
  EXPECT_EQ(unzip.exit_code, 0) << unzip.output;
  EXPECT_TRUE(std::regex_search(unzip.output, std::regex("testing: before\\.npy +OK\\n"))) << unzip.output;
  EXPECT_TRUE(std::regex_search(unzip.output, std::regex("testing: after\\.npy +OK\\n"))) << unzip.output;
  EXPECT_NE(unzip.output.find("No errors detected in " + path.string() + " for the 2 files tested."), std::string::npos) << unzip.output;
}

TEST(npz_zip64, stored_member_over_4_gib_streams_and_loads_in_numpy) {
  scratch_dir dir;
  write_big(dir / "big.npz", compression::stored);
  check_big(dir, dir / "big.npz", compression::stored);
  std::filesystem::remove(dir / "big.npz");
}

TEST(npz_zip64, deflated_member_over_4_gib_loads_in_numpy) {
  scratch_dir dir;
  write_big(dir / "big.npz", compression::deflate);
  check_big(dir, dir / "big.npz", compression::deflate);
  std::filesystem::remove(dir / "big.npz");
}

}  // namespace
}  // namespace eisgrid::npz
