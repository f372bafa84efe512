#include "measured/read.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "base/error.hpp"
#include "measured/measurement.hpp"
#include "measured/readers.hpp"
#include "measured/text.hpp"

namespace eisgrid::measured {
namespace {

using reader_function = void (*)(const text_file&, measurement&);

reader_function reader_of(format f) noexcept {
  switch (f) {
    case format::csv: return read_csv;
    case format::nova: return read_nova;
    case format::gamry: return read_gamry;
    case format::biologic: return read_biologic;
    case format::zplot: return read_zplot;
    case format::autolab: return read_autolab;
    case format::chinstruments: return read_chinstruments;
    case format::parstat: return read_parstat;
    case format::powersuite: return read_powersuite;
    case format::versastudio: return read_versastudio;
  }
  return read_csv;
}

// Closes the descriptor on every path out.
struct file_descriptor {
  int fd;
  ~file_descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

std::string read_bytes(const std::filesystem::path& path, const std::string& name) {
  // O_NONBLOCK: a FIFO named like a measurement must not hang the reader; it
  // is refused below as not a regular file.
  file_descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
  if (file.fd < 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) throw error(error_kind::not_found, "file '" + name + "': no such file");
    throw system_error(error_kind::invalid_input, "file '" + name + "': cannot open", err);
  }
  struct stat st {};
  if (::fstat(file.fd, &st) != 0) throw system_error(error_kind::invalid_input, "file '" + name + "': cannot stat", errno);
  if (!S_ISREG(st.st_mode)) throw error(error_kind::invalid_input, "file '" + name + "': not a regular file");
  if (static_cast<std::uint64_t>(st.st_size) > k_max_file_bytes) {
    throw error(error_kind::too_large, "file '" + name + "': " + std::to_string(st.st_size) + " bytes, more than the " +
                                           std::to_string(k_max_file_bytes) + " a measurement file may have");
  }
  std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::read(file.fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw system_error(error_kind::invalid_input, "file '" + name + "': cannot read", errno);
    if (n == 0) break;  // shrank while being read
    done += static_cast<std::size_t>(n);
  }
  bytes.resize(done);
  return bytes;
}

}  // namespace

measurement read_measurement_text(std::string_view name, std::string_view bytes, std::optional<format> forced) {
  const text_file text{std::string(name), bytes};
  measurement m;
  m.file = std::string(name);
  m.format = forced ? *forced : detect_format(text, std::filesystem::path(name).extension().string());
  const std::string reader = "the " + std::string(to_string(m.format)) + " reader";
  try {
    reader_of(m.format)(text, m);
    return m;
  } catch (const error& e) {
    if (forced) throw error(e.kind(), std::string(e.what()) + " (" + reader + ", forced by --format)");
    const std::string refusal = std::string(e.what()) + " (" + reader + ", chosen by the file's content)";
    // A plain table may carry one instrument's column names (BioLogic's
    // freq/Hz, Re(Z)/Ohm are also the README's) without being its export: the
    // plain-table reader, with its own checks, gets the last word, and says so.
    if (e.kind() != error_kind::invalid_input || m.format == format::csv) throw error(e.kind(), refusal);
    measurement table;
    table.file = m.file;
    table.format = format::csv;
    try {
      read_csv(text, table);
    } catch (const error& plain) {
      throw error(e.kind(), refusal + "; nor as a plain table: " + plain.what() + " (the csv reader)");
    }
    for (auto& s : table.sweeps) {
      s.warnings.push_back("read as a plain table: " + reader + ", chosen by the file's content, refused it: " + e.what());
    }
    return table;
  }
}

measurement read_measurement(const std::filesystem::path& path, std::optional<format> forced) {
  const std::string name = path.filename().string();
  return read_measurement_text(name, read_bytes(path, name), forced);
}

}  // namespace eisgrid::measured
