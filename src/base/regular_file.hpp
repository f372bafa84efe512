#pragma once
// Opening a file that someone else may have put in the data directory. Every
// reader of datasets goes through here, so a symbolic link (which could point
// at another user's private file) or a FIFO (which would block the reader for
// ever) is refused the same way everywhere.

#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "base/atomic_file.hpp"

namespace eisgrid {

struct opened_file {
  unique_fd fd;
  struct stat info {};
};

// Opens `path` read-only if it is a regular file itself. O_NOFOLLOW refuses a
// symbolic link as the last component; O_NONBLOCK makes opening a FIFO return
// at once instead of waiting for a writer, and fstat then refuses anything but
// a regular file. Throws error(not_found) for a missing file, and
// error(invalid_input) naming `display_name` for a link or a non-regular file
// ("cannot open 'x.npz': a symbolic link, which eisgrid does not follow"),
// error(io) for any other failure. Thread-safe.
[[nodiscard]] opened_file open_regular_file(const std::filesystem::path& path, const std::string& display_name);

}  // namespace eisgrid
