#pragma once
// Writes a numpy .npz archive (a ZIP of .npy members) to an open, seekable
// file, in one forward pass, except that a member's local header is
// rewritten with pwrite once its CRC (and, deflated, its compressed size) is
// known. Deflate is compressed in parallel: independent chunks, all but the
// last ended with a full flush, CRCs combined; numpy reads the result as one
// ordinary deflate stream, and eisgrid's reader inflates the chunks in
// parallel from a table in a private extra field. Chunks are written as each
// batch is compressed; only a deflated member of 2 to 4 GiB (whose header
// layout depends on its compressed size) is held compressed until it is
// written. A deflated member whose data fails is taken back (the file is
// truncated to where it began), so the archive stays usable. ZIP64 records are used as soon as a
// size or an offset needs them, so archives over 4 GiB work. Output is
// byte-for-byte reproducible (fixed 1980-01-01 timestamps).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "npz/array.hpp"

namespace eisgrid::npz {

enum class compression { deflate, stored };

struct write_options {
  compression method = compression::deflate;
  // ISA-L level (0..3). 3 by measurement on a g=10 dataset (float32, 162 MB
  // raw; numpy.savez_compressed: 72.1 MB in 2.24 s): levels 0/1/2 give
  // 94.7/94.1/93.7 MB (1.31x numpy, over the 1.1x budget) in 0.21/0.25/0.23 s
  // on one thread; level 3 gives 74.6 MB (1.035x) in 0.32 s, 0.18 s on two.
  int level = 3;
  unsigned threads = 0;  // 0: all cores
  // Uncompressed bytes per parallel chunk (1 KiB to 256 MiB). On the g=10
  // dataset at level 3: 74.9 MB with 256 KiB chunks, 74.6 MB with 1 MiB,
  // 74.5 MB with 4 MiB; 1 MiB keeps every core busy on small members too.
  std::size_t chunk_bytes = std::size_t{1} << 20;
};

// Produces the array's data in order, calling `sink` with consecutive pieces
// whose sizes add up to header.data_bytes(). Lets a huge array be written
// without holding it in memory.
using data_source = std::function<void(const std::function<void(std::span<const std::byte>)>& sink)>;

// Not thread-safe: one thread adds members (compression uses its own threads).
class writer {
 public:
  // Writes to `fd` (positioned at 0, opened for writing). Does not own it.
  writer(int fd, std::string description, write_options options = {});
  ~writer();
  writer(const writer&) = delete;
  writer& operator=(const writer&) = delete;

  // Adds member `name`.npy. Names are unique; throws error(usage) otherwise.
  // Throws error(io) if a write fails.
  void add(std::string_view name, const array_header& header, std::span<const std::byte> data);
  void add(std::string_view name, const array& a) { add(name, a.header, a.data); }
  void add(std::string_view name, const array_header& header, const data_source& source);

  // Writes the central directory (and ZIP64 end records when needed).
  // Returns the archive's total size in bytes.
  std::uint64_t finish();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace eisgrid::npz
