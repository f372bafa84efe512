#include "npz/deflate_chunks.hpp"

#include <isa-l/igzip_lib.h>

#include <algorithm>
#include <string>

#include "base/error.hpp"
#include "npz/checksum.hpp"
#include "npz/parallel.hpp"

namespace eisgrid::npz::detail {
namespace {

// Room for stored-block fallback (5 bytes per 64 KiB) and the block headers
// ISA-L writes; an overflow just retries with twice the room.
constexpr std::size_t k_output_slack_divisor = 64;
constexpr std::size_t k_output_slack_bytes = 1024;
// Above this many chunks a member uses longer chunks, so the bookkeeping
// (and the chunk table) stays small: 65536 chunks of a 64 GiB member are 1 MiB.
constexpr std::uint64_t k_max_chunks_per_member = std::uint64_t{1} << 16;

[[nodiscard]] std::uint32_t level_buffer_size(int level) noexcept {
  switch (level) {
    case 1: return ISAL_DEF_LVL1_DEFAULT;
    case 2: return ISAL_DEF_LVL2_DEFAULT;
    case 3: return ISAL_DEF_LVL3_DEFAULT;
    default: return ISAL_DEF_LVL0_DEFAULT;
  }
}

}  // namespace

std::span<const std::byte> deflate_chunk(std::span<const std::byte> input, int level, bool last, array_bytes& out) {
  // Reused across chunks on the same thread: ISA-L's level 3 wants ~350 KiB.
  // Neither it nor `out` is zeroed: ISA-L writes before it reads, and zeroing
  // a fresh buffer was 3% of a g=10 export's time (perf).
  thread_local array_bytes level_buffer;
  level_buffer.resize(level_buffer_size(level));
  out.resize(std::max(out.size(), input.size() + input.size() / k_output_slack_divisor + k_output_slack_bytes));
  for (;;) {
    isal_zstream stream;
    isal_deflate_stateless_init(&stream);
    stream.level = static_cast<std::uint32_t>(level);
    stream.level_buf = level_buffer.empty() ? nullptr : reinterpret_cast<std::uint8_t*>(level_buffer.data());
    stream.level_buf_size = static_cast<std::uint32_t>(level_buffer.size());
    stream.flush = last ? NO_FLUSH : FULL_FLUSH;
    stream.end_of_stream = last ? 1 : 0;
    stream.next_in = const_cast<std::uint8_t*>(reinterpret_cast<const std::uint8_t*>(input.data()));
    stream.avail_in = static_cast<std::uint32_t>(input.size());
    stream.next_out = reinterpret_cast<std::uint8_t*>(out.data());
    stream.avail_out = static_cast<std::uint32_t>(out.size());
    const int rc = isal_deflate_stateless(&stream);
    if (rc == COMP_OK) return std::span<const std::byte>(out).first(stream.total_out);
    if (rc != STATELESS_OVERFLOW) {
      throw error(error_kind::internal, "ISA-L deflate failed with code " + std::to_string(rc));
    }
    out.resize(out.size() * 2);
  }
}

chunked_deflater::chunked_deflater(std::uint64_t total_bytes, const write_options& options, chunk_sink sink)
    : level_(options.level), threads_(resolve_threads(options.threads)), sink_(std::move(sink)) {
  const std::uint64_t min_span = (total_bytes + k_max_chunks_per_member - 1) / k_max_chunks_per_member;
  result_.chunk_span = std::max<std::uint64_t>({options.chunk_bytes, min_span, 1});
  result_.uncompressed_size = total_bytes;
  const auto count = static_cast<std::size_t>((total_bytes + result_.chunk_span - 1) / result_.chunk_span);
  if (!sink_) result_.chunks.resize(count);
  result_.chunk_sizes.resize(count);
  crcs_.resize(count);
}

std::uint64_t chunked_deflater::chunk_length(std::size_t index) const noexcept {
  return std::min(result_.chunk_span, result_.uncompressed_size - index * result_.chunk_span);
}

void chunked_deflater::feed(std::span<const std::byte> piece) {
  if (piece.size() > result_.uncompressed_size - fed_) {
    throw error(error_kind::usage, "the array's data is longer than its header says");
  }
  fed_ += piece.size();
  bool queued_views = false;
  while (!piece.empty()) {
    const auto want = static_cast<std::size_t>(chunk_length(next_index_));
    if (pending_.empty() && piece.size() >= want) {
      queue_.push_back({piece.first(want), {}, next_index_++});
      piece = piece.subspan(want);
      queued_views = true;
      continue;
    }
    if (pending_.empty()) pending_.reserve(want);
    const std::size_t take = std::min(piece.size(), want - pending_.size());
    pending_.insert(pending_.end(), piece.begin(), piece.begin() + static_cast<std::ptrdiff_t>(take));
    piece = piece.subspan(take);
    if (pending_.size() == want) {
      queue_.push_back({{}, std::move(pending_), next_index_++});
      pending_ = {};
    }
  }
  // Views die when this call returns; owned chunks wait until every thread has one.
  if (queued_views || queue_.size() >= threads_) run_queued();
}

void chunked_deflater::run_queued() {
  const std::size_t count = result_.chunk_sizes.size();
  if (outputs_.size() < queue_.size()) outputs_.resize(queue_.size());
  std::vector<std::span<const std::byte>> compressed(queue_.size());
  parallel_for(queue_.size(), threads_, [&](std::size_t i) {
    const job& j = queue_[i];
    compressed[i] = deflate_chunk(j.bytes(), level_, j.index + 1 == count, outputs_[i]);
    crcs_[j.index] = crc32_update(0, j.bytes());
  });
  // Jobs are queued in chunk order, so the sink gets the member in order.
  for (std::size_t i = 0; i < queue_.size(); ++i) {
    result_.chunk_sizes[queue_[i].index] = compressed[i].size();
    if (sink_) {
      sink_(compressed[i]);
    } else {
      result_.chunks[queue_[i].index].assign(compressed[i].begin(), compressed[i].end());
    }
  }
  queue_.clear();
}

deflated_member chunked_deflater::finish() {
  if (fed_ != result_.uncompressed_size) {
    throw error(error_kind::usage,
                "the array's data is " + std::to_string(fed_) + " bytes, its header says " + std::to_string(result_.uncompressed_size));
  }
  run_queued();
  result_.crc = crcs_.empty() ? 0 : crcs_[0];
  result_.compressed_size = 0;
  for (std::size_t i = 0; i < result_.chunk_sizes.size(); ++i) {
    if (i > 0) result_.crc = crc32_join(result_.crc, crcs_[i], chunk_length(i));
    result_.compressed_size += result_.chunk_sizes[i];
  }
  return std::move(result_);
}

}  // namespace eisgrid::npz::detail
