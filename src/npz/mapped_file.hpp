#pragma once
// The bytes of an archive: a read-only private mapping of a file, or a
// buffer handed over by the caller. Mapping lets the kernel hand over page
// cache pages instead of copying 100+ MB through read().

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "base/atomic_file.hpp"

namespace eisgrid::npz::detail {

class archive_bytes {
 public:
  // Maps `path`, opened by open_regular_file. Throws error(not_found) if it
  // does not exist, error(io) if it cannot be opened or mapped,
  // error(invalid_input) if it is a symbolic link or not a regular file.
  // `populate` faults every page in at once (see read_options::populate).
  [[nodiscard]] static archive_bytes map(const std::filesystem::path& path, const std::string& display_name, bool populate);
  explicit archive_bytes(std::vector<std::byte> owned) noexcept;

  archive_bytes(archive_bytes&& other) noexcept;
  archive_bytes& operator=(archive_bytes&& other) noexcept;
  archive_bytes(const archive_bytes&) = delete;
  archive_bytes& operator=(const archive_bytes&) = delete;
  ~archive_bytes();

  [[nodiscard]] std::span<const std::byte> bytes() const noexcept;
  [[nodiscard]] bool mapped() const noexcept { return mapping_ != nullptr; }

  // Copies the bytes at `offset` (within bytes(), checked by the caller) into
  // `out`. A mapped file's are read with pread: the kernel copies them from
  // the page cache, where the first touches of a fresh mapping's pages made
  // inflating a g=10 load's chunks from it about 20% slower (measured).
  // Throws error(io) if the file cannot be read or has shrunk.
  void copy(std::uint64_t offset, std::span<std::byte> out) const;

 private:
  archive_bytes() noexcept = default;
  void release() noexcept;

  void* mapping_ = nullptr;  // when mapped
  std::size_t mapped_size_ = 0;
  unique_fd file_;                // the mapped file, for copy()
  std::string what_;              // its name, quoted, for copy()'s errors
  std::vector<std::byte> owned_;  // otherwise
};

}  // namespace eisgrid::npz::detail
