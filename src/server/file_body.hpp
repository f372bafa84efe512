#pragma once
// A Beast body that streams a byte range of an open file in fixed chunks with
// pread, so a download never holds the file in memory.

#include <unistd.h>

#include <cerrno>
#include <vector>

#include <boost/beast/http.hpp>
#include <boost/optional.hpp>

#include "server/http.hpp"

namespace eisgrid::server {

inline constexpr std::size_t k_file_chunk_bytes = 256 * 1024;

struct file_range_body {
  using value_type = file_part;

  static std::uint64_t size(const value_type& v) { return v.length; }

  class writer {
   public:
    using const_buffers_type = boost::asio::const_buffer;

    template <bool is_request, class Fields>
    writer(const boost::beast::http::header<is_request, Fields>&, const value_type& v) : v_(v) {}

    void init(boost::beast::error_code& ec) {
      ec = {};
      position_ = v_.offset;
      remaining_ = v_.length;
      buffer_.resize(static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, k_file_chunk_bytes)));
    }

    boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& ec) {
      ec = {};
      if (remaining_ == 0) return boost::none;
      const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, buffer_.size()));
      ssize_t n;
      do {
        n = ::pread(v_.file->fd(), buffer_.data(), want, static_cast<off_t>(position_));
      } while (n < 0 && errno == EINTR);
      if (n <= 0) {
        // The file shrank or the disk failed: the response cannot be completed.
        ec = boost::beast::http::error::short_read;
        return boost::none;
      }
      position_ += static_cast<std::uint64_t>(n);
      remaining_ -= static_cast<std::uint64_t>(n);
      return {{const_buffers_type(buffer_.data(), static_cast<std::size_t>(n)), remaining_ > 0}};
    }

   private:
    const value_type& v_;
    std::uint64_t position_ = 0, remaining_ = 0;
    std::vector<char> buffer_;
  };
};

}  // namespace eisgrid::server
