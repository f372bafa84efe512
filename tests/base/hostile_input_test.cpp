// The base layer's defences against files and text from others: the JSON
// depth limit, the loader that refuses links and FIFOs, and the removal of
// partial files whose writer died.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <string>

#include "base/atomic_file.hpp"
#include "base/error.hpp"
#include "base/regular_file.hpp"
#include "base/untrusted_json.hpp"

namespace fs = std::filesystem;
using namespace eisgrid;

namespace {

struct temp_root {
  fs::path dir = fs::temp_directory_path() / ("eisgrid_hostile_" + std::to_string(::getpid()));
  temp_root() {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~temp_root() { fs::remove_all(dir); }
};

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

error_kind kind_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const error& e) {
    return e.kind();
  }
  return error_kind::internal;
}

}  // namespace

TEST(base_hostile_input, json_deeper_than_the_limit_is_refused_before_parsing) {
  EXPECT_EQ(json_nesting_depth(nested(k_max_json_depth)), k_max_json_depth);
  EXPECT_NO_THROW((void)parse_untrusted_json(nested(k_max_json_depth)));
  for (const std::size_t depth : {k_max_json_depth + 1, std::size_t{100'000}}) {
    try {
      (void)parse_untrusted_json(nested(depth));
      FAIL() << depth;
    } catch (const error& e) {
      EXPECT_EQ(e.kind(), error_kind::invalid_input);
      EXPECT_NE(std::string(e.what()).find("nested deeper than 64"), std::string::npos) << e.what();
    }
  }
  // Brackets inside strings, escaped quotes included, are not nesting.
  const std::string in_strings = R"({"a": "[[[[\"[[[[", "b": ["{{{{"]})";
  EXPECT_EQ(json_nesting_depth(in_strings), 2u);
  EXPECT_EQ(parse_untrusted_json(in_strings)["b"][0], "{{{{");
  EXPECT_EQ(kind_of([] { (void)parse_untrusted_json("{\"a\": "); }), error_kind::invalid_input);
}

TEST(base_hostile_input, the_loader_refuses_links_fifos_and_directories) {
  temp_root root;
  std::ofstream(root.dir / "file.npz") << "x";
  fs::create_symlink(root.dir / "file.npz", root.dir / "link.npz");
  ASSERT_EQ(::mkfifo((root.dir / "fifo.npz").c_str(), 0644), 0);
  fs::create_directory(root.dir / "dir.npz");
  EXPECT_EQ(open_regular_file(root.dir / "file.npz", "file.npz").info.st_size, 1);
  EXPECT_EQ(kind_of([&] { (void)open_regular_file(root.dir / "link.npz", "link.npz"); }), error_kind::invalid_input);
  // Opening a FIFO without a writer would block for ever without O_NONBLOCK.
  EXPECT_EQ(kind_of([&] { (void)open_regular_file(root.dir / "fifo.npz", "fifo.npz"); }), error_kind::invalid_input);
  EXPECT_EQ(kind_of([&] { (void)open_regular_file(root.dir / "dir.npz", "dir.npz"); }), error_kind::invalid_input);
  EXPECT_EQ(kind_of([&] { (void)open_regular_file(root.dir / "none.npz", "none.npz"); }), error_kind::not_found);
}

TEST(base_hostile_input, stale_temp_files_go_and_a_live_writers_stay) {
  temp_root root;
  const auto temp = root.dir / "temp";
  const auto old = fs::file_time_type::clock::now() - std::chrono::hours(1);
  atomic_file live(temp, root.dir / "live.npz");
  live.write(std::as_bytes(std::span("partial", 7)));
  fs::last_write_time(live.temp_path(), old);
  const auto dead = temp / "dead.npz.000000000000.part";
  std::ofstream(dead) << "partial";
  fs::last_write_time(dead, old);
  const auto young = temp / "young.npz.000000000000.part";
  std::ofstream(young) << "partial";
  fs::create_symlink(dead, temp / "link.npz.000000000000.part");
  fs::last_write_time(temp / "link.npz.000000000000.part", old);

  EXPECT_EQ(remove_stale_temp_files(temp), 1u);
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(live.temp_path()));  // its writer holds the lock
  EXPECT_TRUE(fs::exists(young));             // may not be locked yet
  EXPECT_TRUE(fs::is_symlink(temp / "link.npz.000000000000.part"));
  live.commit();
  EXPECT_TRUE(fs::exists(root.dir / "live.npz"));
  EXPECT_EQ(remove_stale_temp_files(root.dir / "missing"), 0u);
}
