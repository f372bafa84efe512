#include "npz/inflate.hpp"

#include <isa-l/igzip_lib.h>
#include <libdeflate.h>

#include <array>

#include "base/error.hpp"

namespace eisgrid::npz::detail {
namespace {

// BFINAL=1, fixed Huffman codes, then end-of-block: 10 bits, zero-padded.
constexpr std::array<std::byte, 2> k_empty_final_block = {std::byte{0x03}, std::byte{0x00}};

[[noreturn]] void corrupt(const char* reason) {
  throw error(error_kind::invalid_input, std::string("corrupt deflate data (") + reason + ")");
}

struct decompressor_deleter {
  void operator()(libdeflate_decompressor* d) const noexcept { libdeflate_free_decompressor(d); }
};

std::uint8_t* bytes_of(std::span<const std::byte> s) noexcept {
  // ISA-L's API is not const-correct; it never writes through next_in.
  return const_cast<std::uint8_t*>(reinterpret_cast<const std::uint8_t*>(s.data()));
}

std::unique_ptr<inflate_state> new_state(std::span<const std::byte> in) {
  auto state = std::make_unique<inflate_state>();
  isal_inflate_init(state.get());
  state->next_in = bytes_of(in);
  state->avail_in = static_cast<std::uint32_t>(in.size());
  return state;
}

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

void inflate_chunk(std::span<const std::byte> in, std::span<std::byte> out, bool last) {
  // libdeflate only stops at a final block, which a chunk other than the last
  // lacks: append an empty final block to a copy. Measured on a g=10
  // spectrum (1 MiB chunks, level 3): libdeflate with the copy and a separate
  // CRC 0.147 s, ISA-L per chunk with its CRC folded in 0.170 s.
  if (last) {
    inflate_whole(in, out);
    return;
  }
  thread_local std::vector<std::byte> terminated;
  terminated.assign(in.begin(), in.end());
  terminated.insert(terminated.end(), k_empty_final_block.begin(), k_empty_final_block.end());
  inflate_whole(terminated, out);
}

prefix_inflater::prefix_inflater(std::span<const std::byte> in) : state_(new_state(in)) {}

prefix_inflater::~prefix_inflater() = default;

void prefix_inflater::read(std::size_t n, std::vector<std::byte>& out) {
  const std::size_t start = out.size();
  out.resize(start + n);
  state_->next_out = reinterpret_cast<std::uint8_t*>(out.data() + start);
  state_->avail_out = static_cast<std::uint32_t>(n);
  while (state_->avail_out > 0) {
    const std::uint32_t before = state_->avail_out + state_->avail_in;
    if (isal_inflate(state_.get()) < 0) corrupt("bad stream");
    if (state_->avail_out + state_->avail_in == before) corrupt("ends too early");
  }
}

}  // namespace eisgrid::npz::detail
