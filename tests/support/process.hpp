#pragma once
// Runs helper programs from tests (python3 with numpy, unzip, the eisgrid CLI)
// and captures what they print.

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace test_support {

struct run_result {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline run_result run(const std::string& command) {
  run_result r;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// Debian's python3 (with python3-numpy), whatever python3 is first on PATH.
inline run_result python(const std::string& script, const std::string& args = "") {
  static int counter = 0;
  const auto path =
      std::filesystem::temp_directory_path() / ("eisgrid_py_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".py");
  std::ofstream(path) << script;
  auto r = run("/usr/bin/python3 " + shell_quote(path.string()) + " " + args);
  std::filesystem::remove(path);
  return r;
}

// Calls fn(0) ... fn(n - 1), `threads` at a time, and returns when all have
// returned. For commands that mostly wait on the disk (each fsyncs what it
// writes), so that their waits overlap. fn only gathers results: the caller
// checks them afterwards, on the test's own thread.
template <class Fn>
void for_each_index_in_parallel(std::size_t n, unsigned threads, Fn fn) {
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (std::size_t i = next++; i < n; i = next++) fn(i);
    });
  }
  for (auto& t : pool) t.join();
}

// A fresh directory removed at the end of the test.
struct temp_dir {
  std::filesystem::path path;
  explicit temp_dir(const std::string& tag) {
    static int counter = 0;
    path = std::filesystem::temp_directory_path() / ("eisgrid_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~temp_dir() { std::filesystem::remove_all(path); }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
};

}  // namespace test_support
