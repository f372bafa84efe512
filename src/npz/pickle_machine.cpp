#include "npz/pickle_machine.hpp"

#include <bit>
#include <cstring>
#include <unordered_map>

#include "base/hex.hpp"
#include "base/utf8.hpp"
#include "npz/byte_order.hpp"

namespace eisgrid::npz::detail {
namespace {

constexpr std::size_t k_max_stack = 100'000;
constexpr std::size_t k_max_marks = 1'000;  // nesting of MARK ... TUPLE/APPENDS/SETITEMS
constexpr std::size_t k_max_memo = 100'000;
constexpr std::size_t k_max_global_name = 256;
// Metadata strings are short (the longest old-exporter value is ~60 bytes).
constexpr std::uint64_t k_max_string_bytes = std::uint64_t{16} << 20;
constexpr std::size_t k_max_long_bytes = 8;  // LONG1/LONG4 beyond 64 bits have no JSON form
constexpr std::uint8_t k_min_protocol = 2;
constexpr std::uint8_t k_max_protocol = 5;

enum opcode : std::uint8_t {
  op_mark = '(',
  op_stop = '.',
  op_pop = '0',
  op_pop_mark = '1',
  op_dup = '2',
  op_binfloat = 'G',
  op_binint = 'J',
  op_binint1 = 'K',
  op_binint2 = 'M',
  op_none = 'N',
  op_reduce = 'R',
  op_binunicode = 'X',
  op_binbytes = 'B',
  op_short_binbytes = 'C',
  op_empty_list = ']',
  op_append = 'a',
  op_build = 'b',
  op_global = 'c',
  op_dict = 'd',
  op_appends = 'e',
  op_binget = 'h',
  op_long_binget = 'j',
  op_list = 'l',
  op_binput = 'q',
  op_long_binput = 'r',
  op_setitem = 's',
  op_tuple = 't',
  op_setitems = 'u',
  op_empty_dict = '}',
  op_empty_tuple = ')',
  op_proto = 0x80,
  op_tuple1 = 0x85,
  op_tuple2 = 0x86,
  op_tuple3 = 0x87,
  op_newtrue = 0x88,
  op_newfalse = 0x89,
  op_long1 = 0x8a,
  op_long4 = 0x8b,
  op_short_binunicode = 0x8c,
  op_binunicode8 = 0x8d,
  op_binbytes8 = 0x8e,
  op_stack_global = 0x93,
  op_memoize = 0x94,
  op_frame = 0x95,
  op_bytearray8 = 0x96,
};

class machine {
 public:
  machine(std::span<const std::byte> pickle, pickle_arena& arena) : in_(pickle, "pickle"), arena_(arena) {}

  object_id run() {
    for (;;) {
      const std::uint8_t op = in_.u8();
      if (op == op_stop) {
        if (stack_.size() != 1 || !marks_.empty()) pickle_error("the stack does not hold exactly one object at STOP");
        return stack_.back();
      }
      step(op);
      if (stack_.size() > k_max_stack) pickle_error("stack deeper than " + std::to_string(k_max_stack));
    }
  }

 private:
  void step(std::uint8_t op) {
    switch (op) {
      case op_proto: {
        const std::uint8_t version = in_.u8();
        if (version < k_min_protocol || version > k_max_protocol) pickle_error("protocol " + std::to_string(version));
        return;
      }
      case op_frame: (void)in_.u64(); return;  // framing only groups opcodes for buffering
      case op_mark:
        if (marks_.size() == k_max_marks) pickle_error("nested deeper than " + std::to_string(k_max_marks));
        marks_.push_back(stack_.size());
        return;
      case op_pop: (void)pop(); return;
      case op_pop_mark: (void)pop_to_mark(); return;
      case op_dup: push_id(top()); return;
      case op_none: push({}); return;
      case op_newtrue: push_bool(true); return;
      case op_newfalse: push_bool(false); return;
      case op_binint: push_int(static_cast<std::int32_t>(in_.u32())); return;
      case op_binint1: push_int(in_.u8()); return;
      case op_binint2: push_int(in_.u16()); return;
      case op_long1: push_long(in_.u8()); return;
      case op_long4: push_long(in_.u32()); return;
      case op_binfloat: {
        pickle_object o{object_kind::floating};
        o.floating = std::bit_cast<double>(__builtin_bswap64(in_.u64()));  // big-endian on the wire
        push(std::move(o));
        return;
      }
      case op_short_binunicode: push_text(in_.u8()); return;
      case op_binunicode: push_text(in_.u32()); return;
      case op_binunicode8: push_text(in_.u64()); return;
      case op_short_binbytes: push_bytes(in_.u8()); return;
      case op_binbytes: push_bytes(in_.u32()); return;
      case op_binbytes8:
      case op_bytearray8: push_bytes(in_.u64()); return;
      case op_empty_list: push({object_kind::list}); return;
      case op_empty_dict: push({object_kind::dict}); return;
      case op_empty_tuple: push({object_kind::tuple}); return;
      case op_list: push_container(object_kind::list, pop_to_mark()); return;
      case op_tuple: push_container(object_kind::tuple, pop_to_mark()); return;
      case op_dict: {
        const object_id d = arena_.add({object_kind::dict});
        set_items(d, pop_to_mark());
        push_id(d);
        return;
      }
      case op_tuple1: push_container(object_kind::tuple, pop_n(1)); return;
      case op_tuple2: push_container(object_kind::tuple, pop_n(2)); return;
      case op_tuple3: push_container(object_kind::tuple, pop_n(3)); return;
      case op_append: append_items(pop_n(1)); return;
      case op_appends: append_items(pop_to_mark()); return;
      case op_setitem: set_items_on_top(pop_n(2)); return;
      case op_setitems: set_items_on_top(pop_to_mark()); return;
      case op_binput: memo_put(in_.u8()); return;
      case op_long_binput: memo_put(in_.u32()); return;
      case op_memoize: memo_put(static_cast<std::uint32_t>(memo_.size())); return;
      case op_binget: memo_get(in_.u8()); return;
      case op_long_binget: memo_get(in_.u32()); return;
      case op_global: {
        const std::string module = line();
        const std::string name = line();
        push_global(module, name);
        return;
      }
      case op_stack_global: {
        const object_id name = pop();
        const object_id module = pop();
        if (arena_[module].kind != object_kind::text || arena_[name].kind != object_kind::text) {
          pickle_error("STACK_GLOBAL needs two strings");
        }
        push_global(arena_[module].text, arena_[name].text);
        return;
      }
      case op_reduce: {
        const object_id args = pop();
        const object_id callable = pop();
        push_id(reduce(arena_, callable, args));
        return;
      }
      case op_build: {
        const object_id state = pop();
        build(arena_, top(), state);
        return;
      }
      default: pickle_error("opcode 0x" + to_hex(std::span(&op, 1)) + " is not supported");
    }
  }

  void push_id(object_id id) { stack_.push_back(id); }
  void push(pickle_object o) { push_id(arena_.add(std::move(o))); }
  void push_bool(bool v) {
    pickle_object o{object_kind::boolean};
    o.boolean = v;
    push(std::move(o));
  }
  void push_int(std::int64_t v) {
    pickle_object o{object_kind::integer};
    o.integer = v;
    push(std::move(o));
  }
  // Little-endian two's complement of `size` bytes.
  void push_long(std::uint64_t size) {
    if (size > k_max_long_bytes) pickle_error("an integer wider than 64 bits");
    const auto bytes = in_.bytes(static_cast<std::size_t>(size));
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) v |= std::to_integer<std::uint64_t>(bytes[i]) << (8 * i);
    const bool negative = size > 0 && (std::to_integer<std::uint8_t>(bytes.back()) & 0x80) != 0;
    if (negative && size < 8) v |= ~std::uint64_t{0} << (8 * size);  // sign-extend
    if (!negative && size == 8 && (v >> 63) != 0) pickle_error("an integer wider than 64 bits");
    push_int(static_cast<std::int64_t>(v));
  }
  void push_text(std::uint64_t size) {
    pickle_object o{object_kind::text};
    o.text = std::string(in_.text(checked_size(size)));
    validate_utf8(o.text, "a pickled string");
    push(std::move(o));
  }
  void push_bytes(std::uint64_t size) {
    pickle_object o{object_kind::bytes};
    o.text = std::string(in_.text(checked_size(size)));
    push(std::move(o));
  }
  std::size_t checked_size(std::uint64_t size) const {
    if (size > k_max_string_bytes) pickle_error("a string longer than " + std::to_string(k_max_string_bytes) + " bytes");
    if (size > in_.remaining()) pickle_error("truncated pickle");
    return static_cast<std::size_t>(size);
  }
  void push_container(object_kind kind, std::vector<object_id> items) {
    pickle_object o{kind};
    o.items = std::move(items);
    push(std::move(o));
  }
  void push_global(const std::string& module, const std::string& name) {
    pickle_object o{object_kind::global};
    o.global = resolve_global(module, name);
    o.text = module + "." + name;
    push(std::move(o));
  }
  std::string line() {
    std::string out;
    for (char c = static_cast<char>(in_.u8()); c != '\n'; c = static_cast<char>(in_.u8())) {
      if (out.size() == k_max_global_name) pickle_error("a global name longer than " + std::to_string(k_max_global_name));
      out.push_back(c);
    }
    return out;
  }

  object_id top() const {
    if (stack_.size() <= (marks_.empty() ? 0 : marks_.back())) pickle_error("stack underflow");
    return stack_.back();
  }
  object_id pop() {
    const object_id id = top();
    stack_.pop_back();
    return id;
  }
  std::vector<object_id> pop_n(std::size_t n) {
    const std::size_t floor = marks_.empty() ? 0 : marks_.back();
    if (stack_.size() - floor < n) pickle_error("stack underflow");
    std::vector<object_id> out(stack_.end() - static_cast<std::ptrdiff_t>(n), stack_.end());
    stack_.resize(stack_.size() - n);
    return out;
  }
  std::vector<object_id> pop_to_mark() {
    if (marks_.empty()) pickle_error("no MARK to pop to");
    const std::size_t at = marks_.back();
    marks_.pop_back();
    std::vector<object_id> out(stack_.begin() + static_cast<std::ptrdiff_t>(at), stack_.end());
    stack_.resize(at);
    return out;
  }

  void append_items(const std::vector<object_id>& items) {
    pickle_object& list = arena_[top()];
    if (list.kind != object_kind::list) pickle_error("APPEND to something other than a list");
    list.items.insert(list.items.end(), items.begin(), items.end());
  }
  void set_items(object_id dict, const std::vector<object_id>& pairs) {
    if (pairs.size() % 2 != 0) pickle_error("a dict item without a value");
    pickle_object& d = arena_[dict];
    d.items.insert(d.items.end(), pairs.begin(), pairs.end());
  }
  void set_items_on_top(const std::vector<object_id>& pairs) {
    if (arena_[top()].kind != object_kind::dict) pickle_error("SETITEM on something other than a dict");
    set_items(top(), pairs);
  }

  void memo_put(std::uint32_t index) {
    if (memo_.size() >= k_max_memo && !memo_.contains(index)) pickle_error("memo larger than " + std::to_string(k_max_memo));
    memo_[index] = top();
  }
  void memo_get(std::uint32_t index) {
    const auto it = memo_.find(index);
    if (it == memo_.end()) pickle_error("memo key " + std::to_string(index) + " is not set");
    push_id(it->second);
  }

  byte_source in_;
  pickle_arena& arena_;
  std::vector<object_id> stack_;
  std::vector<std::size_t> marks_;
  std::unordered_map<std::uint32_t, object_id> memo_;
};

}  // namespace

object_id run_pickle(std::span<const std::byte> pickle, pickle_arena& arena) { return machine(pickle, arena).run(); }

}  // namespace eisgrid::npz::detail
