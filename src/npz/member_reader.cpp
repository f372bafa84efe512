#include "npz/member_reader.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "base/error.hpp"
#include "npz/checksum.hpp"
#include "npz/inflate.hpp"
#include "npz/npy_dict.hpp"
#include "npz/parallel.hpp"
#include "npz/zip_format.hpp"

namespace eisgrid::npz::detail {
namespace {

// Pieces of a stored member checksummed in parallel; big enough that joining
// CRCs (a few hundred ns each) is noise.
constexpr std::size_t k_crc_piece_bytes = std::size_t{8} << 20;

// Fresh anonymous memory costs a fault per 4 KiB page when first touched,
// and the kernel zeroes each page in the faulting thread. For a 160 MB array
// on the reference VM: 60 ms with 4 KiB pages in the thread that resizes the
// vector; 22 ms with transparent huge pages; about half that again when the
// pages are populated by all the reading threads before the resize.
constexpr std::size_t k_huge_page_bytes = std::size_t{2} << 20;
constexpr std::size_t k_huge_page_threshold = 4 * k_huge_page_bytes;

void size_output(std::vector<std::byte>& data, std::size_t n, unsigned threads) {
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
  prefix_inflater inflater(in);
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
std::uint32_t inflate_chunks(std::span<const std::byte> in, const zip_entry& entry, std::size_t header_size, std::vector<std::byte>& data,
                             unsigned threads) {
  const chunk_table& table = *entry.chunks;
  const std::size_t count = table.compressed_offsets.size() - 1;
  std::vector<std::uint32_t> crcs(count);
  auto length_of = [&](std::size_t i) { return std::min(table.span, entry.uncompressed_size - i * table.span); };
  parallel_for(count, threads, [&](std::size_t i) {
    const std::uint64_t start = i * table.span;
    const auto length = static_cast<std::size_t>(length_of(i));
    const auto chunk_in = in.subspan(table.compressed_offsets[i], table.compressed_offsets[i + 1] - table.compressed_offsets[i]);
    const bool last = i + 1 == count;
    if (start >= header_size) {
      const auto out = std::span(data).subspan(start - header_size, length);
      inflate_chunk(chunk_in, out, last);
      crcs[i] = crc32_update(0, out);  // while the chunk is still in cache
      return;
    }
    std::vector<std::byte> buffer(length);
    inflate_chunk(chunk_in, buffer, last);
    crcs[i] = crc32_update(0, buffer);
    const std::size_t skip = header_size - static_cast<std::size_t>(start);
    if (length > skip) std::memcpy(data.data(), buffer.data() + skip, length - skip);
  });
  std::uint32_t crc = crcs[0];
  for (std::size_t i = 1; i < count; ++i) crc = crc32_join(crc, crcs[i], length_of(i));
  return crc;
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

array read_member(std::span<const std::byte> file, const zip_entry& entry, unsigned threads) {
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
  if (entry.chunks) {
    size_output(out.data, static_cast<std::size_t>(entry.uncompressed_size - header_size), threads);
    crc = inflate_chunks(in, entry, header_size, out.data, threads);
  } else {
    // libdeflate needs the whole stream's output in one buffer: inflate
    // header and data together, then slide the data down over the header.
    size_output(out.data, static_cast<std::size_t>(entry.uncompressed_size), threads);
    inflate_whole(in, out.data);
    crc = crc32_update(0, out.data);
    out.data.erase(out.data.begin(), out.data.begin() + static_cast<std::ptrdiff_t>(header_size));
  }
  if (crc != entry.crc) invalid("CRC mismatch");
  return out;
}

}  // namespace eisgrid::npz::detail
