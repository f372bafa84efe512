#pragma once
// Raw-deflate decoding for members: libdeflate for whole streams and for the
// independent chunks of eisgrid's chunked members, zlib for streaming just
// the .npy header off the front of a member (a few hundred bytes, so speed
// does not matter; zlib keeps its own window, so the output may move between
// reads).
// All functions are thread-safe; each call owns its decoder state.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

struct z_stream_s;

namespace eisgrid::npz::detail {

// Inflates the complete stream `in` into exactly `out`. Throws
// error(invalid_input): "corrupt deflate data", or the stream is shorter or
// longer than `out`, or does not end where `in` does.
void inflate_whole(std::span<const std::byte> in, std::span<std::byte> out);

// Inflates one chunk of a chunked member into exactly `out`. A `last` chunk
// must end the stream; any other must end byte-aligned without doing so.
// Throws error(invalid_input).
void inflate_chunk(std::span<const std::byte> in, std::span<std::byte> out, bool last);

// Streams the start of a deflate stream, a little at a time.
class prefix_inflater {
 public:
  explicit prefix_inflater(std::span<const std::byte> in);
  ~prefix_inflater();
  prefix_inflater(const prefix_inflater&) = delete;
  prefix_inflater& operator=(const prefix_inflater&) = delete;

  // Appends the next `n` inflated bytes to `out`. Throws error(invalid_input)
  // if the data is corrupt or ends first.
  void read(std::size_t n, std::vector<std::byte>& out);

 private:
  std::unique_ptr<z_stream_s> stream_;
};

}  // namespace eisgrid::npz::detail
