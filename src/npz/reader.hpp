#pragma once
// Reads .npz archives: numpy's own (deflate or stored, ZIP64), ours, and the
// old exporter's files whose metadata is a pickled object array. Every length
// and offset is checked against the file before use, and every member's CRC
// is verified when it is read. Nothing in a file is ever executed.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "npz/array.hpp"

namespace eisgrid::npz {

struct member_info {
  std::string name;  // without ".npy"
  std::uint64_t compressed_size = 0;
  std::uint64_t uncompressed_size = 0;
  bool deflated = false;
};

struct read_options {
  // Members larger than this (uncompressed) are refused with error(too_large)
  // before anything is allocated for them.
  std::uint64_t max_member_bytes = std::uint64_t{64} << 30;
  // Threads inflating one chunked member (0: all cores).
  unsigned threads = 0;
  // Fault the whole file in when it is opened: far cheaper than a fault per
  // page for a load that reads every byte. Off for a reader that reads a few
  // members or streams them (scan()).
  bool populate = true;
};

// Thread-safe for concurrent reads once opened.
class reader {
 public:
  // Opens and indexes the archive. Throws error(not_found) if the file is
  // missing, error(invalid_input) with the reason if it is not a readable .npz
  // ("not a ZIP archive", "truncated central directory", "member 'x.npy' uses
  // unsupported compression method 12", ...). Every message names the file.
  static reader open(const std::filesystem::path& path);
  // The same for bytes already in memory (used by the fuzz harness and tests).
  static reader from_bytes(std::vector<std::byte> bytes, std::string display_name);
  static reader open(const std::filesystem::path& path, const read_options& options);
  static reader from_bytes(std::vector<std::byte> bytes, std::string display_name, const read_options& options);

  reader(reader&&) noexcept;
  reader& operator=(reader&&) noexcept;
  ~reader();

  [[nodiscard]] const std::vector<member_info>& members() const noexcept;
  [[nodiscard]] bool contains(std::string_view name) const noexcept;
  // Parses only the member's .npy header (inflating just enough of it).
  [[nodiscard]] array_header header(std::string_view name) const;
  // Reads, inflates and CRC-checks the whole member. Throws error(not_found)
  // for a missing member, error(invalid_input) for a corrupt one
  // ("member 'resnorms.npy': CRC mismatch").
  [[nodiscard]] array read(std::string_view name) const;
  // Like read(), but a stored member of a file opened with open() is not
  // copied: the result points into the file's mapping, which it keeps alive
  // after the reader is gone. Other members are read as by read(). The file
  // must not be truncated in place while the result lives (eisgrid replaces
  // files by rename, which leaves a mapping intact).
  [[nodiscard]] shared_array read_shared(std::string_view name) const;
  // Streams the member's data (after its .npy header) through `sink`, in
  // order, in pieces of whole elements, and checks it with read()'s errors,
  // holding a few MiB of it at a time however large it is; of a file opened
  // with open(), the pages read are given back to the kernel as it goes.
  // Returns the member's header. A sink that records what it finds rather
  // than throwing leaves the member's own errors (CRC mismatch) first.
  array_header scan(std::string_view name, const std::function<void(std::span<const std::byte>)>& sink) const;
  [[nodiscard]] const std::string& display_name() const noexcept;

 private:
  struct impl;
  explicit reader(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace eisgrid::npz
