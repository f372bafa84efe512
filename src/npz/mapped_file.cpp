#include "npz/mapped_file.hpp"

#include <sys/mman.h>

#include <cerrno>
#include <utility>

#include "base/error.hpp"
#include "base/regular_file.hpp"

namespace eisgrid::npz::detail {

archive_bytes archive_bytes::map(const std::filesystem::path& path, const std::string& display_name, bool populate) {
  const std::string what = "'" + display_name + "'";
  const opened_file file = open_regular_file(path, display_name);
  const unique_fd& fd = file.fd;
  const struct stat& info = file.info;
  archive_bytes out;
  if (info.st_size == 0) return out;  // mmap refuses empty files; the parser reports "too short"
  // MAP_POPULATE faults the whole file in at once: far cheaper than one fault per page later.
  const int flags = MAP_PRIVATE | (populate ? MAP_POPULATE : 0);
  void* p = ::mmap(nullptr, static_cast<std::size_t>(info.st_size), PROT_READ, flags, fd.get(), 0);
  if (p == MAP_FAILED) throw system_error(error_kind::io, "cannot map " + what, errno);
  out.mapping_ = p;
  out.mapped_size_ = static_cast<std::size_t>(info.st_size);
  return out;  // the mapping outlives the descriptor
}

archive_bytes::archive_bytes(std::vector<std::byte> owned) noexcept : owned_(std::move(owned)) {}

archive_bytes::archive_bytes(archive_bytes&& other) noexcept
    : mapping_(std::exchange(other.mapping_, nullptr)),
      mapped_size_(std::exchange(other.mapped_size_, 0)),
      owned_(std::move(other.owned_)) {}

archive_bytes& archive_bytes::operator=(archive_bytes&& other) noexcept {
  if (this != &other) {
    release();
    mapping_ = std::exchange(other.mapping_, nullptr);
    mapped_size_ = std::exchange(other.mapped_size_, 0);
    owned_ = std::move(other.owned_);
  }
  return *this;
}

archive_bytes::~archive_bytes() { release(); }

void archive_bytes::release() noexcept {
  if (mapping_ != nullptr) ::munmap(mapping_, mapped_size_);
  mapping_ = nullptr;
  mapped_size_ = 0;
}

std::span<const std::byte> archive_bytes::bytes() const noexcept {
  if (mapping_ != nullptr) return {static_cast<const std::byte*>(mapping_), mapped_size_};
  return owned_;
}

}  // namespace eisgrid::npz::detail
