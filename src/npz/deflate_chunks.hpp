#pragma once
// Parallel raw deflate of one member, as independent chunks. Each chunk is
// compressed by a fresh ISA-L stream, so it refers to nothing before it; all
// but the last end on a full flush (byte-aligned, no BFINAL) and the last ends
// the stream. Concatenated, they are one ordinary deflate stream for zlib;
// split at the recorded boundaries, each inflates on its own.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "npz/array.hpp"
#include "npz/writer.hpp"

namespace eisgrid::npz::detail {

struct deflated_member {
  std::vector<std::vector<std::byte>> chunks;  // compressed, in order (empty when handed to a chunk_sink)
  std::vector<std::uint64_t> chunk_sizes;      // compressed, in order
  std::uint64_t chunk_span = 0;                // uncompressed bytes per chunk but the last
  std::uint64_t uncompressed_size = 0;
  std::uint64_t compressed_size = 0;
  std::uint32_t crc = 0;  // of the uncompressed bytes
};

// Compresses one chunk with ISA-L at `level` (0..3) into `out`, which it
// grows as needed, and returns the part used. Thread-safe for distinct `out`.
// Throws error(internal) if ISA-L fails, which only a bug can cause.
[[nodiscard]] std::span<const std::byte> deflate_chunk(std::span<const std::byte> input, int level, bool last, array_bytes& out);

// Receives the compressed chunks of a member in order, as they are made.
using chunk_sink = std::function<void(std::span<const std::byte>)>;

// Takes a member's `total_bytes` in pieces of any size and compresses them
// chunk by chunk, `threads` chunks at a time. Holds at most one batch of
// uncompressed and compressed chunks, plus the compressed member when there
// is no sink. Not thread-safe itself.
class chunked_deflater {
 public:
  // With a `sink`, each batch of chunks goes to it as soon as it is
  // compressed and the member is not held (a writer streams it to the file).
  chunked_deflater(std::uint64_t total_bytes, const write_options& options, chunk_sink sink = {});

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
  chunk_sink sink_;
  // One output buffer per job of a batch, reused batch after batch: fresh
  // memory for every 1 MiB chunk cost a page fault per 4 KiB.
  std::vector<array_bytes> outputs_;
};

}  // namespace eisgrid::npz::detail
