#pragma once
// Raw-deflate decoding for members: libdeflate for whole streams and for the
// independent chunks of eisgrid's chunked members, zlib for streaming (the
// .npy header off the front of a member, where speed does not matter, and
// members too large to inflate at once; zlib keeps its own window, so the
// output may move between reads).
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

// Bytes a chunk other than the last needs after its own in inflate_chunk's input.
inline constexpr std::size_t k_chunk_closing_bytes = 2;

// Inflates one chunk of a chunked member into exactly `out`. `in` is the
// chunk's bytes, followed, for a chunk but the `last`, by
// k_chunk_closing_bytes of room that this call writes. The chunk must end
// where its bytes do: the last with the stream's final block, any other on a
// full flush. Throws error(invalid_input).
void inflate_chunk(std::span<std::byte> in, std::span<std::byte> out, bool last);

// Streams a deflate stream a little at a time: the .npy header off the front
// of a member, or (validation) a whole member too large to hold, with bounded
// memory. Input of any length, refilled past zlib's 32-bit counters.
class stream_inflater {
 public:
  explicit stream_inflater(std::span<const std::byte> in);
  ~stream_inflater();
  stream_inflater(const stream_inflater&) = delete;
  stream_inflater& operator=(const stream_inflater&) = delete;

  // Appends the next `n` inflated bytes to `out`. Throws error(invalid_input)
  // if the data is corrupt or ends first.
  void read(std::size_t n, std::vector<std::byte>& out);
  // Fills `out` with the next inflated bytes, as read() does.
  void read(std::span<std::byte> out);
  // After the last byte the recorded size promised: throws
  // error(invalid_input) with inflate_whole's reasons if the stream goes on or
  // bytes follow its end.
  void finish();
  // Input bytes consumed so far.
  [[nodiscard]] std::size_t consumed() const noexcept { return in_.size() - remaining_; }

 private:
  void refill() noexcept;

  std::unique_ptr<z_stream_s> stream_;
  std::span<const std::byte> in_;
  std::size_t remaining_ = 0;  // of in_, not yet handed to zlib
};

}  // namespace eisgrid::npz::detail
