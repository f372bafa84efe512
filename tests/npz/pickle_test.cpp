#include "npz/pickle.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include "base/error.hpp"
#include "npz/reader.hpp"
#include "npz_test_support.hpp"

namespace eisgrid::npz {
namespace {

using nlohmann::json;
using testing::run_python;
using testing::scratch_dir;
using namespace std::literals;

const std::filesystem::path k_legacy = std::filesystem::path(EISGRID_FIXTURES_DIR) / "legacy";

std::vector<std::byte> bytes_of(std::string_view s) {
  std::vector<std::byte> out(s.size());
  if (!s.empty()) std::memcpy(out.data(), s.data(), s.size());
  return out;
}

std::string pickle_error(std::string_view pickle) {
  try {
    (void)read_pickled_object(bytes_of(pickle));
  } catch (const error& e) {
    EXPECT_EQ(e.kind(), error_kind::invalid_input) << e.what();
    return e.what();
  }
  return "no error";
}

json legacy_metadata(const std::string& file) {
  const reader r = reader::open(k_legacy / file);
  const array a = r.read("metadata");
  EXPECT_EQ(a.header.type.kind, dtype_kind::object);
  return read_pickled_object(a.data);
}

TEST(npz_pickle, reads_legacy_grid_file_metadata) {
  const json m = legacy_metadata("grid_5_freq_0.1_100000.npz");
  EXPECT_EQ(m["grid_size"], 5);
  EXPECT_EQ(m["n_parameter_sets"], 3125);
  EXPECT_EQ(m["n_frequencies"], 100);
  EXPECT_EQ(m["freq_min"], 0.1);
  EXPECT_EQ(m["freq_max"], 100000.0);
  EXPECT_EQ(m["param_names"], json({"Rsh", "Ra", "Ca", "Rb", "Cb"}));
  EXPECT_EQ(m["param_units"], json({"ohm", "ohm", "farad", "ohm", "farad"}));  // memoised strings
  EXPECT_EQ(m["spectrum_columns"], json({"real", "imag", "magnitude", "phase"}));
  EXPECT_EQ(m["export_timestamp"], 1757426113.5787);
  EXPECT_EQ(m["best_resnorm"], 273.0052361820095);
  EXPECT_EQ(m["computation_complete"], true);
  EXPECT_EQ(m["user_generated"], true);
  EXPECT_EQ(m["storage_location"], "user_generated");
  EXPECT_EQ(m["filename"], "grid_5_freq_0.1_100000.npz");
  EXPECT_EQ(m["ready_for_registration"], true);
  EXPECT_EQ(m.size(), 15U);
}

TEST(npz_pickle, reads_legacy_sample_file_metadata) {
  const json m = legacy_metadata("sample_grid_5_test.npz");
  EXPECT_EQ(m["grid_size"], 5);
  EXPECT_EQ(m["n_parameter_sets"], 125);
  EXPECT_EQ(m["n_frequencies"], 50);
  EXPECT_EQ(m["freq_min"], 0.10000000149011612);
  EXPECT_EQ(m["best_resnorm"], 273.8524037443795);
  EXPECT_EQ(m["sample_dataset"], true);
  EXPECT_EQ(m["description"], "Sample precomputed dataset for testing NPZ management system");
  EXPECT_EQ(m.size(), 13U);
}

TEST(npz_pickle, legacy_metadata_matches_what_python_reports) {
  scratch_dir dir;
  for (const std::string file : {"grid_5_freq_0.1_100000.npz", "sample_grid_5_test.npz"}) {
    // The fixtures are trusted, so python may unpickle them to give the reference.
    const auto result = run_python(dir, R"py(
import sys, json, numpy as np
with np.load(sys.argv[1], allow_pickle=True) as d:
    print(json.dumps(d['metadata'].item()))
)py",
                                   {(k_legacy / file).string()});
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_EQ(legacy_metadata(file), json::parse(result.output)) << file;
    const reader r = reader::open(k_legacy / file);
    EXPECT_EQ(r.header("spectrum").shape.size(), 3U);
    EXPECT_EQ(r.read("parameters").header.shape.at(1), 5U);
  }
}

TEST(npz_pickle, decodes_numpy_scalars_in_every_protocol) {
  scratch_dir dir;
  const auto result = run_python(dir, R"py(
import sys, pickle, numpy as np
d = {'f8': np.float64(1.5), 'i8': np.int64(-3), 'b': np.bool_(True), 'f4': np.float32(2.5), 'i4': np.int32(7),
     'u8': np.uint64(2**63), 'u1': np.uint8(200), 's': np.str_('h\u00e9'), 'nested': [1, {'x': None}, (2, 3)],
     'arr': np.arange(6, dtype='>i4').reshape(2, 3), 'max': 2**63 - 1, 'min': -2**63, 'neg1': -1}
a = np.empty((), dtype=object)
a[()] = d
for protocol in (2, 3, 4, 5):
    open(sys.argv[1] + '/p%d.pkl' % protocol, 'wb').write(pickle.dumps(a, protocol=protocol))
)py",
                                 {dir.path().string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const json expected = {{"f8", 1.5},
                         {"i8", -3},
                         {"b", true},
                         {"f4", 2.5},
                         {"i4", 7},
                         {"u8", 9223372036854775808ULL},
                         {"u1", 200},
                         {"s", "h\xc3\xa9"},
                         {"nested", json::array({1, {{"x", nullptr}}, json::array({2, 3})})},
                         {"arr", json::array({json::array({0, 1, 2}), json::array({3, 4, 5})})},
                         {"max", 9223372036854775807LL},
                         {"min", std::numeric_limits<std::int64_t>::min()},
                         {"neg1", -1}};
  for (int protocol = 2; protocol <= 5; ++protocol) {
    const auto bytes = testing::read_bytes(dir / ("p" + std::to_string(protocol) + ".pkl"));
    EXPECT_EQ(read_pickled_object(bytes), expected) << "protocol " << protocol;
  }
}

// An .npz like the old exporter's whose metadata pickle would run a shell
// command if unpickled. Python writes the bytes; nothing unpickles them.
constexpr const char* k_hostile_writer = R"py(
import sys, io, os, pickle, pickletools, struct, zipfile, numpy as np
from numpy.lib import format
out, marker = sys.argv[1], sys.argv[2]
cmd = ('touch ' + marker).encode()

def npz(name, payload):
    header = io.BytesIO()
    format.write_array_header_1_0(header, {'descr': '|O', 'fortran_order': False, 'shape': ()})
    with zipfile.ZipFile(out + '/' + name, 'w', compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr('resnorms.npy', io.BytesIO().getvalue() or _resnorms())
        z.writestr('metadata.npy', header.getvalue() + payload)

def _resnorms():
    b = io.BytesIO(); format.write_array(b, np.arange(3, dtype='<f4')); return b.getvalue()

# Protocol 2 by hand: os.system(cmd)
raw = b'\x80\x02cos\nsystem\nX' + struct.pack('<I', len(cmd)) + cmd + b'\x85R.'
pickletools.dis(raw, out=io.StringIO())  # a well-formed pickle, checked without running it
npz('os_system.npz', raw)

# Protocol 4 by hand: builtins.eval("__import__('os').system(cmd)") via STACK_GLOBAL
src = ("__import__('os').system('%s')" % cmd.decode()).encode()
raw = (b'\x80\x04\x8c\x08builtins\x8c\x04eval\x93\x8c' + bytes([len(src)]) + src + b'\x85R.')
pickletools.dis(raw, out=io.StringIO())
npz('builtins_eval.npz', raw)

# What pickle.dumps makes of an object array whose dict hides a __reduce__ to
# posix.system: the legitimate numpy structure around a hostile value.
class Hostile:
    def __reduce__(self):
        return (os.system, (cmd.decode(),))
a = np.empty((), dtype=object)
a[()] = {'grid_size': 5, 'payload': Hostile()}
npz('nested_system.npz', pickle.dumps(a, protocol=3))
print('ok')
)py";

TEST(npz_pickle, refuses_hostile_pickles_without_running_them) {
  scratch_dir dir;
  const std::filesystem::path marker = std::filesystem::temp_directory_path() / ("eisgrid-pickle-ran-" + std::to_string(::getpid()));
  std::filesystem::remove(marker);
  const auto result = run_python(dir, k_hostile_writer, {dir.path().string(), marker.string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"os_system.npz", "pickle refers to 'os.system', which eisgrid does not load"},
      {"builtins_eval.npz", "pickle refers to 'builtins.eval', which eisgrid does not load"},
      {"nested_system.npz", "pickle refers to 'posix.system', which eisgrid does not load"},
  };
  for (const auto& [file, message] : cases) {
    const reader r = reader::open(dir / file);
    EXPECT_EQ(r.read("resnorms").as<float>().size(), 3U);  // the rest of the file is fine
    const array metadata = r.read("metadata");
    try {
      (void)read_pickled_object(metadata.data);
      FAIL() << file << " was accepted";
    } catch (const error& e) {
      EXPECT_EQ(e.kind(), error_kind::invalid_input);
      EXPECT_EQ(std::string(e.what()), message);
    }
  }
  EXPECT_FALSE(std::filesystem::exists(marker)) << "a pickle ran a command";
}

TEST(npz_pickle, refuses_other_globals) {
  EXPECT_EQ(pickle_error("\x80\x02"sv
                         "csubprocess\nPopen\n)R."sv),
            "pickle refers to 'subprocess.Popen', which eisgrid does not load"sv);
  EXPECT_EQ(pickle_error("\x80\x02"sv
                         "cnumpy\nload\n)R."sv),
            "pickle refers to 'numpy.load', which eisgrid does not load"sv);
  EXPECT_EQ(pickle_error("\x80\x02"sv
                         "c__builtin__\ngetattr\n)R."sv),
            "pickle refers to '__builtin__.getattr', which eisgrid does not load"sv);
  // Known numpy names used the wrong way are refused too.
  EXPECT_NE(pickle_error("\x80\x02"sv
                         "cnumpy\nndarray\n)R."sv)
                .find("numpy.ndarray"sv),
            std::string::npos);
  EXPECT_NE(pickle_error("\x80\x02"sv
                         "cnumpy\ndtype\n."sv)
                .find("used as a value"sv),
            std::string::npos);
}

TEST(npz_pickle, quotes_hostile_names_safely) {
  // Error messages end up in JSON bodies: bytes from the file must not make them invalid UTF-8.
  const std::string message = pickle_error(
      "\x80\x02"
      "c\xff\xfe\nsystem\n."sv);
  EXPECT_EQ(message, "pickle refers to '??.system', which eisgrid does not load");
  EXPECT_NO_THROW((void)json(message).dump());
  const std::string long_name = pickle_error(std::string("\x80\x02"
                                                         "c") +
                                             std::string(200, 'm') + "\nx\n.");
  EXPECT_NE(long_name.find("...'"), std::string::npos) << long_name;
}

TEST(npz_pickle, bounds_deep_nesting_and_bombs) {
  // 5000 MARKs: over the nesting limit long before memory matters.
  EXPECT_NE(pickle_error(std::string("\x80\x02"sv) + std::string(5000, '(')).find("nested deeper"sv), std::string::npos);
  // Lists nested 10000 deep: EMPTY_LIST then (EMPTY_LIST, APPEND to the outer) repeatedly.
  std::string deep("\x80\x02]"sv);
  for (int i = 0; i < 10000; ++i) deep += "]"sv;
  for (int i = 0; i < 10000; ++i) deep += "a"sv;
  deep += "."sv;
  EXPECT_NE(pickle_error(deep).find("nested deeper"sv), std::string::npos);
  // A billion-laughs bomb: each list holds the previous one twice, 40 times
  // over (2^40 values, shallower than the depth limit).
  std::string bomb("\x80\x02]q\x00"sv);
  for (int i = 0; i < 40; ++i) {
    bomb += "0]q"sv;  // POP the previous list (it stays in the memo), start the next
    bomb += static_cast<char>(i + 1);
    bomb += "(h"sv;
    bomb += static_cast<char>(i);
    bomb += "h"sv;
    bomb += static_cast<char>(i);
    bomb += "e"sv;
  }
  bomb += "."sv;
  EXPECT_NE(pickle_error(bomb).find("more than 1000000 values"sv), std::string::npos);
  // A list that contains itself.
  EXPECT_NE(pickle_error("\x80\x02]q\x00h\x00"
                         "a."sv)
                .find("nested deeper"sv),
            std::string::npos);
}

TEST(npz_pickle, rejects_malformed_pickles) {
  EXPECT_EQ(pickle_error(""sv), "truncated pickle"sv);
  EXPECT_EQ(pickle_error("\x80\x02"sv), "truncated pickle"sv);
  EXPECT_EQ(pickle_error("\x80\x02X\xff\xff\xff\x00"sv), "unreadable pickle: truncated pickle"sv);
  EXPECT_EQ(pickle_error("\x80\x02X\xff\xff\xff\x7f"sv), "unreadable pickle: a string longer than 16777216 bytes"sv);
  EXPECT_NE(pickle_error("\x80\x02."sv).find("exactly one object"sv), std::string::npos);
  EXPECT_NE(pickle_error("\x80\x06N."sv).find("protocol 6"sv), std::string::npos);
  EXPECT_NE(pickle_error("\x80\x02h\x05."sv).find("memo key 5"sv), std::string::npos);
  EXPECT_NE(pickle_error("\x80\x02"sv
                         "a."sv)
                .find("underflow"sv),
            std::string::npos);
  EXPECT_NE(pickle_error("\x80\x02\x81."sv).find("opcode 0x81"sv), std::string::npos);  // NEWOBJ
  EXPECT_NE(pickle_error(std::string("\x80\x02\x8a\x09"sv) + std::string(9, '\x01') + ".").find("64 bits"sv), std::string::npos);
  EXPECT_NE(pickle_error("\x80\x03"sv
                         "C\x01x."sv)
                .find("bytes"sv),
            std::string::npos);
  EXPECT_NE(pickle_error("\x80\x02}K\x01K\x02s."sv).find("not a string"sv), std::string::npos);
  EXPECT_NE(pickle_error("\x80\x02X\x01\x00\x00\x00\xff."sv).find("UTF-8"sv), std::string::npos);
  EXPECT_NE(pickle_error("\x80\x02NN"sv
                         "R."sv)
                .find("not a known callable"sv),
            std::string::npos);
}

TEST(npz_pickle, reads_plain_values) {
  EXPECT_EQ(read_pickled_object(bytes_of("\x80\x02}q\x00(X\x01\x00\x00\x00"
                                         "aK\x01X\x01\x00\x00\x00"
                                         "bG?\xf8\x00\x00\x00\x00\x00\x00u."sv)),
            json({{"a", 1}, {"b", 1.5}}));
  EXPECT_EQ(read_pickled_object(bytes_of("\x80\x02\x8a\x01\xff."sv)), json(-1));
  EXPECT_EQ(read_pickled_object(bytes_of("\x80\x02\x8a\x00."sv)), json(0));
  EXPECT_EQ(read_pickled_object(bytes_of("\x80\x02J\xfe\xff\xff\xff."sv)), json(-2));
  EXPECT_EQ(read_pickled_object(bytes_of("\x80\x02(\x88\x89Nt."sv)), json({true, false, nullptr}));
}

}  // namespace
}  // namespace eisgrid::npz
