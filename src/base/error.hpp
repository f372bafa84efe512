#pragma once
// The one error type that ends a command or a request. Its kind maps to a
// process exit code and to an HTTP status, so every layer reports failures
// the same way: "cannot open dataset 'x.npz': no such file".

#include <stdexcept>
#include <string>

namespace eisgrid {

enum class error_kind {
  usage,          // bad command-line or request arguments
  invalid_input,  // a malformed file, CSV row or JSON body
  not_found,      // a dataset, user or row that does not exist (or is not visible)
  forbidden,      // visible but not the caller's to change
  unauthorized,   // a bad or revoked credential
  conflict,       // already exists
  too_large,      // over a configured limit
  cancelled,      // stopped on request
  io,             // the operating system refused (disk full, permissions)
  internal,       // a bug or an unexpected library failure
};

class error : public std::runtime_error {
 public:
  error(error_kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  [[nodiscard]] error_kind kind() const noexcept { return kind_; }

 private:
  error_kind kind_;
};

// Process exit codes: 0 ok, 1 failure, 2 usage.
[[nodiscard]] int exit_code(error_kind kind) noexcept;
[[nodiscard]] int http_status(error_kind kind) noexcept;
[[nodiscard]] const char* to_string(error_kind kind) noexcept;

// Appends the text of errno value `err` to `what`: "cannot open 'x': No such file or directory".
[[nodiscard]] error system_error(error_kind kind, const std::string& what, int err);

}  // namespace eisgrid
