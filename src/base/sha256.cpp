#include "base/sha256.hpp"

#include <openssl/evp.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <memory>

#include "base/error.hpp"
#include "base/hex.hpp"
#include "base/regular_file.hpp"

namespace eisgrid {
namespace {

// Large enough that read() costs little next to hashing; small enough for the stack of any thread.
constexpr std::size_t k_read_chunk = 1 << 16;

struct md_deleter {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
using md_ptr = std::unique_ptr<EVP_MD_CTX, md_deleter>;

md_ptr new_context() {
  md_ptr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    throw error(error_kind::internal, "cannot start SHA-256");
  }
  return ctx;
}

std::string finish(EVP_MD_CTX* ctx) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx, digest.data(), &length) != 1) throw error(error_kind::internal, "cannot finish SHA-256");
  return to_hex(std::span(digest).first(length));
}

}  // namespace

file_digest sha256_file(const std::filesystem::path& path) {
  const unique_fd fd = open_regular_file(path, path.string()).fd;
  return sha256_of(fd.get(), path.string());
}

file_digest sha256_of(int fd, const std::string& name) {
  auto ctx = new_context();
  std::array<char, k_read_chunk> buffer;
  file_digest result;
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw system_error(error_kind::io, "cannot read '" + name + "'", errno);
    }
    if (n == 0) break;
    if (EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<std::size_t>(n)) != 1) {
      throw error(error_kind::internal, "SHA-256 failed");
    }
    result.size += static_cast<std::uint64_t>(n);
  }
  result.sha256 = finish(ctx.get());
  return result;
}

std::string sha256_hex(std::string_view data) {
  auto ctx = new_context();
  if (EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1) throw error(error_kind::internal, "SHA-256 failed");
  return finish(ctx.get());
}

}  // namespace eisgrid
