#pragma once
// The thin layer every file write goes through. Tests swap the table to inject
// short writes, EINTR and ENOSPC and prove that nothing half-written is left.

#include <sys/types.h>

#include <cstddef>

namespace eisgrid::sys {

struct syscall_table {
  ssize_t (*write)(int fd, const void* buf, std::size_t n);
  ssize_t (*pwrite)(int fd, const void* buf, std::size_t n, off_t offset);
  int (*fsync)(int fd);
  int (*rename)(const char* from, const char* to);
  // Fails with EEXIST instead of replacing an existing `to`.
  int (*rename_noreplace)(const char* from, const char* to);
};

// The table in force. Not thread-safe to swap while files are being written.
[[nodiscard]] const syscall_table& calls() noexcept;

// Replaces the table for its lifetime (tests only).
class scoped_syscalls {
 public:
  explicit scoped_syscalls(const syscall_table& replacement) noexcept;
  ~scoped_syscalls();
  scoped_syscalls(const scoped_syscalls&) = delete;
  scoped_syscalls& operator=(const scoped_syscalls&) = delete;

 private:
  syscall_table saved_;
};

// The real system calls, for replacements that wrap them.
[[nodiscard]] const syscall_table& real_calls() noexcept;

}  // namespace eisgrid::sys
