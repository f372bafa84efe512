#include "npz/writer.hpp"

#include <gtest/gtest.h>

#include "base/error.hpp"
#include "npz/reader.hpp"
#include "npz_test_support.hpp"

namespace eisgrid::npz {
namespace {

using testing::run_command;
using testing::run_python;
using testing::scratch_dir;
using testing::write_npz;

// Arrays whose values follow formulas that check_npz.py recomputes with numpy.
std::vector<std::pair<std::string, array>> pattern_arrays(std::size_t rows) {
  const std::size_t n = rows * 5;
  std::vector<float> f32(n);
  std::vector<double> f64(rows);
  std::vector<std::int32_t> i32(rows);
  std::vector<std::int64_t> i64(rows);
  std::vector<std::uint8_t> u8(rows);
  std::vector<std::uint32_t> u32(rows);
  std::vector<std::uint64_t> u64(rows);
  for (std::size_t i = 0; i < n; ++i) f32[i] = static_cast<float>(i % 1000) * 0.25F - 100.0F;
  for (std::size_t i = 0; i < rows; ++i) {
    f64[i] = static_cast<double>(i) * 0.5;
    i32[i] = static_cast<std::int32_t>(i * 7) - 1000;
    i64[i] = static_cast<std::int64_t>(i) * 1'000'003 - 500'000'000'000;
    u8[i] = static_cast<std::uint8_t>(i % 251);
    u32[i] = static_cast<std::uint32_t>(i * 2654435761U);
    u64[i] = i * 0x9E3779B97F4A7C15ULL;
  }
  std::vector<std::pair<std::string, array>> out;
  out.emplace_back("parameters", make_array<float>(f32, {rows, 5}));
  out.emplace_back("f64", make_array<double>(f64, {rows}));
  out.emplace_back("i32", make_array<std::int32_t>(i32, {rows}));
  out.emplace_back("i64", make_array<std::int64_t>(i64, {rows}));
  out.emplace_back("u8", make_array<std::uint8_t>(u8, {rows}));
  out.emplace_back("u32", make_array<std::uint32_t>(u32, {rows}));
  out.emplace_back("u64", make_array<std::uint64_t>(u64, {rows}));
  array flags;
  flags.header = {{dtype_kind::boolean, 0}, {rows}};
  for (std::size_t i = 0; i < rows; ++i) flags.data.push_back(std::byte{i % 3 == 0 ? std::uint8_t{1} : std::uint8_t{0}});
  out.emplace_back("flags", std::move(flags));
  out.emplace_back("metadata", make_unicode_scalar("{\"grid_size\": 5, \"note\": \"h\xc3\xa9llo \xe2\x98\x83\"}"));
  out.emplace_back("empty", make_array<float>(std::vector<float>{}, {0, 4}));
  return out;
}

constexpr const char* k_check_script = R"(
import sys, json, zipfile, numpy as np
path, rows, method = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
n = rows * 5
i = np.arange(rows, dtype=np.int64)
u = np.arange(rows, dtype=np.uint64)
expected = {
    'parameters': (np.arange(n) % 1000).astype(np.float32).reshape(rows, 5) * np.float32(0.25) - np.float32(100),
    'f64': np.arange(rows, dtype=np.float64) * 0.5,
    'i32': (i * 7 - 1000).astype(np.int32),
    'i64': i * 1000003 - 500000000000,
    'u8': (i % 251).astype(np.uint8),
    'u32': (u * np.uint64(2654435761) % np.uint64(2**32)).astype(np.uint32),
    'u64': u * np.uint64(0x9E3779B97F4A7C15),
    'flags': i % 3 == 0,
    'metadata': np.array('{"grid_size": 5, "note": "h\u00e9llo \u2603"}'),
    'empty': np.zeros((0, 4), dtype=np.float32),
}
with np.load(path) as d:  # no allow_pickle
    assert sorted(d.files) == sorted(expected), d.files
    for name, want in expected.items():
        got = d[name]
        assert got.dtype == want.dtype, (name, got.dtype, want.dtype)
        assert got.shape == want.shape, (name, got.shape, want.shape)
        assert np.array_equal(got, want), name
    assert json.loads(d['metadata'].item())['note'] == 'h\u00e9llo \u2603'
for info in zipfile.ZipFile(path).infolist():
    assert info.compress_type == method, (info.filename, info.compress_type)
print('ok')
)";

void expect_numpy_reads(const scratch_dir& dir, const std::filesystem::path& path, std::size_t rows, int method) {
  const auto result = run_python(dir, k_check_script, {path.string(), std::to_string(rows), std::to_string(method)});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output, "ok\n");
  const auto unzip = run_command("unzip -t '" + path.string() + "'");
  EXPECT_EQ(unzip.exit_code, 0) << unzip.output;
  EXPECT_NE(unzip.output.find("No errors detected"), std::string::npos) << unzip.output;
}

void write_patterns(const std::filesystem::path& path, const write_options& options, std::size_t rows) {
  write_npz(path, options, [&](writer& w) {
    for (const auto& [name, a] : pattern_arrays(rows)) w.add(name, a);
  });
}

TEST(npz_writer, deflated_archive_loads_in_numpy) {
  scratch_dir dir;
  write_patterns(dir / "d.npz", {}, 20000);
  expect_numpy_reads(dir, dir / "d.npz", 20000, 8);
}

TEST(npz_writer, stored_archive_loads_in_numpy) {
  scratch_dir dir;
  write_options options;
  options.method = compression::stored;
  write_patterns(dir / "s.npz", options, 20000);
  expect_numpy_reads(dir, dir / "s.npz", 20000, 0);
}

TEST(npz_writer, many_small_parallel_chunks_load_in_numpy) {
  scratch_dir dir;
  write_options options;
  options.chunk_bytes = 1024;  // the parameters member has ~9800 chunks: the table merges pairs
  options.threads = 4;
  write_patterns(dir / "c.npz", options, 500000);
  expect_numpy_reads(dir, dir / "c.npz", 500000, 8);
  const reader r = reader::open(dir / "c.npz");
  for (const auto& [name, a] : pattern_arrays(500000)) {
    EXPECT_EQ(r.read(name).data, a.data) << name;
  }
}

TEST(npz_writer, every_level_loads_in_numpy) {
  for (int level = 0; level <= 3; ++level) {
    scratch_dir dir;
    write_options options;
    options.level = level;
    options.chunk_bytes = 4096;
    write_patterns(dir / "l.npz", options, 3000);
    expect_numpy_reads(dir, dir / "l.npz", 3000, 8);
  }
}

TEST(npz_writer, data_source_streams_in_odd_pieces) {
  for (compression method : {compression::deflate, compression::stored}) {
    scratch_dir dir;
    write_options options;
    options.method = method;
    options.chunk_bytes = 65536;
    const auto arrays = pattern_arrays(100000);
    write_npz(dir / "src.npz", options, [&](writer& w) {
      for (const auto& entry : arrays) {
        const array& a = entry.second;
        w.add(entry.first, a.header, data_source([&a](const std::function<void(std::span<const std::byte>)>& sink) {
                std::span<const std::byte> rest = a.data;
                for (std::size_t piece = 1; !rest.empty(); piece = piece * 3 + 1) {
                  const std::size_t n = std::min(rest.size(), piece % 100000);
                  sink(rest.first(n));
                  rest = rest.subspan(n);
                }
              }));
      }
    });
    expect_numpy_reads(dir, dir / "src.npz", 100000, method == compression::deflate ? 8 : 0);
  }
}

TEST(npz_writer, output_is_deterministic_and_reads_back) {
  scratch_dir dir;
  write_patterns(dir / "a.npz", {}, 5000);
  write_options two_threads;
  two_threads.threads = 2;
  write_patterns(dir / "b.npz", two_threads, 5000);
  EXPECT_EQ(testing::read_bytes(dir / "a.npz"), testing::read_bytes(dir / "b.npz"));
  const reader r = reader::open(dir / "a.npz");
  const auto arrays = pattern_arrays(5000);
  ASSERT_EQ(r.members().size(), arrays.size());
  for (std::size_t i = 0; i < arrays.size(); ++i) {
    EXPECT_EQ(r.members()[i].name, arrays[i].first);
    EXPECT_TRUE(r.members()[i].deflated);
    const array a = r.read(arrays[i].first);
    EXPECT_EQ(a.header.type, arrays[i].second.header.type);
    EXPECT_EQ(a.header.shape, arrays[i].second.header.shape);
    EXPECT_EQ(a.data, arrays[i].second.data);
    EXPECT_EQ(r.header(arrays[i].first).shape, arrays[i].second.header.shape);
  }
}

error_kind add_error(writer& w, std::string_view name, const array_header& header, std::span<const std::byte> data) {
  try {
    w.add(name, header, data);
  } catch (const error& e) {
    return e.kind();
  }
  return error_kind::internal;
}

TEST(npz_writer, rejects_misuse_with_usage_errors) {
  scratch_dir dir;
  unique_fd fd(::open((dir / "u.npz").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644));
  writer w(fd.get(), "u.npz");
  const array a = make_array<float>(std::vector<float>{1, 2, 3}, {3});
  w.add("a", a);
  EXPECT_EQ(add_error(w, "a", a.header, a.data), error_kind::usage);                  // duplicate
  EXPECT_EQ(add_error(w, "b", {dtype_of<float>(), {4}}, a.data), error_kind::usage);  // size mismatch
  EXPECT_EQ(add_error(w, "o", {{dtype_kind::object, 0}, {}}, {}), error_kind::usage);
  for (const std::string& bad : std::vector<std::string>{"", "a/b", "..\\x", std::string("a\0b", 3), "\xff", std::string(300, 'x')}) {
    EXPECT_EQ(add_error(w, bad, a.header, a.data), error_kind::usage) << bad;
  }
  // A source that produces too little: nothing was written yet for deflate, so
  // the writer stays usable.
  EXPECT_THROW(w.add("short", a.header, data_source([](const auto& sink) { sink(std::span<const std::byte>{}); })), error);
  w.add("c", a);
  w.finish();
  EXPECT_EQ(add_error(w, "d", a.header, a.data), error_kind::usage);
  EXPECT_THROW(w.finish(), error);
  const reader r = reader::open(dir / "u.npz");
  EXPECT_EQ(r.members().size(), 2U);
}

TEST(npz_writer, stored_source_of_wrong_length_breaks_the_archive) {
  scratch_dir dir;
  unique_fd fd(::open((dir / "w.npz").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644));
  write_options options;
  options.method = compression::stored;
  writer w(fd.get(), "w.npz", options);
  const array a = make_array<double>(std::vector<double>{1, 2, 3, 4}, {4});
  const auto too_long = [&](const std::function<void(std::span<const std::byte>)>& sink) {
    sink(a.data);
    sink(a.data);
  };
  EXPECT_THROW(w.add("long", a.header, data_source(too_long)), error);
  // Half a member is on disk: finishing would produce a corrupt archive.
  try {
    w.finish();
    FAIL() << "finished a broken archive";
  } catch (const error& e) {
    EXPECT_EQ(e.kind(), error_kind::usage);
  }
}

TEST(npz_writer, rejects_bad_options) {
  write_options bad_level;
  bad_level.level = 4;
  EXPECT_THROW(writer(1, "x", bad_level), error);
  write_options bad_chunk;
  bad_chunk.chunk_bytes = 10;
  EXPECT_THROW(writer(1, "x", bad_chunk), error);
}

}  // namespace
}  // namespace eisgrid::npz
