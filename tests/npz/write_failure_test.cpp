// Writes that fail, stop short or are interrupted, injected through the
// syscall layer. Short writes and EINTR must be invisible; ENOSPC must end
// the write with error(io) naming the file, and leave the writer refusing to
// finish a half-written archive.

#include <gtest/gtest.h>

#include <cerrno>

#include "base/error.hpp"
#include "base/syscalls.hpp"
#include "npz/reader.hpp"
#include "npz/writer.hpp"
#include "npz_test_support.hpp"

namespace eisgrid::npz {
namespace {

using testing::scratch_dir;

// The syscall table takes plain function pointers, so the knobs are globals.
int g_calls = 0;
int g_fail_at = 0;  // the call number that fails with ENOSPC (0: none)

ssize_t enospc_write(int fd, const void* buf, std::size_t n) {
  if (++g_calls == g_fail_at) {
    errno = ENOSPC;
    return -1;
  }
  return sys::real_calls().write(fd, buf, n);
}
ssize_t enospc_pwrite(int fd, const void* buf, std::size_t n, off_t offset) {
  if (++g_calls == g_fail_at) {
    errno = ENOSPC;
    return -1;
  }
  return sys::real_calls().pwrite(fd, buf, n, offset);
}
// Every other call is interrupted; the rest write at most 7 bytes.
ssize_t stuttering_write(int fd, const void* buf, std::size_t n) {
  if (++g_calls % 2 == 1) {
    errno = EINTR;
    return -1;
  }
  return sys::real_calls().write(fd, buf, std::min<std::size_t>(n, 7));
}
ssize_t stuttering_pwrite(int fd, const void* buf, std::size_t n, off_t offset) {
  if (++g_calls % 2 == 1) {
    errno = EINTR;
    return -1;
  }
  return sys::real_calls().pwrite(fd, buf, std::min<std::size_t>(n, 3), offset);
}

sys::syscall_table with(ssize_t (*write)(int, const void*, std::size_t), ssize_t (*pwrite)(int, const void*, std::size_t, off_t)) {
  sys::syscall_table table = sys::real_calls();
  table.write = write;
  table.pwrite = pwrite;
  return table;
}

const std::vector<float> k_values = [] {
  std::vector<float> v(20000);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i % 311) / 7.0F;
  return v;
}();

// Adds one array from memory and one from a source, then finishes.
void write_archive(const std::filesystem::path& path, compression method) {
  write_options options;
  options.method = method;
  options.chunk_bytes = 4096;
  testing::write_npz(path, options, [&](writer& w) {
    w.add("values", make_array<float>(k_values, {k_values.size()}));
    const array_header header{dtype_of<float>(), {k_values.size()}};
    w.add("streamed", header, data_source([](const std::function<void(std::span<const std::byte>)>& sink) {
            const auto bytes = std::as_bytes(std::span(k_values));
            for (std::size_t at = 0; at < bytes.size(); at += 1000) sink(bytes.subspan(at, std::min<std::size_t>(1000, bytes.size() - at)));
          }));
    w.add("metadata", make_unicode_scalar("{}"));
  });
}

void expect_intact(const std::filesystem::path& path) {
  const reader r = reader::open(path);
  for (const std::string name : {"values", "streamed"}) {
    const array a = r.read(name);
    const auto got = a.as<float>();
    EXPECT_TRUE(std::equal(got.begin(), got.end(), k_values.begin(), k_values.end())) << name;
  }
  EXPECT_EQ(unicode_scalar_text(r.read("metadata")), "{}");
}

TEST(npz_write_failure, short_writes_and_eintr_are_retried) {
  for (compression method : {compression::deflate, compression::stored}) {
    scratch_dir dir;
    g_calls = 0;
    {
      const sys::scoped_syscalls stutter(with(stuttering_write, stuttering_pwrite));
      write_archive(dir / "s.npz", method);
    }
    EXPECT_GT(g_calls, 1000);  // the injection really ran
    expect_intact(dir / "s.npz");
    const auto unzip = testing::run_command("unzip -tq '" + (dir / "s.npz").string() + "'");
    EXPECT_EQ(unzip.exit_code, 0) << unzip.output;
  }
}

TEST(npz_write_failure, enospc_at_every_write_is_an_io_error) {
  for (compression method : {compression::deflate, compression::stored}) {
    // Count the calls a successful archive takes, then fail each in turn.
    scratch_dir dir;
    g_calls = 0;
    g_fail_at = 0;
    {
      const sys::scoped_syscalls count(with(enospc_write, enospc_pwrite));
      write_archive(dir / "count.npz", method);
    }
    const int total = g_calls;
    ASSERT_GT(total, 5);
    for (int fail_at = 1; fail_at <= total; ++fail_at) {
      g_calls = 0;
      g_fail_at = fail_at;
      const sys::scoped_syscalls full(with(enospc_write, enospc_pwrite));
      try {
        write_archive(dir / "full.npz", method);
        ADD_FAILURE() << "no error when call " << fail_at << " failed";
      } catch (const error& e) {
        EXPECT_EQ(e.kind(), error_kind::io) << e.what();
        EXPECT_EQ(std::string(e.what()), "cannot write 'full.npz': No space left on device");
      }
    }
    g_fail_at = 0;
  }
}

TEST(npz_write_failure, writer_refuses_to_finish_after_a_failed_write) {
  scratch_dir dir;
  unique_fd fd(::open((dir / "b.npz").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644));
  writer w(fd.get(), "b.npz");
  g_calls = 0;
  g_fail_at = 1;
  {
    const sys::scoped_syscalls full(with(enospc_write, enospc_pwrite));
    EXPECT_THROW(w.add("values", make_array<float>(k_values, {k_values.size()})), error);
  }
  g_fail_at = 0;
  try {
    w.finish();
    FAIL() << "finished an archive with a half-written member";
  } catch (const error& e) {
    EXPECT_EQ(e.kind(), error_kind::usage);
    EXPECT_NE(std::string(e.what()).find("an earlier write failed"), std::string::npos);
  }
}

}  // namespace
}  // namespace eisgrid::npz
