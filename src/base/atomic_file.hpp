#pragma once
// A file that appears at its final path only when complete: written under a
// temporary directory, flushed, then renamed. A crash, a kill or a full disk
// leaves nothing where readers look.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace eisgrid {

// Owns a file descriptor. close() reports failure; the destructor never throws.
class unique_fd {
 public:
  unique_fd() noexcept = default;
  explicit unique_fd(int fd) noexcept : fd_(fd) {}
  ~unique_fd();
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  unique_fd(unique_fd&& other) noexcept : fd_(other.release()) {}
  unique_fd& operator=(unique_fd&& other) noexcept;

  [[nodiscard]] int get() const noexcept { return fd_; }
  [[nodiscard]] bool valid() const noexcept { return fd_ >= 0; }
  int release() noexcept;
  // Returns 0, or the errno of a failed close.
  int close() noexcept;

 private:
  int fd_ = -1;
};

// Writes `data` at the current position, retrying short writes and EINTR.
// Throws eisgrid::error (io) naming `what` on any other failure, ENOSPC included.
void write_all(int fd, std::span<const std::byte> data, const std::string& what);
// Same, at `offset`, without moving the file position.
void pwrite_all(int fd, std::span<const std::byte> data, std::uint64_t offset, const std::string& what);

// Temporary files are named "<final name>.<random>.part". Their writer holds
// an exclusive flock on each from just after creating it until it is renamed
// into place or removed, so a file whose lock can be taken has no live writer.
// Files younger than this are left alone even so: they may be between their
// creation and their writer's flock.
inline constexpr std::chrono::seconds k_stale_temp_age{60};

// Removes the ".part" files in `temp_dir` left by writers that died (killed,
// crashed, power lost): regular files, not links, not locked, and last
// modified at least k_stale_temp_age ago. Never touches a live writer's file.
// Best effort: returns how many it removed and never throws. Safe to run
// while other processes write there.
std::size_t remove_stale_temp_files(const std::filesystem::path& temp_dir) noexcept;

class atomic_file {
 public:
  // Creates a uniquely named temporary file in `temp_dir` for `final_path`
  // and locks it (see k_stale_temp_age). Throws eisgrid::error (io) if it cannot.
  atomic_file(const std::filesystem::path& temp_dir, std::filesystem::path final_path);
  ~atomic_file();  // removes the temporary file unless committed
  atomic_file(const atomic_file&) = delete;
  atomic_file& operator=(const atomic_file&) = delete;

  [[nodiscard]] int fd() const noexcept { return fd_.get(); }
  [[nodiscard]] const std::filesystem::path& temp_path() const noexcept { return temp_path_; }
  [[nodiscard]] const std::filesystem::path& final_path() const noexcept { return final_path_; }

  void write(std::span<const std::byte> data);
  void pwrite(std::span<const std::byte> data, std::uint64_t offset);

  // Flushes, closes and renames into place. Unless `replace`, an existing file
  // at the final path is kept and error (conflict) is thrown.
  void commit(bool replace = false);

 private:
  unique_fd fd_;
  unique_fd lock_;  // holds the flock until the file is renamed or removed
  std::filesystem::path temp_path_;
  std::filesystem::path final_path_;
  bool committed_ = false;
};

}  // namespace eisgrid
