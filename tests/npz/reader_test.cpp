#include "npz/reader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "base/error.hpp"
#include "npz/pickle.hpp"
#include "npz_test_support.hpp"

namespace eisgrid::npz {
namespace {

using testing::run_python;
using testing::scratch_dir;

// Writes numpy's own archives: savez, savez_compressed, and one written to an
// unseekable stream (so zipfile uses data descriptors, flag bit 3).
constexpr const char* k_numpy_writer = R"(
import sys, zipfile, numpy as np
from numpy.lib import format
out = sys.argv[1]
i = np.arange(3000)
arrays = dict(
    spectrum=(i.reshape(30, 25, 4) * 0.5).astype('<f4'),
    grid=(i * 3 - 7).astype('<i8'),
    ratio=(i / 8).astype('<f8'),
    small=(i % 200).astype('|u1'),
    flags=(i % 2 == 0),
    metadata=np.array('{"grid_size": 5, "note": "h\u00e9llo \u2603"}'),
    names=np.array(['a', 'bcd']),
    fortran=np.asfortranarray((i[:12] * 1.0).reshape(3, 4)),
    scalar=np.array(2.5),
)
np.savez(out + '/stored.npz', **arrays)
np.savez_compressed(out + '/deflated.npz', **arrays)

class Unseekable:
    def __init__(self, f): self.f = f
    def write(self, b): return self.f.write(b)
    def flush(self): self.f.flush()
with open(out + '/streamed.npz', 'wb') as raw:
    with zipfile.ZipFile(Unseekable(raw), 'w', compression=zipfile.ZIP_DEFLATED) as z:
        for name, a in arrays.items():
            with z.open(name + '.npy', 'w', force_zip64=True) as f:
                format.write_array(f, a)
        z.writestr('readme.txt', 'not an array')
assert all(info.flag_bits & 8 for info in zipfile.ZipFile(out + '/streamed.npz').infolist())
print('ok')
)";

class npz_reader_numpy : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch = new scratch_dir();
    const auto result = run_python(*scratch, k_numpy_writer, {scratch->path().string()});
    ASSERT_EQ(result.exit_code, 0) << result.output;
  }
  static void TearDownTestSuite() { delete scratch; }
  static scratch_dir* scratch;
};
scratch_dir* npz_reader_numpy::scratch = nullptr;

void expect_numpy_arrays(const reader& r) {
  const array spectrum = r.read("spectrum");
  EXPECT_EQ(spectrum.header.shape, (std::vector<std::uint64_t>{30, 25, 4}));
  const auto s = spectrum.as<float>();
  ASSERT_EQ(s.size(), 3000U);
  for (std::size_t i = 0; i < s.size(); ++i) ASSERT_EQ(s[i], static_cast<float>(i) * 0.5F);
  const array grid_array = r.read("grid");  // the span views it
  const auto grid = grid_array.as<std::int64_t>();
  for (std::size_t i = 0; i < grid.size(); ++i) ASSERT_EQ(grid[i], static_cast<std::int64_t>(i) * 3 - 7);
  const array ratio_array = r.read("ratio");  // the span views it
  const auto ratio = ratio_array.as<double>();
  for (std::size_t i = 0; i < ratio.size(); ++i) ASSERT_EQ(ratio[i], static_cast<double>(i) / 8);
  const array small_array = r.read("small");  // the span views it
  const auto small = small_array.as<std::uint8_t>();
  for (std::size_t i = 0; i < small.size(); ++i) ASSERT_EQ(small[i], i % 200);
  const array flags = r.read("flags");
  EXPECT_EQ(flags.header.type.kind, dtype_kind::boolean);
  for (std::size_t i = 0; i < flags.data.size(); ++i) ASSERT_EQ(std::to_integer<int>(flags.data[i]), i % 2 == 0 ? 1 : 0);
  const array metadata = r.read("metadata");
  EXPECT_TRUE(metadata.header.shape.empty());
  EXPECT_EQ(unicode_scalar_text(metadata), "{\"grid_size\": 5, \"note\": \"h\xc3\xa9llo \xe2\x98\x83\"}");
  const array names = r.read("names");
  EXPECT_EQ(names.header.type.descr(), "<U3");
  EXPECT_THROW((void)unicode_scalar_text(names), error);  // two strings, not one
  const array fortran = r.read("fortran");
  EXPECT_TRUE(fortran.header.fortran_order);
  EXPECT_EQ(fortran.as<double>()[1], 4.0);  // column-major: element (1, 0)
  EXPECT_EQ(r.read("scalar").as<double>()[0], 2.5);
  EXPECT_EQ(r.header("spectrum").type, dtype_of<float>());
}

TEST_F(npz_reader_numpy, reads_savez) {
  const reader r = reader::open(scratch->path() / "stored.npz");
  EXPECT_EQ(r.members().size(), 9U);
  for (const auto& m : r.members()) EXPECT_FALSE(m.deflated) << m.name;
  expect_numpy_arrays(r);
}

TEST_F(npz_reader_numpy, reads_savez_compressed) {
  const reader r = reader::open(scratch->path() / "deflated.npz");
  EXPECT_EQ(r.display_name(), "deflated.npz");
  EXPECT_TRUE(r.contains("spectrum"));
  EXPECT_FALSE(r.contains("spectrum.npy"));
  for (const auto& m : r.members()) EXPECT_TRUE(m.deflated) << m.name;
  expect_numpy_arrays(r);
}

TEST_F(npz_reader_numpy, reads_members_with_data_descriptors_and_skips_other_files) {
  const reader r = reader::open(scratch->path() / "streamed.npz");
  EXPECT_EQ(r.members().size(), 9U);  // readme.txt is not an array
  EXPECT_FALSE(r.contains("readme"));
  expect_numpy_arrays(r);
}

TEST_F(npz_reader_numpy, reads_from_bytes_with_threads) {
  read_options options;
  options.threads = 3;
  const reader r = reader::from_bytes(testing::read_bytes(scratch->path() / "deflated.npz"), "memory.npz", options);
  expect_numpy_arrays(r);
}

// The file /proc/self/maps says `p` lies in, or "" if none.
std::string mapping_of(const void* p) {
  std::ifstream maps("/proc/self/maps");
  const auto at = reinterpret_cast<std::uintptr_t>(p);
  for (std::string line; std::getline(maps, line);) {
    std::uintptr_t begin = 0, end = 0;
    if (std::sscanf(line.c_str(), "%" SCNxPTR "-%" SCNxPTR, &begin, &end) != 2 || at < begin || at >= end) continue;
    const auto slash = line.find('/');
    return slash == std::string::npos ? "" : line.substr(slash);
  }
  return "";
}

TEST_F(npz_reader_numpy, read_shared_maps_stored_members_in_place) {
  const auto path = scratch->path() / "stored.npz";
  std::vector<std::pair<shared_array, array>> pairs;
  {
    const reader r = reader::open(path);
    for (const auto& m : r.members()) {
      pairs.emplace_back(r.read_shared(m.name), r.read(m.name));
      const shared_array& shared = pairs.back().first;
      EXPECT_TRUE(shared.mapped()) << m.name;
      EXPECT_EQ(mapping_of(shared.data().data()), path.string()) << m.name;  // the file's pages, not a copy
    }
  }
  // The reader is gone; the arrays keep the mapping alive.
  for (const auto& [shared, copy] : pairs) {
    EXPECT_EQ(shared.header().type, copy.header.type);
    EXPECT_EQ(shared.header().shape, copy.header.shape);
    ASSERT_EQ(shared.data().size(), copy.data.size());
    EXPECT_TRUE(std::equal(shared.data().begin(), shared.data().end(), copy.data.begin()));
  }
  const void* inside = pairs.front().first.data().data();
  pairs.clear();
  EXPECT_NE(mapping_of(inside), path.string());  // the last array unmapped the file
}

TEST_F(npz_reader_numpy, read_shared_copies_what_it_cannot_map) {
  const reader deflated = reader::open(scratch->path() / "deflated.npz");
  const reader in_memory = reader::from_bytes(testing::read_bytes(scratch->path() / "stored.npz"), "memory.npz");
  for (const reader* r : {&deflated, &in_memory}) {
    const shared_array shared = r->read_shared("spectrum");
    EXPECT_FALSE(shared.mapped());
    EXPECT_EQ(mapping_of(shared.data().data()), "");
    const array copy = r->read("spectrum");
    ASSERT_EQ(shared.data().size(), copy.data.size());
    EXPECT_TRUE(std::equal(shared.data().begin(), shared.data().end(), copy.data.begin()));
  }
}

TEST(npz_reader, read_shared_checks_the_crc_of_a_mapped_member) {
  scratch_dir dir;
  std::vector<float> values(1000);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i) + 0.25F;
  write_options options;
  options.method = compression::stored;
  testing::write_npz(dir / "s.npz", options, [&](writer& w) { w.add("values", make_array<float>(values, {1000})); });
  auto bytes = testing::read_bytes(dir / "s.npz");
  const float target = 777.25F;
  const auto* needle = reinterpret_cast<const std::byte*>(&target);
  const auto it = std::search(bytes.begin(), bytes.end(), needle, needle + sizeof target);
  ASSERT_NE(it, bytes.end());
  *it ^= std::byte{1};
  testing::write_bytes(dir / "s.npz", bytes);
  const reader r = reader::open(dir / "s.npz");
  try {
    (void)r.read_shared("values");
    FAIL() << "a corrupt stored member was handed out";
  } catch (const error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot read 's.npz': member 'values.npy': CRC mismatch");
  }
}

TEST_F(npz_reader_numpy, reports_missing_members_and_files) {
  const reader r = reader::open(scratch->path() / "deflated.npz");
  try {
    (void)r.read("nope");
    FAIL();
  } catch (const error& e) {
    EXPECT_EQ(e.kind(), error_kind::not_found);
    EXPECT_EQ(std::string(e.what()), "cannot read 'deflated.npz': no array 'nope'");
  }
  try {
    (void)reader::open(scratch->path() / "missing.npz");
    FAIL();
  } catch (const error& e) {
    EXPECT_EQ(e.kind(), error_kind::not_found);
    EXPECT_EQ(std::string(e.what()), "cannot open 'missing.npz': no such file");
  }
  try {
    (void)reader::open(scratch->path());
    FAIL();
  } catch (const error& e) {
    EXPECT_EQ(e.kind(), error_kind::invalid_input);
  }
}

TEST_F(npz_reader_numpy, enforces_the_member_size_limit) {
  read_options options;
  options.max_member_bytes = 1000;
  try {
    (void)reader::open(scratch->path() / "deflated.npz", options);
    FAIL();
  } catch (const error& e) {
    EXPECT_EQ(e.kind(), error_kind::too_large);
    EXPECT_NE(std::string(e.what()).find("over the limit of 1000"), std::string::npos) << e.what();
  }
}

// Archives numpy-adjacent tools can produce that eisgrid refuses, each with its reason.
constexpr const char* k_unusual_writer = R"(
import sys, struct, zipfile, warnings, numpy as np
from numpy.lib import format
import io
out = sys.argv[1]
def npy(a):
    b = io.BytesIO(); format.write_array(b, a, allow_pickle=True); return b.getvalue()
with zipfile.ZipFile(out + '/bzip2.npz', 'w', compression=zipfile.ZIP_BZIP2) as z:
    z.writestr('a.npy', npy(np.arange(10)))
with zipfile.ZipFile(out + '/lzma.npz', 'w', compression=zipfile.ZIP_LZMA) as z:
    z.writestr('a.npy', npy(np.arange(10)))
with warnings.catch_warnings():
    warnings.simplefilter('ignore')
    with zipfile.ZipFile(out + '/duplicate.npz', 'w') as z:
        z.writestr('a.npy', npy(np.arange(10)))
        z.writestr('a.npy', npy(np.arange(11)))
with zipfile.ZipFile(out + '/encrypted.npz', 'w') as z:
    z.writestr('a.npy', npy(np.arange(10)))
b = bytearray(open(out + '/encrypted.npz', 'rb').read())
b[6] |= 1  # local header flags
cd = b.rfind(b'PK\x01\x02'); b[cd + 8] |= 1  # central directory flags
open(out + '/encrypted.npz', 'wb').write(b)
o = np.empty((), dtype=object); o[()] = {'grid_size': 5}
np.savez(out + '/object.npz', metadata=o)
print('ok')
)";

std::string open_error(const std::filesystem::path& path) {
  try {
    const reader r = reader::open(path);
    for (const auto& m : r.members()) (void)r.read(m.name);
  } catch (const error& e) {
    EXPECT_EQ(e.kind(), error_kind::invalid_input) << e.what();
    return e.what();
  }
  return "no error";
}

TEST(npz_reader, rejects_unsupported_archives_clearly) {
  scratch_dir dir;
  const auto result = run_python(dir, k_unusual_writer, {dir.path().string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(open_error(dir / "bzip2.npz"), "cannot read 'bzip2.npz': member 'a.npy' uses unsupported compression method 12");
  EXPECT_EQ(open_error(dir / "lzma.npz"), "cannot read 'lzma.npz': member 'a.npy' uses unsupported compression method 14");
  EXPECT_EQ(open_error(dir / "duplicate.npz"), "cannot read 'duplicate.npz': duplicate member 'a.npy'");
  EXPECT_EQ(open_error(dir / "encrypted.npz"), "cannot read 'encrypted.npz': member 'a.npy' is encrypted, which eisgrid does not read");
}

// Regression: copying zero data bytes out of a stored member passed a null
// pointer to memcpy (undefined behaviour, caught by UBSan).
TEST(npz_reader, reads_empty_array_from_stored_member) {
  scratch_dir dir;
  for (compression method : {compression::stored, compression::deflate}) {
    write_options options;
    options.method = method;
    testing::write_npz(dir / "e.npz", options, [](writer& w) { w.add("empty", make_array<float>(std::vector<float>{}, {0, 4})); });
    const reader r = reader::open(dir / "e.npz");
    const array a = r.read("empty");
    EXPECT_TRUE(a.data.empty());
    EXPECT_EQ(a.header.shape, (std::vector<std::uint64_t>{0, 4}));
    EXPECT_TRUE(a.as<float>().empty());
  }
}

TEST(npz_reader, object_member_holds_its_pickle) {
  scratch_dir dir;
  const auto result = run_python(dir, k_unusual_writer, {dir.path().string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const reader r = reader::open(dir / "object.npz");
  const array_header h = r.header("metadata");
  EXPECT_EQ(h.type.kind, dtype_kind::object);
  const array a = r.read("metadata");
  ASSERT_FALSE(a.data.empty());
  EXPECT_EQ(std::to_integer<int>(a.data[0]), 0x80);  // PROTO
  EXPECT_EQ(read_pickled_object(a.data), nlohmann::json({{"grid_size", 5}}));
}

// Chunks are copied out of the file with pread (archive_bytes::copy): a file
// cut short after it was opened is an error naming it, not a crash on a page
// of the mapping past the new end.
TEST(npz_reader, a_file_cut_short_while_open_is_an_error) {
  scratch_dir dir;
  std::vector<float> values(1 << 20);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>((i * 2654435761U) % 1000003) * 0.25F;
  write_options options;
  options.chunk_bytes = 64 << 10;
  testing::write_npz(dir / "cut.npz", options, [&](writer& w) { w.add("values", make_array<float>(values, {values.size()})); });
  read_options reading;
  reading.threads = 2;
  const reader r = reader::open(dir / "cut.npz", reading);
  std::filesystem::resize_file(dir / "cut.npz", std::filesystem::file_size(dir / "cut.npz") / 2);
  try {
    (void)r.read("values");
    FAIL() << "read a file cut in half";
  } catch (const error& e) {
    EXPECT_EQ(e.kind(), error_kind::io);
    EXPECT_EQ(std::string(e.what()),
              "cannot read 'cut.npz': member 'values.npy': cannot read 'cut.npz': it became shorter while being read");
  }
}

// A chunk may hold more than its data: empty blocks after its flush. Padded
// a little, it is read as a chunk; padded past what deflate could need, its
// member is read as the one stream it also is. Both give numpy's array.
TEST(npz_reader, reads_chunks_padded_with_empty_blocks) {
  scratch_dir dir;
  const auto result = run_python(dir, R"py(
import io, struct, sys, zipfile, zlib
import numpy as np
from numpy.lib import format
npy = io.BytesIO(); format.write_array(npy, (np.arange(3000) * 0.75).astype('<f4')); npy = npy.getvalue()
span = 4096
for name, pads in (('little', 3), ('much', 2000)):
    chunks = []
    for start in range(0, len(npy), span):
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        last = start + span >= len(npy)
        data = c.compress(npy[start:start + span])
        if last:
            data += c.flush(zlib.Z_FINISH)
        else:
            data += c.flush(zlib.Z_FULL_FLUSH) + b'\x00\x00\x00\xff\xff' * (pads if start == 0 else 0)
        chunks.append(data)
    raw = b''.join(chunks)
    table = struct.pack('<BQI', 1, span, len(chunks)) + b''.join(struct.pack('<I', len(x)) for x in chunks)
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w', compression=zipfile.ZIP_STORED) as z:
        info = zipfile.ZipInfo('a.npy')
        z.writestr(info, raw)
    b = bytearray(out.getvalue())
    # Declare the stored bytes deflated: method, CRC and sizes in both headers, then the table.
    crc = zlib.crc32(npy)
    b[8:10] = struct.pack('<H', 8); b[14:26] = struct.pack('<III', crc, len(raw), len(npy))
    central = b.rfind(b'PK\x01\x02')
    b[central + 10:central + 12] = struct.pack('<H', 8); b[central + 16:central + 28] = struct.pack('<III', crc, len(raw), len(npy))
    extra = struct.pack('<HH', 0x6745, len(table)) + table
    name_end = central + 46 + len('a.npy')
    assert struct.unpack('<H', b[central + 30:central + 32])[0] == 0
    b[central + 30:central + 32] = struct.pack('<H', len(extra))
    b[name_end:name_end] = extra
    eocd = b.rfind(b'PK\x05\x06')
    cd_size = struct.unpack('<I', b[eocd + 12:eocd + 16])[0]
    b[eocd + 12:eocd + 16] = struct.pack('<I', cd_size + len(extra))
    open(sys.argv[1] + '/' + name + '.npz', 'wb').write(b)
    assert (np.load(sys.argv[1] + '/' + name + '.npz')['a'] == (np.arange(3000) * 0.75).astype('<f4')).all()
print('ok')
)py",
                                 {dir.path().string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  for (const char* name : {"little.npz", "much.npz"}) {
    read_options options;
    options.threads = 2;
    const array a = reader::open(dir / name, options).read("a");
    const auto values = a.as<float>();
    ASSERT_EQ(values.size(), 3000U) << name;
    for (std::size_t i = 0; i < values.size(); ++i) ASSERT_EQ(values[i], static_cast<float>(i) * 0.75F) << name << " at " << i;
  }
}

}  // namespace
}  // namespace eisgrid::npz
