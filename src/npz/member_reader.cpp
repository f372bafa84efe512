#include "npz/member_reader.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <exception>
#include <vector>

#include "base/error.hpp"
#include "npz/checksum.hpp"
#include "npz/inflate.hpp"
#include "npz/npy_dict.hpp"
#include "npz/parallel.hpp"
#include "npz/zip_format.hpp"

namespace eisgrid::npz::detail {
namespace {

// Pieces of a stored member checksummed in parallel; big enough that joining
// CRCs (a few hundred ns each) is noise. Also the pieces scan_member streams.
constexpr std::size_t k_crc_piece_bytes = std::size_t{8} << 20;
// scan_member reads members up to this size whole, as a load does (same code,
// same messages); larger ones are streamed.
constexpr std::uint64_t k_scan_whole_bytes = std::uint64_t{64} << 20;
// Chunked members whose chunks are longer than this are streamed as one
// deflate stream (they are one), so a batch of chunks stays small.
constexpr std::uint64_t k_scan_max_chunk_bytes = std::uint64_t{16} << 20;
// Each chunk is copied out of the file to be inflated (archive_bytes::copy
// says why). Deflate grows incompressible data by 5 bytes in 64 KiB: a chunk
// that grew by more than this share is padded, and its member is inflated as
// the one stream it also is, so a hostile table cannot make a load copy
// gigabytes for a small array.
constexpr std::uint64_t k_max_chunk_growth_divisor = 8;
constexpr std::uint64_t k_max_chunk_growth_bytes = 1024;  // for tiny chunks
// A thread keeps its chunk copy buffer for its next chunks (and loads) up to
// this size; the writer's chunks are 1 MiB.
constexpr std::size_t k_kept_chunk_copy_bytes = std::size_t{4} << 20;

bool chunks_copyable(const chunk_table& table) {
  const std::uint64_t limit = table.span + table.span / k_max_chunk_growth_divisor + k_max_chunk_growth_bytes;
  for (std::size_t i = 0; i + 1 < table.compressed_offsets.size(); ++i) {
    if (table.compressed_offsets[i + 1] - table.compressed_offsets[i] > limit) return false;
  }
  return true;
}

// Copies chunk `i` of `entry` into a buffer of the thread's, with the room
// inflate_chunk needs after a chunk but the last, and inflates it into `out`.
void inflate_copied_chunk(const archive_bytes& archive, const zip_entry& entry, std::size_t i, std::span<std::byte> out) {
  // Reused by the thread's next chunks, so the copy stays in its cache and
  // its pages are faulted in once; an unusually large one is not kept.
  thread_local array_bytes buffer;
  struct trim {
    ~trim() {
      if (buffer.capacity() > k_kept_chunk_copy_bytes) array_bytes().swap(buffer);
    }
  } const trim_after;
  const chunk_table& table = *entry.chunks;
  const std::uint64_t begin = table.compressed_offsets[i];
  const auto size = static_cast<std::size_t>(table.compressed_offsets[i + 1] - begin);
  const bool last = i + 2 == table.compressed_offsets.size();
  buffer.resize(size + (last ? 0 : k_chunk_closing_bytes));
  archive.copy(entry.data_offset + begin, std::span(buffer).first(size));
  inflate_chunk(buffer, out, last);
}

// Fresh anonymous memory costs a fault per 4 KiB page when first touched,
// and the kernel zeroes each page in the faulting thread. For a 160 MB array
// on the reference VM: 60 ms with 4 KiB pages in the thread that resizes the
// vector; 22 ms with transparent huge pages; about half that again when the
// pages are populated by all the reading threads before the resize.
constexpr std::size_t k_huge_page_bytes = std::size_t{2} << 20;
constexpr std::size_t k_huge_page_threshold = 4 * k_huge_page_bytes;

void size_output(array_bytes& data, std::size_t n, unsigned threads) {
  data.reserve(n);
  if (n >= k_huge_page_threshold) {
    const auto begin = reinterpret_cast<std::uintptr_t>(data.data());
    const std::uintptr_t first = (begin + k_huge_page_bytes - 1) & ~(k_huge_page_bytes - 1);
    const std::uintptr_t last = (begin + n) & ~(k_huge_page_bytes - 1);
    // Both are advice: if the kernel declines, pages are smaller or faulted later.
    if (last > first) {
      (void)::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
      const std::size_t pages = (last - first) / k_huge_page_bytes;
      parallel_for(pages, threads, [&](std::size_t i) {
        (void)::madvise(reinterpret_cast<void*>(first + i * k_huge_page_bytes), k_huge_page_bytes, MADV_POPULATE_WRITE);
      });
    }
  }
  data.resize(n);
}

[[noreturn]] void invalid(const std::string& message) { throw error(error_kind::invalid_input, message); }

std::span<const std::byte> member_bytes(std::span<const std::byte> file, const zip_entry& entry) {
  return file.subspan(entry.data_offset, entry.compressed_size);  // bounds checked by read_directory
}

std::uint32_t parallel_crc(std::span<const std::byte> bytes, unsigned threads) {
  const std::size_t pieces = std::max<std::size_t>(1, (bytes.size() + k_crc_piece_bytes - 1) / k_crc_piece_bytes);
  std::vector<std::uint32_t> crcs(pieces);
  parallel_for(pieces, threads, [&](std::size_t i) {
    crcs[i] = crc32_update(0, bytes.subspan(i * k_crc_piece_bytes, std::min(k_crc_piece_bytes, bytes.size() - i * k_crc_piece_bytes)));
  });
  std::uint32_t crc = crcs[0];
  for (std::size_t i = 1; i < pieces; ++i) {
    crc = crc32_join(crc, crcs[i], std::min(k_crc_piece_bytes, bytes.size() - i * k_crc_piece_bytes));
  }
  return crc;
}

// The header of a deflated member, and the bytes it takes up.
array_header inflate_header(std::span<const std::byte> in, const zip_entry& entry, std::size_t& header_size,
                            std::vector<std::byte>& prefix) {
  stream_inflater inflater(in);
  const auto total = static_cast<std::size_t>(entry.uncompressed_size);
  inflater.read(std::min(total, k_npy_length_probe), prefix);
  const std::size_t preamble = npy_preamble_size(prefix);
  if (preamble > total) invalid("member is shorter than its .npy header");
  // A (hostile) preamble can be shorter than the probe; never read backwards.
  if (preamble > prefix.size()) inflater.read(preamble - prefix.size(), prefix);
  return decode_npy_header(prefix, header_size);
}

void check_data_size(const array_header& header, std::uint64_t data_bytes) {
  if (header.type.kind != dtype_kind::object && data_bytes != header.data_bytes()) {
    invalid("member holds " + std::to_string(data_bytes) + " data bytes, its .npy header says " + std::to_string(header.data_bytes()));
  }
}

// Inflates a chunked member: each chunk straight into its place in `data`,
// except those holding (part of) the .npy header, which go through a buffer.
std::uint32_t inflate_chunks(const archive_bytes& archive, const zip_entry& entry, std::size_t header_size, array_bytes& data,
                             unsigned threads) {
  const chunk_table& table = *entry.chunks;
  const std::size_t count = table.compressed_offsets.size() - 1;
  std::vector<std::uint32_t> crcs(count);
  auto length_of = [&](std::size_t i) { return std::min(table.span, entry.uncompressed_size - i * table.span); };
  parallel_for(count, threads, [&](std::size_t i) {
    const std::uint64_t start = i * table.span;
    const auto length = static_cast<std::size_t>(length_of(i));
    if (start >= header_size) {
      const auto out = std::span(data).subspan(start - header_size, length);
      inflate_copied_chunk(archive, entry, i, out);
      crcs[i] = crc32_update(0, out);  // while the chunk is still in cache
      return;
    }
    array_bytes buffer(length);
    inflate_copied_chunk(archive, entry, i, buffer);
    crcs[i] = crc32_update(0, buffer);
    const std::size_t skip = header_size - static_cast<std::size_t>(start);
    if (length > skip) std::memcpy(data.data(), buffer.data() + skip, length - skip);
  });
  std::uint32_t crc = crcs[0];
  for (std::size_t i = 1; i < count; ++i) crc = crc32_join(crc, crcs[i], length_of(i));
  return crc;
}

// Hands the sink whole elements only: an element split between two pieces
// waits in `carry_` for the rest.
class element_aligner {
 public:
  element_aligner(std::size_t item_size, const data_sink& sink) : item_size_(std::max<std::size_t>(item_size, 1)), sink_(sink) {}

  void operator()(std::span<const std::byte> piece) {
    if (!carry_.empty()) {
      const std::size_t take = std::min(item_size_ - carry_.size(), piece.size());
      carry_.insert(carry_.end(), piece.begin(), piece.begin() + static_cast<std::ptrdiff_t>(take));
      piece = piece.subspan(take);
      if (carry_.size() < item_size_) return;
      sink_(carry_);
      carry_.clear();
    }
    const std::size_t whole = piece.size() / item_size_ * item_size_;
    if (whole > 0) sink_(piece.first(whole));
    carry_.assign(piece.begin() + static_cast<std::ptrdiff_t>(whole), piece.end());
  }

 private:
  std::size_t item_size_;
  const data_sink& sink_;
  std::vector<std::byte> carry_;
};

// Gives the whole pages of `bytes`, part of a file mapping, back to the
// kernel: read again, they would fault in from the page cache.
void release(std::span<const std::byte> bytes) {
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto begin = (reinterpret_cast<std::uintptr_t>(bytes.data()) + page - 1) & ~(page - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(bytes.data()) + bytes.size()) & ~(page - 1);
  if (end > begin) (void)::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);  // advice
}

// A large stored member: CRC over pieces, the data handed on once the header
// and size are known good. The CRC is checked first, as stored_member_data does.
array_header scan_stored(std::span<const std::byte> in, const zip_entry& entry, unsigned threads, bool release_pages,
                         const data_sink& sink) {
  array_header header;
  std::size_t header_size = 0;
  std::exception_ptr problem;
  try {
    header = decode_npy_header(in, header_size);
    check_data_size(header, in.size() - header_size);
  } catch (const error&) {
    problem = std::current_exception();
  }
  element_aligner aligned(header.type.item_size(), sink);
  const std::size_t step = k_crc_piece_bytes * resolve_threads(threads);
  std::uint32_t crc = 0;
  for (std::size_t start = 0; start < in.size(); start += step) {
    const auto piece = in.subspan(start, std::min(step, in.size() - start));
    crc = crc32_join(crc, parallel_crc(piece, threads), piece.size());
    if (!problem && start + piece.size() > header_size) aligned(piece.subspan(start >= header_size ? 0 : header_size - start));
    if (release_pages) release(piece);
  }
  if (crc != entry.crc) invalid("CRC mismatch");
  if (problem) std::rethrow_exception(problem);
  return header;
}

// A large deflated member through zlib, a piece at a time.
void scan_stream(std::span<const std::byte> in, const zip_entry& entry, std::size_t header_size, bool release_pages,
                 element_aligner& aligned) {
  stream_inflater inflater(in);
  std::vector<std::byte> piece(k_crc_piece_bytes);
  std::uint32_t crc = 0;
  std::size_t released = 0;
  for (std::uint64_t at = 0; at < entry.uncompressed_size;) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(piece.size(), entry.uncompressed_size - at));
    const auto out = std::span(piece).first(n);
    inflater.read(out);
    crc = crc32_join(crc, crc32_update(0, out), n);
    if (at + n > header_size) aligned(out.subspan(at >= header_size ? 0 : static_cast<std::size_t>(header_size - at)));
    at += n;
    if (release_pages) {
      release(in.subspan(released, inflater.consumed() - released));
      released = inflater.consumed();
    }
  }
  inflater.finish();
  if (crc != entry.crc) invalid("CRC mismatch");
}

// A large chunked member, `threads` chunks at a time, each inflated as a
// load does and handed on in order. The chunks are copied out of the file,
// so no page of its mapping is touched.
void scan_chunks(const archive_bytes& archive, const zip_entry& entry, std::size_t header_size, unsigned threads,
                 element_aligner& aligned) {
  const chunk_table& table = *entry.chunks;
  const std::size_t count = table.compressed_offsets.size() - 1;
  const std::size_t batch = resolve_threads(threads);
  std::vector<std::vector<std::byte>> buffers(batch);
  std::vector<std::uint32_t> crcs(batch);
  auto length_of = [&](std::size_t i) { return static_cast<std::size_t>(std::min(table.span, entry.uncompressed_size - i * table.span)); };
  std::uint32_t crc = 0;
  for (std::size_t first = 0; first < count; first += batch) {
    const std::size_t n = std::min(batch, count - first);
    parallel_for(n, threads, [&](std::size_t k) {
      const std::size_t i = first + k;
      buffers[k].resize(length_of(i));
      inflate_copied_chunk(archive, entry, i, buffers[k]);
      crcs[k] = crc32_update(0, buffers[k]);
    });
    for (std::size_t k = 0; k < n; ++k) {
      const std::uint64_t start = (first + k) * table.span;
      crc = first + k == 0 ? crcs[k] : crc32_join(crc, crcs[k], buffers[k].size());
      if (start + buffers[k].size() > header_size) {
        aligned(std::span<const std::byte>(buffers[k]).subspan(start >= header_size ? 0 : static_cast<std::size_t>(header_size - start)));
      }
    }
  }
  if (crc != entry.crc) invalid("CRC mismatch");
}

}  // namespace

array_header read_member_header(std::span<const std::byte> file, const zip_entry& entry) {
  const auto in = member_bytes(file, entry);
  std::size_t header_size = 0;
  if (entry.method == k_method_stored) return decode_npy_header(in, header_size);
  std::vector<std::byte> prefix;
  return inflate_header(in, entry, header_size, prefix);
}

std::span<const std::byte> stored_member_data(std::span<const std::byte> file, const zip_entry& entry, unsigned threads,
                                              array_header& header) {
  const auto in = member_bytes(file, entry);
  if (parallel_crc(in, threads) != entry.crc) invalid("CRC mismatch");
  std::size_t header_size = 0;
  header = decode_npy_header(in, header_size);
  check_data_size(header, in.size() - header_size);
  return in.subspan(header_size);
}

array read_member(const archive_bytes& archive, const zip_entry& entry, unsigned threads) {
  const auto file = archive.bytes();
  const auto in = member_bytes(file, entry);
  array out;
  std::size_t header_size = 0;
  std::uint32_t crc = 0;
  if (entry.method == k_method_stored) {
    const auto data = stored_member_data(file, entry, threads, out.header);
    size_output(out.data, data.size(), threads);
    if (!data.empty()) std::memcpy(out.data.data(), data.data(), data.size());
    return out;
  }
  std::vector<std::byte> prefix;
  out.header = inflate_header(in, entry, header_size, prefix);
  check_data_size(out.header, entry.uncompressed_size - header_size);
  if (entry.chunks && chunks_copyable(*entry.chunks)) {
    size_output(out.data, static_cast<std::size_t>(entry.uncompressed_size - header_size), threads);
    crc = inflate_chunks(archive, entry, header_size, out.data, threads);
  } else {
    // libdeflate needs the whole stream's output in one buffer: inflate
    // header and data together, then slide the data down over the header.
    // (Chunks that cannot be copied are the one stream they also are.)
    size_output(out.data, static_cast<std::size_t>(entry.uncompressed_size), threads);
    inflate_whole(in, out.data);
    crc = crc32_update(0, out.data);
    out.data.erase(out.data.begin(), out.data.begin() + static_cast<std::ptrdiff_t>(header_size));
  }
  if (crc != entry.crc) invalid("CRC mismatch");
  return out;
}

}  // namespace eisgrid::npz::detail

namespace eisgrid::npz::detail {

array_header scan_member(const archive_bytes& archive, const zip_entry& entry, unsigned threads, bool release_pages,
                         const data_sink& sink) {
  const auto in = member_bytes(archive.bytes(), entry);
  if (entry.uncompressed_size <= k_scan_whole_bytes) {
    const array whole = read_member(archive, entry, threads);
    element_aligner(whole.header.type.item_size(), sink)(whole.data);
    if (release_pages) release(in);
    return whole.header;
  }
  if (entry.method == k_method_stored) return scan_stored(in, entry, threads, release_pages, sink);
  std::vector<std::byte> prefix;
  std::size_t header_size = 0;
  const array_header header = inflate_header(in, entry, header_size, prefix);
  check_data_size(header, entry.uncompressed_size - header_size);
  element_aligner aligned(header.type.item_size(), sink);
  if (entry.chunks && entry.chunks->span <= k_scan_max_chunk_bytes && chunks_copyable(*entry.chunks)) {
    scan_chunks(archive, entry, header_size, threads, aligned);
  } else {
    scan_stream(in, entry, header_size, release_pages, aligned);
  }
  return header;
}

}  // namespace eisgrid::npz::detail
