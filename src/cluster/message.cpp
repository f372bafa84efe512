#include "cluster/message.hpp"

#include "base/error.hpp"

namespace eisgrid::cluster {

void message_writer::append(const void* data, std::size_t n) {
  const auto* p = static_cast<const std::byte*>(data);
  bytes_.insert(bytes_.end(), p, p + n);
}

void message_writer::put_string(std::string_view s) { put_vector(std::span<const char>(s.data(), s.size())); }

std::string message_reader::get_string() {
  const auto chars = get_vector<char>();
  return {chars.begin(), chars.end()};
}

void message_reader::check(bool ok) const {
  if (!ok) throw error(error_kind::internal, "a message between ranks ended early (ranks running different eisgrid builds?)");
}

const std::byte* message_reader::take(std::size_t n) {
  check(n <= remaining());
  const std::byte* p = bytes_.data() + at_;
  at_ += n;
  return p;
}

}  // namespace eisgrid::cluster
