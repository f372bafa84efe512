#include "npz/npy_dict.hpp"

#include <array>
#include <charconv>
#include <string>

#include "base/error.hpp"
#include "base/utf8.hpp"

namespace eisgrid::npz::detail {
namespace {

// numpy allows 32 dimensions (64 since 2.0).
constexpr std::size_t k_max_dimensions = 64;
// '<U{n}': one character is 4 bytes; 2^28 characters (1 GiB per element) is far past any real use.
constexpr std::uint64_t k_max_unicode_length = std::uint64_t{1} << 28;

struct descr_entry {
  std::string_view text;
  dtype_kind kind;
};
constexpr std::array<descr_entry, 9> k_descrs = {{
    {"<f4", dtype_kind::float32},
    {"<f8", dtype_kind::float64},
    {"<i4", dtype_kind::int32},
    {"<i8", dtype_kind::int64},
    {"|u1", dtype_kind::uint8},
    {"<u4", dtype_kind::uint32},
    {"<u8", dtype_kind::uint64},
    {"|b1", dtype_kind::boolean},
    {"|O", dtype_kind::object},
}};

[[noreturn]] void malformed(const std::string& reason) { throw error(error_kind::invalid_input, "malformed .npy header: " + reason); }

class dict_parser {
 public:
  explicit dict_parser(std::string_view text) noexcept : text_(text) {}

  array_header parse() {
    array_header header;
    bool seen_descr = false, seen_order = false, seen_shape = false;
    expect('{');
    while (!peek('}')) {
      const std::string key = string_literal();
      expect(':');
      if (key == "descr" && !seen_descr) {
        header.type = parse_descr(string_literal());
        seen_descr = true;
      } else if (key == "fortran_order" && !seen_order) {
        header.fortran_order = boolean_literal();
        seen_order = true;
      } else if (key == "shape" && !seen_shape) {
        header.shape = shape_literal();
        seen_shape = true;
      } else if (key == "descr" || key == "fortran_order" || key == "shape") {
        malformed("repeated key '" + key + "'");
      } else {
        malformed("unexpected key '" + printable(key) + "'");
      }
      if (!accept(',')) break;
    }
    expect('}');
    skip_space();
    if (pos_ != text_.size()) malformed("unexpected text after the dict");
    if (!seen_descr || !seen_order || !seen_shape) malformed("'descr', 'fortran_order' and 'shape' are required");
    return header;
  }

 private:
  void skip_space() noexcept {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool peek(char c) noexcept {
    skip_space();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  bool accept(char c) noexcept {
    if (!peek(c)) return false;
    ++pos_;
    return true;
  }
  void expect(char c) {
    if (!accept(c)) malformed(std::string("expected '") + c + "' at offset " + std::to_string(pos_));
  }

  // A quoted string without escapes: no key or descr numpy writes needs one.
  std::string string_literal() {
    skip_space();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) {
      malformed("expected a string at offset " + std::to_string(pos_));
    }
    const char quote = text_[pos_++];
    const std::size_t end = text_.find(quote, pos_);
    if (end == std::string_view::npos) malformed("unterminated string");
    const std::string_view body = text_.substr(pos_, end - pos_);
    if (body.find_first_of("\\\n") != std::string_view::npos) malformed("escapes in strings are not supported");
    pos_ = end + 1;
    return std::string(body);
  }

  bool boolean_literal() {
    skip_space();
    for (auto [word, value] : {std::pair{std::string_view("True"), true}, std::pair{std::string_view("False"), false}}) {
      if (text_.substr(pos_, word.size()) == word) {
        pos_ += word.size();
        return value;
      }
    }
    malformed("'fortran_order' must be True or False");
  }

  // "(3, 5)", "(3,)", "()"; a bare "(3)" is an int in Python, so it is refused.
  std::vector<std::uint64_t> shape_literal() {
    std::vector<std::uint64_t> shape;
    expect('(');
    bool trailing_comma = false;
    while (!peek(')')) {
      if (shape.size() == k_max_dimensions) malformed("more than " + std::to_string(k_max_dimensions) + " dimensions");
      shape.push_back(integer_literal());
      trailing_comma = accept(',');
      if (!trailing_comma) break;
    }
    expect(')');
    if (shape.size() == 1 && !trailing_comma) malformed("'shape' must be a tuple");
    return shape;
  }

  std::uint64_t integer_literal() {
    skip_space();
    std::uint64_t value = 0;
    const char* first = text_.data() + pos_;
    const char* last = text_.data() + text_.size();
    auto [end, ec] = std::from_chars(first, last, value);
    if (ec == std::errc::result_out_of_range) malformed("a dimension is too large");
    if (ec != std::errc()) malformed("expected a dimension at offset " + std::to_string(pos_));
    if (*first == '0' && end - first > 1) malformed("a dimension has a leading zero");
    pos_ += static_cast<std::size_t>(end - first);
    if (pos_ < text_.size() && text_[pos_] == 'L') ++pos_;  // Python 2 longs: "(3L, 5L)"
    return value;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

dtype parse_descr(std::string_view descr) {
  for (const auto& entry : k_descrs) {
    if (descr == entry.text) return {entry.kind, 0};
  }
  if (descr.size() > 2 && descr.substr(0, 2) == "<U") {
    std::uint64_t n = 0;
    const char* first = descr.data() + 2;
    const char* last = descr.data() + descr.size();
    auto [end, ec] = std::from_chars(first, last, n);
    if (ec == std::errc() && end == last && *first != '0' && n <= k_max_unicode_length) {
      return {dtype_kind::unicode, static_cast<std::size_t>(n)};
    }
  }
  if (!descr.empty() && descr.front() == '>') {
    throw error(error_kind::invalid_input, "big-endian data ('" + printable(descr) + "') is not supported");
  }
  throw error(error_kind::invalid_input, "unsupported dtype '" + printable(descr) + "'");
}

array_header parse_npy_dict(std::string_view text) { return dict_parser(text).parse(); }

}  // namespace eisgrid::npz::detail
