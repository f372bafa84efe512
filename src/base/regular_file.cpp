#include "base/regular_file.hpp"

#include <fcntl.h>

#include <cerrno>

#include "base/error.hpp"

namespace eisgrid {

opened_file open_regular_file(const std::filesystem::path& path, const std::string& display_name) {
  const std::string what = "'" + display_name + "'";
  opened_file out;
  out.fd = unique_fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!out.fd.valid()) {
    const int err = errno;
    if (err == ENOENT) throw error(error_kind::not_found, "cannot open " + what + ": no such file");
    if (err == ELOOP) throw error(error_kind::invalid_input, "cannot open " + what + ": a symbolic link, which eisgrid does not follow");
    throw system_error(error_kind::io, "cannot open " + what, err);
  }
  if (::fstat(out.fd.get(), &out.info) != 0) throw system_error(error_kind::io, "cannot read " + what, errno);
  if (!S_ISREG(out.info.st_mode)) throw error(error_kind::invalid_input, "cannot open " + what + ": not a regular file");
  // Blocking reads again: O_NONBLOCK was only for the open of a FIFO.
  const int flags = ::fcntl(out.fd.get(), F_GETFL);
  if (flags < 0 || ::fcntl(out.fd.get(), F_SETFL, flags & ~O_NONBLOCK) != 0)
    throw system_error(error_kind::io, "cannot read " + what, errno);
  return out;
}

}  // namespace eisgrid
