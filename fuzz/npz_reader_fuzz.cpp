// libFuzzer harness for everything that parses untrusted bytes in the npz
// module. Each input is tried three ways, so that mutations reach the inner
// parsers too (inside an archive, a mutated member fails its CRC first):
//   1. as an .npz archive: open, then header() and read() of every member,
//      the pickle of every object member, and the JSON of every unicode
//      scalar through the depth-limited parser datasets use;
//   2. as an .npy file: its header, then the pickle after an object header;
//   3. as a bare pickle.
// Only eisgrid::error may escape the library; anything else (a crash, a
// sanitizer report, another exception, a leak) is a finding.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "base/error.hpp"
#include "base/untrusted_json.hpp"
#include "npz/array.hpp"
#include "npz/pickle.hpp"
#include "npz/reader.hpp"

namespace {

// Keeps a hostile size claim from making the fuzzer allocate gigabytes.
constexpr std::uint64_t k_fuzz_max_member_bytes = 64 << 20;

void try_archive(const std::vector<std::byte>& bytes) {
  eisgrid::npz::read_options options;
  options.max_member_bytes = k_fuzz_max_member_bytes;
  options.threads = 1 + bytes.size() % 2;  // both the serial and the parallel path
  try {
    const auto r = eisgrid::npz::reader::from_bytes(bytes, "fuzz.npz", options);
    for (const auto& member : r.members()) {
      try {
        (void)r.header(member.name);
        const eisgrid::npz::array a = r.read(member.name);
        if (a.header.type.kind == eisgrid::npz::dtype_kind::object) (void)eisgrid::npz::read_pickled_object(a.data);
        if (a.header.type.kind == eisgrid::npz::dtype_kind::unicode && a.header.element_count() == 1) {
          (void)eisgrid::parse_untrusted_json(eisgrid::npz::unicode_scalar_text(a));
        }
      } catch (const eisgrid::error&) {
      }
    }
  } catch (const eisgrid::error&) {
  }
}

void try_npy(std::span<const std::byte> bytes) {
  try {
    std::size_t offset = 0;
    const eisgrid::npz::array_header header = eisgrid::npz::decode_npy_header(bytes, offset);
    if (header.type.kind == eisgrid::npz::dtype_kind::object) {
      (void)eisgrid::npz::read_pickled_object(bytes.subspan(offset));
    }
  } catch (const eisgrid::error&) {
  }
}

void try_pickle(std::span<const std::byte> bytes) {
  try {
    (void)eisgrid::npz::read_pickled_object(bytes);
  } catch (const eisgrid::error&) {
  }
}

// The bytes as JSON text: the depth scan must never pass what would nest
// deeper than the limit (the parse would then recurse in dump below).
void try_json(std::span<const std::byte> bytes) {
  try {
    const auto value = eisgrid::parse_untrusted_json(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    (void)value.dump();
  } catch (const eisgrid::error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::byte> bytes(size);
  if (size > 0) std::memcpy(bytes.data(), data, size);
  try_archive(bytes);
  try_npy(bytes);
  try_pickle(bytes);
  try_json(bytes);
  return 0;
}
