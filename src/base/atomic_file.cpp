#include "base/atomic_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <random>
#include <string>

#include "base/error.hpp"
#include "base/hex.hpp"
#include "base/syscalls.hpp"

namespace eisgrid {

unique_fd::~unique_fd() { (void)close(); }

unique_fd& unique_fd::operator=(unique_fd&& other) noexcept {
  if (this != &other) {
    (void)close();
    fd_ = other.release();
  }
  return *this;
}

int unique_fd::release() noexcept {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

int unique_fd::close() noexcept {
  if (fd_ < 0) return 0;
  int rc = ::close(fd_);
  fd_ = -1;
  return rc == 0 ? 0 : errno;
}

void write_all(int fd, std::span<const std::byte> data, const std::string& what) {
  while (!data.empty()) {
    ssize_t n = sys::calls().write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw system_error(error_kind::io, "cannot write " + what, errno);
    }
    if (n == 0) throw error(error_kind::io, "cannot write " + what + ": no progress");
    data = data.subspan(static_cast<std::size_t>(n));
  }
}

void pwrite_all(int fd, std::span<const std::byte> data, std::uint64_t offset, const std::string& what) {
  while (!data.empty()) {
    ssize_t n = sys::calls().pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw system_error(error_kind::io, "cannot write " + what, errno);
    }
    if (n == 0) throw error(error_kind::io, "cannot write " + what + ": no progress");
    data = data.subspan(static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
  }
}

namespace {

std::string random_suffix() {
  std::random_device rd;
  std::uniform_int_distribution<std::uint64_t> dist;
  std::uint64_t v = dist(rd);
  std::array<unsigned char, 6> bytes{};
  for (unsigned char& b : bytes) {
    b = static_cast<unsigned char>(v & 0xFF);
    v >>= 8;
  }
  return to_hex(bytes);
}

void fsync_directory(const std::filesystem::path& dir) {
  unique_fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.valid() && sys::calls().fsync(fd.get()) != 0 && errno != EINVAL) {
    throw system_error(error_kind::io, "cannot flush directory '" + dir.string() + "'", errno);
  }
}

}  // namespace

atomic_file::atomic_file(const std::filesystem::path& temp_dir, std::filesystem::path final_path) : final_path_(std::move(final_path)) {
  std::error_code ec;
  std::filesystem::create_directories(temp_dir, ec);
  if (ec) throw error(error_kind::io, "cannot create directory '" + temp_dir.string() + "': " + ec.message());
  for (int attempt = 0; attempt < 8 && !fd_.valid(); ++attempt) {
    temp_path_ = temp_dir / (final_path_.filename().string() + "." + random_suffix() + ".part");
    fd_ = unique_fd(::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (!fd_.valid() && errno != EEXIST) {
      throw system_error(error_kind::io, "cannot create '" + temp_path_.string() + "'", errno);
    }
  }
  if (!fd_.valid()) throw error(error_kind::io, "cannot create a temporary file in '" + temp_dir.string() + "'");
  // A lock of its own descriptor: commit() closes fd_ before the rename, and
  // the lock must last until the name is gone from temp/.
  lock_ = unique_fd(::open(temp_path_.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!lock_.valid() || ::flock(lock_.get(), LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    (void)fd_.close();
    ::unlink(temp_path_.c_str());
    throw system_error(error_kind::io, "cannot lock '" + temp_path_.string() + "'", err);
  }
}

std::size_t remove_stale_temp_files(const std::filesystem::path& temp_dir) noexcept {
  std::size_t removed = 0;
  std::error_code ec;
  std::filesystem::directory_iterator it(temp_dir, ec);
  if (ec) return 0;
  const auto now = std::chrono::system_clock::now();
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const auto& path = it->path();
    if (path.extension() != ".part") continue;
    unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
    struct stat info {};
    if (!fd.valid() || ::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode)) continue;
    const auto modified = std::chrono::system_clock::from_time_t(info.st_mtim.tv_sec);
    if (now - modified < k_stale_temp_age) continue;
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) continue;  // a live writer
    if (::unlink(path.c_str()) == 0) ++removed;
  }
  return removed;
}

atomic_file::~atomic_file() {
  if (!committed_) {
    (void)fd_.close();
    ::unlink(temp_path_.c_str());
  }
}

void atomic_file::write(std::span<const std::byte> data) { write_all(fd_.get(), data, "'" + temp_path_.string() + "'"); }

void atomic_file::pwrite(std::span<const std::byte> data, std::uint64_t offset) {
  pwrite_all(fd_.get(), data, offset, "'" + temp_path_.string() + "'");
}

void atomic_file::commit(bool replace) {
  const std::string name = "'" + final_path_.string() + "'";
  if (sys::calls().fsync(fd_.get()) != 0) throw system_error(error_kind::io, "cannot flush " + name, errno);
  if (int err = fd_.close(); err != 0) throw system_error(error_kind::io, "cannot close " + name, err);
  std::error_code ec;
  std::filesystem::create_directories(final_path_.parent_path(), ec);
  if (ec) throw error(error_kind::io, "cannot create directory for " + name + ": " + ec.message());
  const auto& rename = replace ? sys::calls().rename : sys::calls().rename_noreplace;
  if (rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
    if (errno == EEXIST) throw error(error_kind::conflict, "cannot write " + name + ": the file already exists");
    throw system_error(error_kind::io, "cannot move the finished file to " + name, errno);
  }
  committed_ = true;
  (void)lock_.close();
  fsync_directory(final_path_.parent_path());
}

}  // namespace eisgrid
