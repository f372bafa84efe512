#include "npz/array.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>

#include "base/error.hpp"
#include "npz_test_support.hpp"

namespace eisgrid::npz {
namespace {

std::vector<std::byte> bytes_of(std::string_view s) {
  std::vector<std::byte> out(s.size());
  if (!s.empty()) std::memcpy(out.data(), s.data(), s.size());
  return out;
}

// A version 1.0 preamble around `dict`, padded like numpy (or not at all).
std::vector<std::byte> npy_v1(const std::string& dict) {
  std::string s = "\x93NUMPY";
  s += '\x01';
  s += '\x00';
  s += static_cast<char>(dict.size() & 0xFF);
  s += static_cast<char>(dict.size() >> 8);
  return bytes_of(s + dict);
}

error_kind decode_error(const std::vector<std::byte>& bytes, std::string* message = nullptr) {
  try {
    std::size_t offset = 0;
    (void)decode_npy_header(bytes, offset);
  } catch (const error& e) {
    if (message != nullptr) *message = e.what();
    return e.kind();
  }
  return error_kind::internal;  // no error: the tests below expect one
}

TEST(npy_header, round_trips_every_dtype_and_shape) {
  const std::vector<dtype> types = {
      dtype_of<float>(),         dtype_of<double>(),        dtype_of<std::int32_t>(), dtype_of<std::int64_t>(),  dtype_of<std::uint8_t>(),
      dtype_of<std::uint32_t>(), dtype_of<std::uint64_t>(), {dtype_kind::boolean, 0}, {dtype_kind::unicode, 17}, {dtype_kind::object, 0}};
  const std::vector<std::vector<std::uint64_t>> shapes = {{}, {0}, {7}, {3, 5}, {100000, 100, 4}, {1, 1, 1, 1, 1, 1}};
  for (const auto& type : types) {
    for (const auto& shape : shapes) {
      for (bool fortran : {false, true}) {
        const array_header header{type, shape, fortran};
        const std::vector<std::byte> encoded = encode_npy_header(header);
        EXPECT_EQ(encoded.size() % 64, 0U) << "data must start on a 64-byte boundary";
        EXPECT_EQ(static_cast<char>(encoded.back()), '\n');
        std::size_t offset = 0;
        const array_header decoded = decode_npy_header(encoded, offset);
        EXPECT_EQ(offset, encoded.size());
        EXPECT_EQ(decoded.type, header.type);
        EXPECT_EQ(decoded.shape, header.shape);
        EXPECT_EQ(decoded.fortran_order, header.fortran_order);
      }
    }
  }
}

TEST(npy_header, matches_numpy_byte_for_byte) {
  testing::scratch_dir dir;
  const auto result = testing::run_python(dir, R"(
import numpy as np, sys
from numpy.lib import format
cases = [('<f4', (3, 5)), ('<f8', ()), ('<i8', (7,)), ('|u1', (100000, 100, 4)), ('<U12', ()), ('|b1', (0,))]
for descr, shape in cases:
    d = {'descr': descr, 'fortran_order': False, 'shape': shape}
    import io
    b = io.BytesIO()
    format._write_array_header(b, d, (1, 0))
    print(b.getvalue().hex())
)");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::vector<array_header> headers = {{dtype_of<float>(), {3, 5}},     {dtype_of<double>(), {}},
                                             {dtype_of<std::int64_t>(), {7}}, {dtype_of<std::uint8_t>(), {100000, 100, 4}},
                                             {{dtype_kind::unicode, 12}, {}}, {{dtype_kind::boolean, 0}, {0}}};
  std::istringstream lines(result.output);
  for (const auto& header : headers) {
    std::string expected;
    std::getline(lines, expected);
    std::string actual;
    for (std::byte b : encode_npy_header(header)) {
      static constexpr char k_hex[] = "0123456789abcdef";
      actual += k_hex[std::to_integer<int>(b) >> 4];
      actual += k_hex[std::to_integer<int>(b) & 0xF];
    }
    EXPECT_EQ(actual, expected) << header.type.descr();
  }
}

TEST(npy_header, accepts_numpy_spacing_variations_and_versions) {
  const std::vector<std::string> dicts = {
      "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 5), }", "{'descr':'<f4','fortran_order':False,'shape':(3,5)}",
      "{ 'shape' : ( 3 , 5 , ) , 'fortran_order' : False , 'descr' : \"<f4\" }   \n",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (3L, 5L), }\n",  // Python 2
  };
  for (const auto& dict : dicts) {
    std::size_t offset = 0;
    const auto bytes = npy_v1(dict);
    const array_header h = decode_npy_header(bytes, offset);
    EXPECT_EQ(h.type, dtype_of<float>()) << dict;
    EXPECT_EQ(h.shape, (std::vector<std::uint64_t>{3, 5})) << dict;
    EXPECT_EQ(offset, bytes.size());
  }
  // Versions 2.0 and 3.0 have a 4-byte length.
  for (char major : {'\x02', '\x03'}) {
    const std::string dict = "{'descr': '|b1', 'fortran_order': True, 'shape': (2,), }\n";
    std::string s = std::string("\x93NUMPY") + major + '\x00' + static_cast<char>(dict.size()) + std::string(3, '\0') + dict;
    std::size_t offset = 0;
    const array_header h = decode_npy_header(bytes_of(s), offset);
    EXPECT_EQ(h.type.kind, dtype_kind::boolean);
    EXPECT_TRUE(h.fortran_order);
    EXPECT_EQ(offset, s.size());
  }
}

TEST(npy_header, rejects_malformed_headers) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{'descr': '<f4', 'fortran_order': False}", "required"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'extra': 1}", "unexpected key"},
      {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (3,)}", "repeated key"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3)}", "tuple"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (-3,)}", "dimension"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (03,)}", "leading zero"},
      {"{'descr': '<f4', 'fortran_order': 0, 'shape': (3,)}", "True or False"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,)}", "too large"},
      {"{'descr': '>f4', 'fortran_order': False, 'shape': (3,)}", "big-endian"},
      {"{'descr': '<c8', 'fortran_order': False, 'shape': (3,)}", "unsupported dtype '<c8'"},
      {"{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,)}", "expected a string"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,)} junk", "after the dict"},
      {"{'descr': '<f4\\n', 'fortran_order': False, 'shape': (3,)}", "escapes"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,)", "expected '}'"},
      {"", "expected '{'"},
      {"{'descr': '<U0', 'fortran_order': False, 'shape': ()}", "unsupported dtype"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296)}", "overflows"},
  };
  for (const auto& [dict, reason] : cases) {
    std::string message;
    EXPECT_EQ(decode_error(npy_v1(dict), &message), error_kind::invalid_input) << dict;
    EXPECT_NE(message.find(reason), std::string::npos) << dict << " -> " << message;
  }
}

TEST(npy_header, rejects_bad_preambles) {
  std::string message;
  EXPECT_EQ(decode_error(bytes_of("\x93NUMPZ\x01\x00\x00\x00"), &message), error_kind::invalid_input);
  EXPECT_NE(message.find("bad magic"), std::string::npos);
  EXPECT_EQ(decode_error(bytes_of(std::string("\x93NUMPY\x04\x00\x00\x00", 10)), &message), error_kind::invalid_input);
  EXPECT_NE(message.find("version 4.0"), std::string::npos);
  EXPECT_EQ(decode_error(bytes_of("\x93NUM"), &message), error_kind::invalid_input);
  EXPECT_NE(message.find("truncated"), std::string::npos);
  // A length past the end of the bytes, and one past the 1 MiB limit.
  EXPECT_EQ(decode_error(bytes_of(std::string("\x93NUMPY\x01\x00\xff\x00{", 11)), &message), error_kind::invalid_input);
  EXPECT_NE(message.find("truncated"), std::string::npos);
  EXPECT_EQ(decode_error(bytes_of(std::string("\x93NUMPY\x02\x00\x00\x00\x00\x01", 12)), &message), error_kind::invalid_input);
  EXPECT_NE(message.find("limit"), std::string::npos);
}

TEST(npz_array, make_array_and_as_round_trip) {
  const std::vector<std::int32_t> values = {1, -2, 3, -4, 5, -6};
  const array a = make_array<std::int32_t>(values, {2, 3});
  EXPECT_EQ(a.header.type, dtype_of<std::int32_t>());
  EXPECT_EQ(a.header.element_count(), 6U);
  EXPECT_EQ(a.header.data_bytes(), 24U);
  const auto view = a.as<std::int32_t>();
  EXPECT_TRUE(std::equal(view.begin(), view.end(), values.begin(), values.end()));
  EXPECT_THROW((void)a.as<float>(), error);
  EXPECT_THROW((void)make_array<std::int32_t>(values, {4, 2}), error);
  const array scalar = make_array<double>(std::vector<double>{2.5}, {});
  EXPECT_EQ(scalar.as<double>()[0], 2.5);
}

TEST(npz_array, detects_shape_product_overflow) {
  const array_header h{dtype_of<double>(), {std::uint64_t{1} << 32, std::uint64_t{1} << 32}};
  EXPECT_THROW((void)h.element_count(), error);
  const array_header bytes_overflow{dtype_of<double>(), {std::uint64_t{1} << 62}};
  EXPECT_EQ(bytes_overflow.element_count(), std::uint64_t{1} << 62);
  try {
    (void)bytes_overflow.data_bytes();
    FAIL() << "expected an overflow";
  } catch (const error& e) {
    EXPECT_EQ(e.kind(), error_kind::invalid_input);
  }
}

TEST(npz_array, unicode_scalar_round_trips_utf8) {
  const std::string text = "{\"grid\": 5, \"name\": \"h\xc3\xa9llo \xe2\x98\x83 \xf0\x9d\x84\x9e\"}";
  const array a = make_unicode_scalar(text);
  EXPECT_EQ(a.header.type.kind, dtype_kind::unicode);
  EXPECT_EQ(a.header.type.unicode_length, 32U);  // code points, not bytes
  EXPECT_TRUE(a.header.shape.empty());
  EXPECT_EQ(unicode_scalar_text(a), text);
  const array empty = make_unicode_scalar("");
  EXPECT_EQ(empty.header.type.descr(), "<U1");  // as np.array("")
  EXPECT_EQ(unicode_scalar_text(empty), "");
}

TEST(npz_array, make_unicode_scalar_rejects_invalid_utf8) {
  for (std::string bad : {"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "abc\xe2\x82"}) {
    try {
      (void)make_unicode_scalar(bad);
      FAIL() << "accepted invalid UTF-8";
    } catch (const error& e) {
      EXPECT_EQ(e.kind(), error_kind::invalid_input);
      EXPECT_NE(std::string(e.what()).find("UTF-8"), std::string::npos);
    }
  }
}

TEST(npz_array, unicode_scalar_text_rejects_other_arrays) {
  EXPECT_THROW((void)unicode_scalar_text(make_array<float>(std::vector<float>{1}, {1})), error);
  array bad_code_point = make_unicode_scalar("a");
  bad_code_point.data[2] = std::byte{0x11};  // U+110061
  EXPECT_THROW((void)unicode_scalar_text(bad_code_point), error);
}

}  // namespace
}  // namespace eisgrid::npz
