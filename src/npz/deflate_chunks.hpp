#pragma once
// Parallel raw deflate of one member, as independent chunks. Each chunk is
// compressed by a fresh ISA-L stream, so it refers to nothing before it; all
// but the last end on a full flush (byte-aligned, no BFINAL) and the last ends
// the stream. Concatenated, they are one ordinary deflate stream for zlib;
// split at the recorded boundaries, each inflates on its own.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "npz/writer.hpp"

namespace eisgrid::npz::detail {

struct deflated_member {
  std::vector<std::vector<std::byte>> chunks;  // compressed, in order
  std::uint64_t chunk_span = 0;                // uncompressed bytes per chunk but the last
  std::uint64_t uncompressed_size = 0;
  std::uint64_t compressed_size = 0;
  std::uint32_t crc = 0;  // of the uncompressed bytes
};

// Compresses one chunk with ISA-L at `level` (0..3). Thread-safe.
// Throws error(internal) if ISA-L fails, which only a bug can cause.
[[nodiscard]] std::vector<std::byte> deflate_chunk(std::span<const std::byte> input, int level, bool last);

// Takes a member's `total_bytes` in pieces of any size and compresses them
// chunk by chunk, `threads` chunks at a time. Holds at most one batch of
// uncompressed chunks plus the compressed member. Not thread-safe itself.
class chunked_deflater {
 public:
  chunked_deflater(std::uint64_t total_bytes, const write_options& options);

  // Throws error(usage) if the pieces add up to more than total_bytes.
  void feed(std::span<const std::byte> piece);
  // Throws error(usage) if they add up to less.
  [[nodiscard]] deflated_member finish();

 private:
  struct job {
    std::span<const std::byte> view;  // into the caller's piece, valid during feed()
    std::vector<std::byte> owned;     // or a chunk assembled from smaller pieces
    std::size_t index = 0;
    [[nodiscard]] std::span<const std::byte> bytes() const noexcept { return owned.empty() ? view : owned; }
  };

  [[nodiscard]] std::uint64_t chunk_length(std::size_t index) const noexcept;
  void run_queued();

  int level_;
  unsigned threads_;
  deflated_member result_;
  std::uint64_t fed_ = 0;
  std::size_t next_index_ = 0;  // of the next chunk to queue
  std::vector<std::byte> pending_;
  std::vector<job> queue_;
  std::vector<std::uint32_t> crcs_;
};

}  // namespace eisgrid::npz::detail
