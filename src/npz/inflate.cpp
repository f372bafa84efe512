#include "npz/inflate.hpp"

#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>

#include "base/error.hpp"

namespace eisgrid::npz::detail {
namespace {

// zlib's own window bits, negated: a raw deflate stream without a zlib header.
constexpr int k_raw_deflate_window = -15;
// BFINAL=1, fixed Huffman codes, then end-of-block: 10 bits, zero-padded.
constexpr std::array<std::byte, k_chunk_closing_bytes> k_empty_final_block = {std::byte{0x03}, std::byte{0x00}};

[[noreturn]] void corrupt(const char* reason) {
  throw error(error_kind::invalid_input, std::string("corrupt deflate data (") + reason + ")");
}

struct decompressor_deleter {
  void operator()(libdeflate_decompressor* d) const noexcept { libdeflate_free_decompressor(d); }
};

}  // namespace

void inflate_whole(std::span<const std::byte> in, std::span<std::byte> out) {
  std::unique_ptr<libdeflate_decompressor, decompressor_deleter> d(libdeflate_alloc_decompressor());
  if (!d) throw std::bad_alloc();
  std::size_t consumed = 0;
  // A null actual-output pointer makes libdeflate require exactly out.size() bytes.
  switch (libdeflate_deflate_decompress_ex(d.get(), in.data(), in.size(), out.data(), out.size(), &consumed, nullptr)) {
    case LIBDEFLATE_SUCCESS: break;
    case LIBDEFLATE_SHORT_OUTPUT: corrupt("shorter than the recorded size");
    case LIBDEFLATE_INSUFFICIENT_SPACE: corrupt("longer than the recorded size");
    default: corrupt("bad stream");
  }
  if (consumed != in.size()) corrupt("bytes after the end of the stream");
}

void inflate_chunk(std::span<std::byte> in, std::span<std::byte> out, bool last) {
  if (!last) {
    // A chunk but the last ends on a full flush, without a final block, and
    // libdeflate stops only at a final block: an empty one closes it, so the
    // chunk is a whole stream that must end exactly there.
    if (in.size() < k_chunk_closing_bytes) throw error(error_kind::internal, "inflate_chunk: no room to close the chunk");
    std::copy(k_empty_final_block.begin(), k_empty_final_block.end(), in.end() - k_chunk_closing_bytes);
  }
  inflate_whole(in, out);
}

stream_inflater::stream_inflater(std::span<const std::byte> in) : stream_(std::make_unique<z_stream_s>()), in_(in), remaining_(in.size()) {
  if (inflateInit2(stream_.get(), k_raw_deflate_window) != Z_OK) throw std::bad_alloc();
  refill();
}

stream_inflater::~stream_inflater() { inflateEnd(stream_.get()); }

void stream_inflater::refill() noexcept {
  if (stream_->avail_in > 0 || remaining_ == 0) return;
  const std::size_t n = std::min<std::size_t>(remaining_, UINT32_MAX);
  // zlib's API is not const-correct; it never writes through next_in.
  stream_->next_in = const_cast<Bytef*>(reinterpret_cast<const Bytef*>(in_.data() + (in_.size() - remaining_)));
  stream_->avail_in = static_cast<uInt>(n);
  remaining_ -= n;
}

void stream_inflater::read(std::size_t n, std::vector<std::byte>& out) {
  const std::size_t start = out.size();
  out.resize(start + n);
  read(std::span(out).subspan(start));
}

void stream_inflater::read(std::span<std::byte> out) {
  while (!out.empty()) {
    const std::size_t n = std::min<std::size_t>(out.size(), UINT32_MAX);
    stream_->next_out = reinterpret_cast<Bytef*>(out.data());
    stream_->avail_out = static_cast<uInt>(n);
    while (stream_->avail_out > 0) {
      refill();
      const int rc = inflate(stream_.get(), Z_NO_FLUSH);
      if (rc == Z_STREAM_END && stream_->avail_out > 0) corrupt("ends too early");
      if (rc != Z_OK && rc != Z_STREAM_END) corrupt(rc == Z_BUF_ERROR ? "ends too early" : "bad stream");
    }
    out = out.subspan(n);
  }
}

void stream_inflater::finish() {
  // One more byte of room: the stream must end here without producing it.
  std::byte extra{};
  stream_->next_out = reinterpret_cast<Bytef*>(&extra);
  stream_->avail_out = 1;
  for (;;) {
    refill();
    const int rc = inflate(stream_.get(), Z_NO_FLUSH);
    if (rc == Z_STREAM_END) break;
    if (stream_->avail_out == 0) corrupt("longer than the recorded size");
    if (rc != Z_OK) corrupt(rc == Z_BUF_ERROR ? "shorter than the recorded size" : "bad stream");
  }
  if (stream_->avail_in > 0 || remaining_ > 0) corrupt("bytes after the end of the stream");
}

}  // namespace eisgrid::npz::detail
