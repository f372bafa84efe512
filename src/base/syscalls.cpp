#include "base/syscalls.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

namespace eisgrid::sys {
namespace {

const syscall_table k_real{
    [](int fd, const void* buf, std::size_t n) { return ::write(fd, buf, n); },
    [](int fd, const void* buf, std::size_t n, off_t offset) { return ::pwrite(fd, buf, n, offset); },
    [](int fd) { return ::fsync(fd); },
    [](const char* from, const char* to) { return std::rename(from, to); },
    [](const char* from, const char* to) { return ::renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE); },
};

syscall_table g_current = k_real;

}  // namespace

const syscall_table& calls() noexcept { return g_current; }
const syscall_table& real_calls() noexcept { return k_real; }

scoped_syscalls::scoped_syscalls(const syscall_table& replacement) noexcept : saved_(g_current) { g_current = replacement; }
scoped_syscalls::~scoped_syscalls() { g_current = saved_; }

}  // namespace eisgrid::sys
