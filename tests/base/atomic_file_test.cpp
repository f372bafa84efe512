#include "base/atomic_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>

#include "base/error.hpp"
#include "base/syscalls.hpp"

namespace fs = std::filesystem;
using eisgrid::atomic_file;

namespace {

struct temp_root {
  fs::path dir = fs::temp_directory_path() / ("eisgrid_atomic_" + std::to_string(::getpid()));
  temp_root() { fs::create_directories(dir); }
  ~temp_root() { fs::remove_all(dir); }
};

std::span<const std::byte> bytes(const std::string& s) { return std::as_bytes(std::span(s.data(), s.size())); }

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

bool empty_dir(const fs::path& p) { return !fs::exists(p) || fs::is_empty(p); }

}  // namespace

TEST(atomic_file, appears_only_on_commit) {
  temp_root root;
  const auto final_path = root.dir / "final" / "a.npz";
  {
    atomic_file f(root.dir / "temp", final_path);
    f.write(bytes("hello"));
    EXPECT_FALSE(fs::exists(final_path));
    EXPECT_TRUE(fs::exists(f.temp_path()));
    f.commit();
  }
  EXPECT_EQ(slurp(final_path), "hello");
  EXPECT_TRUE(empty_dir(root.dir / "temp"));
}

TEST(atomic_file, abandoned_file_leaves_nothing) {
  temp_root root;
  {
    atomic_file f(root.dir / "temp", root.dir / "final" / "a.npz");
    f.write(bytes("partial"));
  }
  EXPECT_FALSE(fs::exists(root.dir / "final" / "a.npz"));
  EXPECT_TRUE(empty_dir(root.dir / "temp"));
}

TEST(atomic_file, never_replaces_unless_asked) {
  temp_root root;
  const auto final_path = root.dir / "a.npz";
  std::ofstream(final_path) << "original";
  {
    atomic_file f(root.dir / "temp", final_path);
    f.write(bytes("new"));
    EXPECT_THROW(f.commit(), eisgrid::error);
  }
  EXPECT_EQ(slurp(final_path), "original");
  {
    atomic_file f(root.dir / "temp", final_path);
    f.write(bytes("new"));
    f.commit(true);
  }
  EXPECT_EQ(slurp(final_path), "new");
}

TEST(atomic_file, short_writes_and_eintr_are_retried) {
  temp_root root;
  static int calls = 0;
  calls = 0;
  auto table = eisgrid::sys::real_calls();
  table.write = [](int fd, const void* buf, std::size_t n) -> ssize_t {
    if (++calls % 3 == 0) {
      errno = EINTR;
      return -1;
    }
    return eisgrid::sys::real_calls().write(fd, buf, n > 2 ? 2 : n);
  };
  eisgrid::sys::scoped_syscalls scoped(table);
  atomic_file f(root.dir / "temp", root.dir / "b.txt");
  f.write(bytes("0123456789abcdef"));
  f.commit();
  EXPECT_EQ(slurp(root.dir / "b.txt"), "0123456789abcdef");
  EXPECT_GT(calls, 8);
}

TEST(atomic_file, disk_full_throws_and_leaves_nothing) {
  temp_root root;
  auto table = eisgrid::sys::real_calls();
  table.write = [](int, const void*, std::size_t) -> ssize_t {
    errno = ENOSPC;
    return -1;
  };
  {
    eisgrid::sys::scoped_syscalls scoped(table);
    atomic_file f(root.dir / "temp", root.dir / "c.txt");
    try {
      f.write(bytes("data"));
      FAIL() << "expected ENOSPC";
    } catch (const eisgrid::error& e) {
      EXPECT_EQ(e.kind(), eisgrid::error_kind::io);
      EXPECT_NE(std::string(e.what()).find("No space left"), std::string::npos) << e.what();
    }
  }
  EXPECT_FALSE(fs::exists(root.dir / "c.txt"));
  EXPECT_TRUE(empty_dir(root.dir / "temp"));
}

TEST(atomic_file, failed_fsync_keeps_the_old_file) {
  temp_root root;
  const auto final_path = root.dir / "d.txt";
  std::ofstream(final_path) << "old";
  auto table = eisgrid::sys::real_calls();
  table.fsync = [](int) {
    errno = EIO;
    return -1;
  };
  {
    eisgrid::sys::scoped_syscalls scoped(table);
    atomic_file f(root.dir / "temp", final_path);
    f.write(bytes("new"));
    EXPECT_THROW(f.commit(true), eisgrid::error);
  }
  EXPECT_EQ(slurp(final_path), "old");
  EXPECT_TRUE(empty_dir(root.dir / "temp"));
}
