// Damaged archives: every truncation, single-byte flips everywhere, and
// crafted lies in the directory. Each must end in error(invalid_input) with a
// reason, or (for bytes nothing depends on) read exactly the original arrays;
// never a crash, a hang or a silently different array. The sanitizer build
// runs these.

#include <gtest/gtest.h>

#include <map>

#include "base/error.hpp"
#include "npz/pickle.hpp"
#include "npz/reader.hpp"
#include "npz_test_support.hpp"

namespace eisgrid::npz {
namespace {

using testing::scratch_dir;

std::vector<std::byte> small_archive(compression method) {
  scratch_dir dir;
  write_options options;
  options.method = method;
  options.chunk_bytes = 1024;
  std::vector<float> spectrum(1500);
  for (std::size_t i = 0; i < spectrum.size(); ++i) spectrum[i] = static_cast<float>(i % 97) * 1.5F;
  std::vector<std::int64_t> index(64);
  for (std::size_t i = 0; i < index.size(); ++i) index[i] = static_cast<std::int64_t>(i * i);
  testing::write_npz(dir / "a.npz", options, [&](writer& w) {
    w.add("spectrum", make_array<float>(spectrum, {375, 4}));
    w.add("index", make_array<std::int64_t>(index, {64}));
    w.add("metadata", make_unicode_scalar("{\"grid_size\": 5}"));
  });
  return testing::read_bytes(dir / "a.npz");
}

using contents = std::map<std::string, array>;

// Reads everything; returns the arrays, or throws what the reader threw.
contents read_all(const std::vector<std::byte>& bytes) {
  read_options options;
  options.max_member_bytes = 64 << 20;  // flipped sizes must not make a test allocate gigabytes
  options.threads = 2;
  const reader r = reader::from_bytes(bytes, "x.npz", options);
  contents out;
  for (const auto& m : r.members()) {
    (void)r.header(m.name);
    array a = r.read(m.name);
    if (a.header.type.kind == dtype_kind::object) (void)read_pickled_object(a.data);
    out.emplace(m.name, std::move(a));
  }
  return out;
}

bool same(const contents& a, const contents& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [name, x] : a) {
    const auto it = b.find(name);
    if (it == b.end() || it->second.data != x.data || it->second.header.shape != x.header.shape ||
        it->second.header.type != x.header.type) {
      return false;
    }
  }
  return true;
}

// Checks one damaged copy: an invalid_input error with a message naming the
// file, or exactly the original contents.
void expect_rejected_or_intact(const std::vector<std::byte>& damaged, const contents& original, const std::string& what) {
  try {
    const contents got = read_all(damaged);
    EXPECT_TRUE(same(got, original)) << what << ": read different arrays without an error";
  } catch (const error& e) {
    EXPECT_EQ(e.kind(), error_kind::invalid_input) << what << ": " << e.what();
    EXPECT_EQ(std::string(e.what()).rfind("cannot read 'x.npz': ", 0), 0U) << what << ": " << e.what();
  }
}

void exercise_damage(const std::vector<std::byte>& bytes, std::size_t truncate_stride, std::size_t flip_stride) {
  const contents original = read_all(bytes);
  for (std::size_t size = 0; size < bytes.size(); size += truncate_stride) {
    const std::vector<std::byte> truncated(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(size));
    EXPECT_THROW((void)read_all(truncated), error) << "truncated to " << size;
  }
  for (std::size_t at = 0; at < bytes.size(); at += flip_stride) {
    for (std::byte mask : {std::byte{0xFF}, std::byte{0x01}, std::byte{0x80}}) {
      std::vector<std::byte> flipped = bytes;
      flipped[at] ^= mask;
      expect_rejected_or_intact(flipped, original, "byte " + std::to_string(at) + " ^ " + std::to_string(std::to_integer<int>(mask)));
    }
  }
}

TEST(npz_corrupt, chunked_deflate_archive_survives_every_truncation_and_flip) {
  exercise_damage(small_archive(compression::deflate), 1, 1);
}

TEST(npz_corrupt, stored_archive_survives_every_truncation_and_flip) { exercise_damage(small_archive(compression::stored), 1, 1); }

TEST(npz_corrupt, numpy_and_legacy_archives_survive_truncation_and_flips) {
  scratch_dir dir;
  const auto result = testing::run_python(dir, R"py(
import sys, numpy as np
np.savez_compressed(sys.argv[1], a=np.arange(500, dtype='<f8'), m=np.array('h\u00e9llo'))
)py",
                                          {(dir / "n.npz").string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  exercise_damage(testing::read_bytes(dir / "n.npz"), 1, 1);
  exercise_damage(testing::read_bytes(std::filesystem::path(EISGRID_FIXTURES_DIR) / "legacy/sample_grid_5_test.npz"), 7, 61);
}

std::string error_of(const std::vector<std::byte>& bytes) {
  try {
    (void)read_all(bytes);
  } catch (const error& e) {
    EXPECT_EQ(e.kind(), error_kind::invalid_input) << e.what();
    return e.what();
  }
  return "no error";
}

void put_u32(std::vector<std::byte>& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::byte>((v >> (8 * i)) & 0xFF);
}
void put_u16(std::vector<std::byte>& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::byte>(v & 0xFF);
  b[at + 1] = static_cast<std::byte>(v >> 8);
}
std::uint32_t get_u32(const std::vector<std::byte>& b, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= std::to_integer<std::uint32_t>(b[at + i]) << (8 * i);
  return v;
}

TEST(npz_corrupt, rejects_lying_end_records) {
  const std::vector<std::byte> good = small_archive(compression::stored);
  const std::size_t end = good.size() - 22;  // no comment, no ZIP64 records
  ASSERT_EQ(get_u32(good, end), 0x06054b50U);
  auto bad = good;
  put_u32(bad, end + 12, get_u32(good, end + 12) + 1);  // directory size
  EXPECT_EQ(error_of(bad), "cannot read 'x.npz': central directory is not where the end record says");
  bad = good;
  put_u32(bad, end + 16, get_u32(good, end + 16) - 1);  // directory offset
  EXPECT_EQ(error_of(bad), "cannot read 'x.npz': central directory is not where the end record says");
  bad = good;
  put_u16(bad, end + 8, 2);  // entries on this disk, and in all: one too few
  put_u16(bad, end + 10, 2);
  EXPECT_EQ(error_of(bad), "cannot read 'x.npz': central directory has bytes after its last entry");
  bad = good;
  put_u16(bad, end + 8, 4);  // one too many
  put_u16(bad, end + 10, 4);
  EXPECT_NE(error_of(bad).find("claims 4 entries"), std::string::npos) << error_of(bad);
  bad = good;
  put_u16(bad, end + 8, 0xFFFF);
  put_u16(bad, end + 10, 0xFFFF);
  EXPECT_NE(error_of(bad).find("claims 65535 entries"), std::string::npos);
  bad = good;
  put_u16(bad, end + 4, 1);  // disk number
  EXPECT_NE(error_of(bad).find("multi-disk"), std::string::npos);
  bad = good;
  put_u16(bad, end + 20, 5);  // a comment that is not there
  EXPECT_EQ(error_of(bad), "cannot read 'x.npz': not a ZIP archive (no end of central directory record)");
  EXPECT_EQ(error_of({}), "cannot read 'x.npz': not a ZIP archive (too short)");
}

// Finds the central directory entry of `name` in an archive we wrote.
std::size_t central_entry(const std::vector<std::byte>& b, const std::string& name) {
  for (std::size_t at = get_u32(b, b.size() - 6); at + 46 < b.size();) {
    const std::size_t name_size = std::to_integer<std::size_t>(b[at + 28]) | std::to_integer<std::size_t>(b[at + 29]) << 8;
    const std::size_t extra_size = std::to_integer<std::size_t>(b[at + 30]) | std::to_integer<std::size_t>(b[at + 31]) << 8;
    if (std::string(reinterpret_cast<const char*>(b.data() + at + 46), name_size) == name) return at;
    at += 46 + name_size + extra_size;
  }
  return 0;
}

TEST(npz_corrupt, rejects_huge_claimed_sizes) {
  const std::vector<std::byte> good = small_archive(compression::deflate);
  const std::size_t central = central_entry(good, "spectrum.npy");
  ASSERT_NE(central, 0U);
  const std::size_t local = get_u32(good, central + 42);
  auto bad = good;
  put_u32(bad, central + 24, 0xFFFFFFF0);  // uncompressed size, in both headers
  put_u32(bad, local + 22, 0xFFFFFFF0);
  EXPECT_NE(error_of(bad).find("more than deflate can expand to"), std::string::npos) << error_of(bad);
  bad = good;
  put_u32(bad, central + 20, 0x7FFFFFFF);  // compressed size, in both headers
  put_u32(bad, local + 18, 0x7FFFFFFF);
  EXPECT_NE(error_of(bad).find("runs past the end of its data"), std::string::npos) << error_of(bad);
  bad = good;
  put_u32(bad, central + 42, 0x7FFFFFFF);  // local header offset
  EXPECT_NE(error_of(bad).find("outside the archive"), std::string::npos) << error_of(bad);
  bad = good;
  put_u32(bad, central + 16, get_u32(good, central + 16) ^ 1);  // CRC, in both headers
  put_u32(bad, local + 14, get_u32(good, local + 14) ^ 1);
  EXPECT_EQ(error_of(bad), "cannot read 'x.npz': member 'spectrum.npy': CRC mismatch");
}

TEST(npz_corrupt, rejects_overlapping_members) {
  scratch_dir dir;
  // b.npy's local header and data live inside a.npy's data: one stored
  // stream counted twice, the trick behind overlapping-file zip bombs.
  const auto result = testing::run_python(dir, R"py(
import sys, io, struct, zipfile, numpy as np
from numpy.lib import format
npy = io.BytesIO(); format.write_array(npy, np.arange(10, dtype='<f4')); npy = npy.getvalue()
inner = io.BytesIO()
with zipfile.ZipFile(inner, 'w') as z: z.writestr('b.npy', npy)
inner = inner.getvalue()
b_central = inner[inner.rfind(b'PK\x01\x02'):inner.rfind(b'PK\x05\x06')]
outer = io.BytesIO()
with zipfile.ZipFile(outer, 'w') as z: z.writestr('a.npy', inner)
outer = bytearray(outer.getvalue())
eocd = outer.rfind(b'PK\x05\x06')
count, cd_size, cd_offset = struct.unpack('<HII', outer[eocd + 10:eocd + 20])
a_data = 30 + len('a.npy')
b_central = bytearray(b_central); b_central[42:46] = struct.pack('<I', a_data)
out = outer[:eocd] + b_central + outer[eocd:]
eocd += len(b_central)
out[eocd + 8:eocd + 16] = struct.pack('<HHI', count + 1, count + 1, cd_size + len(b_central))
open(sys.argv[1], 'wb').write(out)
)py",
                                          {(dir / "o.npz").string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(error_of(testing::read_bytes(dir / "o.npz")), "cannot read 'x.npz': members 'a.npy' and 'b.npy' overlap");
}

// Regression (found by the flip test under ASan): a deflated member whose
// .npy preamble claims fewer bytes than the 12 first inflated made the header
// reader ask for a negative length and write past its buffer.
TEST(npz_corrupt, header_shorter_than_the_length_probe) {
  scratch_dir dir;
  const auto result = testing::run_python(dir, R"py(
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w', compression=zipfile.ZIP_DEFLATED) as z:
    z.writestr('a.npy', b'\x93NUMPY\x01\x00\x00\x00' + b'x' * 50)
)py",
                                          {(dir / "p.npz").string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(error_of(testing::read_bytes(dir / "p.npz")),
            "cannot read 'x.npz': member 'a.npy': malformed .npy header: expected '{' at offset 0");
}

TEST(npz_corrupt, names_file_and_member_for_damaged_deflate_data) {
  std::vector<std::byte> bad = small_archive(compression::deflate);
  const std::size_t central = central_entry(bad, "spectrum.npy");
  const std::size_t local = get_u32(bad, central + 42);
  const std::size_t data = local + 30 + 12 /* "spectrum.npy" */;
  bad[data + 200] ^= std::byte{0x55};
  const std::string message = error_of(bad);
  EXPECT_EQ(message.rfind("cannot read 'x.npz': member 'spectrum.npy': ", 0), 0U) << message;
}

}  // namespace
}  // namespace eisgrid::npz
