#include "npz/mapped_file.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "base/error.hpp"
#include "base/regular_file.hpp"

namespace eisgrid::npz::detail {

archive_bytes archive_bytes::map(const std::filesystem::path& path, const std::string& display_name, bool populate) {
  const std::string what = "'" + display_name + "'";
  opened_file file = open_regular_file(path, display_name);
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
  out.file_ = std::move(file.fd);
  out.what_ = what;
  return out;
}

archive_bytes::archive_bytes(std::vector<std::byte> owned) noexcept : owned_(std::move(owned)) {}

archive_bytes::archive_bytes(archive_bytes&& other) noexcept
    : mapping_(std::exchange(other.mapping_, nullptr)),
      mapped_size_(std::exchange(other.mapped_size_, 0)),
      file_(std::move(other.file_)),
      what_(std::move(other.what_)),
      owned_(std::move(other.owned_)) {}

archive_bytes& archive_bytes::operator=(archive_bytes&& other) noexcept {
  if (this != &other) {
    release();
    mapping_ = std::exchange(other.mapping_, nullptr);
    mapped_size_ = std::exchange(other.mapped_size_, 0);
    owned_ = std::move(other.owned_);
    file_ = std::move(other.file_);
    what_ = std::move(other.what_);
  }
  return *this;
}

archive_bytes::~archive_bytes() { release(); }

void archive_bytes::release() noexcept {
  if (mapping_ != nullptr) ::munmap(mapping_, mapped_size_);
  mapping_ = nullptr;
  mapped_size_ = 0;
}

void archive_bytes::copy(std::uint64_t offset, std::span<std::byte> out) const {
  if (mapping_ == nullptr) {
    if (!out.empty()) std::memcpy(out.data(), owned_.data() + offset, out.size());
    return;
  }
  while (!out.empty()) {
    const ssize_t n = ::pread(file_.get(), out.data(), out.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw system_error(error_kind::io, "cannot read " + what_, errno);
    if (n == 0) throw error(error_kind::io, "cannot read " + what_ + ": it became shorter while being read");
    out = out.subspan(static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
  }
}

std::span<const std::byte> archive_bytes::bytes() const noexcept {
  if (mapping_ != nullptr) return {static_cast<const std::byte*>(mapping_), mapped_size_};
  return owned_;
}

}  // namespace eisgrid::npz::detail
