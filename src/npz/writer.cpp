#include "npz/writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <unordered_set>
#include <vector>

#include "base/atomic_file.hpp"
#include "base/error.hpp"
#include "base/utf8.hpp"
#include "npz/byte_order.hpp"
#include "npz/checksum.hpp"
#include "npz/deflate_chunks.hpp"
#include "npz/zip_format.hpp"
#include "npz/zip_records.hpp"

namespace eisgrid::npz {
namespace {

constexpr int k_max_level = 3;  // ISA-L's levels are 0..3
// Smaller chunks cost ratio (each restarts the history); larger ones must fit
// ISA-L's 32-bit stream counters with room to spare.
constexpr std::size_t k_min_chunk_bytes = 1024;
constexpr std::size_t k_max_chunk_bytes = std::size_t{1} << 28;
// Written bytes whose disk writes are started at once (see emit).
constexpr std::uint64_t k_writeback_bytes = std::uint64_t{8} << 20;
// Member names are dict keys, not paths; 255 bytes is any file system's limit.
constexpr std::size_t k_max_name_bytes = 255;
constexpr std::string_view k_member_suffix = ".npy";

void check_name(std::string_view name) {
  if (name.empty() || name.size() > k_max_name_bytes) {
    throw error(error_kind::usage, "array name must be 1 to " + std::to_string(k_max_name_bytes) + " bytes");
  }
  try {
    validate_utf8(name, "array name");
  } catch (const error& e) {
    throw error(error_kind::usage, e.what());  // the caller's mistake, not a bad file
  }
  for (char c : name) {
    // No separators or control characters, so `unzip` can never write outside its directory.
    if (static_cast<unsigned char>(c) < 0x20 || c == '/' || c == '\\') {
      throw error(error_kind::usage, "array name '" + std::string(name) + "' has a '/', '\\' or control character");
    }
  }
}

}  // namespace

struct writer::impl {
  impl(int fd_in, std::string what_in, const write_options& options_in) : fd(fd_in), what(std::move(what_in)), options(options_in) {}

  int fd;
  std::string what;  // "'x.npz'", for messages
  write_options options;
  std::uint64_t offset = 0;
  std::uint64_t written_back = 0;  // bytes before this have had their disk writes started
  std::vector<detail::entry_record> entries;
  std::unordered_set<std::string> names;
  bool broken = false;  // a member was half written: the archive cannot be finished
  bool finished = false;

  void emit(std::span<const std::byte> bytes) {
    broken = true;
    write_all(fd, bytes, what);
    offset = detail::checked_add(offset, bytes.size(), "archive size");
    broken = false;
    // Starts the disk writes of each few MiB as they come, without waiting,
    // so that the fsync that makes the file durable waits for the last few
    // alone: for a g=10 export (75 MB) that wait was 73 ms, a tenth of the
    // run. Advice: a descriptor that is no regular file refuses it, harmlessly.
    if (offset - written_back >= k_writeback_bytes) {
      (void)::sync_file_range(fd, static_cast<off_t>(written_back), static_cast<off_t>(offset - written_back), SYNC_FILE_RANGE_WRITE);
      written_back = offset;
    }
  }

  detail::entry_record begin(std::string_view name, const array_header& header) {
    if (finished) throw error(error_kind::usage, "cannot add to " + what + ": the archive is finished");
    if (broken) throw error(error_kind::usage, "cannot add to " + what + ": an earlier write failed");
    check_name(name);
    if (names.contains(std::string(name))) {
      throw error(error_kind::usage, "cannot add '" + std::string(name) + "' to " + what + " twice");
    }
    if (header.type.kind == dtype_kind::object) {
      throw error(error_kind::usage, "eisgrid does not write object arrays: numpy would need allow_pickle");
    }
    (void)header.data_bytes();  // rejects overflowing shapes before anything is written
    detail::entry_record entry;
    entry.file_name = std::string(name) + std::string(k_member_suffix);
    entry.local_header_offset = offset;
    return entry;
  }

  void commit(detail::entry_record entry) {
    names.insert(entry.file_name.substr(0, entry.file_name.size() - k_member_suffix.size()));
    entries.push_back(std::move(entry));
  }

  // Takes back the bytes written from `to` on; the archive stays broken if that fails.
  void rewind(std::uint64_t to) noexcept {
    if (::ftruncate(fd, static_cast<off_t>(to)) == 0 && ::lseek(fd, static_cast<off_t>(to), SEEK_SET) >= 0) {
      offset = to;
      written_back = std::min(written_back, to);
      broken = false;
    }
  }

  void write_deflated(detail::entry_record entry, const detail::deflated_member& member) {
    entry.method = detail::k_method_deflate;
    entry.crc = member.crc;
    entry.compressed_size = member.compressed_size;
    entry.uncompressed_size = member.uncompressed_size;
    entry.chunk_table = detail::encode_chunk_table(member.chunk_sizes, member.chunk_span);
    emit(detail::encode_local_header(entry));
    for (const auto& chunk : member.chunks) emit(chunk);
    commit(std::move(entry));
  }

  // Writes the member's chunks as they are compressed, after a local header
  // of the same size that is rewritten once the CRC and sizes are known.
  // Holding the compressed member instead cost a copy of it and a page fault
  // per 4 KiB of it. The header's layout depends on whether a size needs
  // ZIP64, which the compressed size cannot change when the member is under
  // 2 GiB (it compresses to at most twice that) or over 4 GiB (ZIP64 anyway).
  [[nodiscard]] static bool can_stream(std::uint64_t total) noexcept {
    return total < detail::k_zip64_marker32 / 2 || total >= detail::k_zip64_marker32;
  }

  void stream_deflated(detail::entry_record entry, std::uint64_t total, const std::vector<std::byte>& npy, const data_source& source) {
    entry.method = detail::k_method_deflate;
    entry.uncompressed_size = entry.compressed_size = total;
    const std::vector<std::byte> placeholder = detail::encode_local_header(entry);
    emit(placeholder);
    broken = true;  // until the member is complete and its header rewritten
    bool write_failed = false;
    detail::deflated_member member;
    try {
      detail::chunked_deflater deflater(total, options, [&](std::span<const std::byte> chunk) {
        write_failed = true;
        emit(chunk);
        write_failed = false;
        broken = true;
      });
      deflater.feed(npy);
      source([&](std::span<const std::byte> piece) { deflater.feed(piece); });
      member = deflater.finish();
    } catch (...) {
      // A source that fails leaves the archive usable, as it did when
      // members were held until complete; a failed write leaves it broken.
      if (!write_failed) rewind(entry.local_header_offset);
      throw;
    }
    entry.crc = member.crc;
    entry.compressed_size = member.compressed_size;
    entry.chunk_table = detail::encode_chunk_table(member.chunk_sizes, member.chunk_span);
    const std::vector<std::byte> header = detail::encode_local_header(entry);
    if (header.size() != placeholder.size()) throw error(error_kind::internal, "the local header of a streamed member changed size");
    pwrite_all(fd, header, entry.local_header_offset, what);
    broken = false;
    commit(std::move(entry));
  }
};

writer::writer(int fd, std::string description, write_options options)
    : impl_(std::make_unique<impl>(fd, "'" + description + "'", options)) {
  if (options.level < 0 || options.level > k_max_level) {
    throw error(error_kind::usage, "deflate level must be 0 to " + std::to_string(k_max_level));
  }
  if (options.chunk_bytes < k_min_chunk_bytes || options.chunk_bytes > k_max_chunk_bytes) {
    throw error(error_kind::usage, "chunk_bytes must be " + std::to_string(k_min_chunk_bytes) + " to " + std::to_string(k_max_chunk_bytes));
  }
}

writer::~writer() = default;

void writer::add(std::string_view name, const array_header& header, std::span<const std::byte> data) {
  detail::entry_record entry = impl_->begin(name, header);
  if (data.size() != header.data_bytes()) {
    throw error(error_kind::usage, "array '" + std::string(name) + "' has " + std::to_string(data.size()) + " bytes, its header says " +
                                       std::to_string(header.data_bytes()));
  }
  const std::vector<std::byte> npy = encode_npy_header(header);
  const std::uint64_t total = npy.size() + data.size();
  if (impl_->options.method == compression::deflate && impl::can_stream(total)) {
    impl_->stream_deflated(std::move(entry), total, npy, [&](const std::function<void(std::span<const std::byte>)>& sink) { sink(data); });
    return;
  }
  if (impl_->options.method == compression::deflate) {
    detail::chunked_deflater deflater(total, impl_->options);
    deflater.feed(npy);
    deflater.feed(data);
    impl_->write_deflated(std::move(entry), deflater.finish());
    return;
  }
  entry.method = detail::k_method_stored;
  entry.crc = detail::crc32_update(detail::crc32_update(0, npy), data);
  entry.compressed_size = entry.uncompressed_size = total;
  impl_->emit(detail::encode_local_header(entry));
  impl_->emit(npy);
  impl_->emit(data);
  impl_->commit(std::move(entry));
}

void writer::add(std::string_view name, const array_header& header, const data_source& source) {
  detail::entry_record entry = impl_->begin(name, header);
  const std::vector<std::byte> npy = encode_npy_header(header);
  const std::uint64_t total = npy.size() + header.data_bytes();
  if (impl_->options.method == compression::deflate && impl::can_stream(total)) {
    impl_->stream_deflated(std::move(entry), total, npy, source);
    return;
  }
  if (impl_->options.method == compression::deflate) {
    detail::chunked_deflater deflater(total, impl_->options);
    deflater.feed(npy);
    source([&](std::span<const std::byte> piece) { deflater.feed(piece); });
    impl_->write_deflated(std::move(entry), deflater.finish());
    return;
  }
  // Stored: the sizes are known, the CRC is not until the data has streamed
  // past, so it is patched into the local header afterwards.
  entry.method = detail::k_method_stored;
  entry.compressed_size = entry.uncompressed_size = total;
  impl_->emit(detail::encode_local_header(entry));
  impl_->emit(npy);
  impl_->broken = true;  // until the member is complete
  std::uint32_t crc = detail::crc32_update(0, npy);
  std::uint64_t written = npy.size();
  source([&](std::span<const std::byte> piece) {
    if (piece.size() > total - written) {
      throw error(error_kind::usage, "array '" + std::string(name) + "' produced more data than its header says");
    }
    crc = detail::crc32_update(crc, piece);
    impl_->emit(piece);
    impl_->broken = true;
    written += piece.size();
  });
  if (written != total) {
    throw error(error_kind::usage, "array '" + std::string(name) + "' produced " + std::to_string(written - npy.size()) +
                                       " bytes, its header says " + std::to_string(header.data_bytes()));
  }
  std::vector<std::byte> crc_bytes;
  detail::byte_sink(crc_bytes).u32(crc);
  pwrite_all(impl_->fd, crc_bytes, entry.local_header_offset + detail::k_local_header_crc_offset, impl_->what);
  entry.crc = crc;
  impl_->broken = false;
  impl_->commit(std::move(entry));
}

std::uint64_t writer::finish() {
  if (impl_->finished) throw error(error_kind::usage, "cannot finish " + impl_->what + " twice");
  if (impl_->broken) throw error(error_kind::usage, "cannot finish " + impl_->what + ": an earlier write failed");
  std::vector<std::byte> directory;
  for (const auto& entry : impl_->entries) {
    const std::vector<std::byte> record = detail::encode_central_header(entry);
    directory.insert(directory.end(), record.begin(), record.end());
  }
  const std::uint64_t directory_offset = impl_->offset;
  const std::vector<std::byte> end = detail::encode_end_records(impl_->entries.size(), directory_offset, directory.size());
  impl_->emit(directory);
  impl_->emit(end);
  impl_->finished = true;
  return impl_->offset;
}

}  // namespace eisgrid::npz
