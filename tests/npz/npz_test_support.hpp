#pragma once
// Helpers shared by the npz tests: a scratch directory, file bytes, and
// running /usr/bin/python3 (with numpy) as the independent reference.

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/atomic_file.hpp"
#include "npz/writer.hpp"
#include "support/process.hpp"

namespace eisgrid::npz::testing {

// A fresh directory under the system temp dir, removed with everything in it.
class scratch_dir {
 public:
  scratch_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "eisgrid-npz-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~scratch_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline std::vector<std::byte> read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> out(chars.size());
  if (!chars.empty()) std::memcpy(out.data(), chars.data(), chars.size());
  return out;
}

inline void write_bytes(const std::filesystem::path& path, std::span<const std::byte> bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

using command_result = test_support::run_result;

inline command_result run_command(const std::string& command) { return test_support::run(command); }

// Runs `script` with the system python3 (which has numpy), passing `args`
// after it: sys.argv[1:].
inline command_result run_python(const scratch_dir&, const std::string& script, const std::vector<std::string>& args = {}) {
  std::string quoted;
  for (const auto& a : args) quoted += " " + test_support::shell_quote(a);
  return test_support::python(script, quoted);
}

// Writes an archive at `path` through `fill`, then finishes it.
inline std::uint64_t write_npz(const std::filesystem::path& path, const write_options& options, const std::function<void(writer&)>& fill) {
  unique_fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid()) throw std::runtime_error("cannot create " + path.string());
  writer w(fd.get(), path.filename().string(), options);
  fill(w);
  return w.finish();
}

}  // namespace eisgrid::npz::testing
