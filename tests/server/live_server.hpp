#pragma once
// A real `eisgrid serve` process on a free loopback port for the integration
// tests, and a minimal blocking HTTP/1.1 client over plain sockets.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../support/ports.hpp"
#include "../support/process.hpp"

namespace test_support {

// A connected client socket, closed on destruction; reads time out after 20 s.
class client_socket {
 public:
  explicit client_socket(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket() failed");
    timeval tv{20, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
      throw std::runtime_error("connect() failed");
    }
  }
  ~client_socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  client_socket(const client_socket&) = delete;
  client_socket& operator=(const client_socket&) = delete;
  client_socket(client_socket&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }

  void send_all(const std::string& data) const {
    std::size_t sent = 0;
    while (sent < data.size()) {
      const auto n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;  // the server may close early (431, 413)
      sent += static_cast<std::size_t>(n);
    }
  }
  // Reads up to `n` bytes; 0 on close or timeout.
  std::size_t read_some(char* buf, std::size_t n) const {
    const auto got = ::recv(fd_, buf, n, 0);
    return got > 0 ? static_cast<std::size_t>(got) : 0;
  }
  [[nodiscard]] int fd() const noexcept { return fd_; }

 private:
  int fd_ = -1;
};

struct http_reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool complete = false;
  [[nodiscard]] std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// Reads one response (Content-Length framed; no body for HEAD, 204, 304).
inline http_reply read_reply(const client_socket& s, bool head = false) {
  http_reply r;
  std::string data;
  char buf[65536];
  std::size_t header_end;
  while ((header_end = data.find("\r\n\r\n")) == std::string::npos) {
    const auto n = s.read_some(buf, sizeof buf);
    if (n == 0) return r;
    data.append(buf, n);
  }
  const std::string head_text = data.substr(0, header_end);
  std::size_t line_end = head_text.find("\r\n");
  const std::string status_line = head_text.substr(0, line_end);
  r.status = std::stoi(status_line.substr(9, 3));
  while (line_end != std::string::npos && line_end < head_text.size()) {
    const std::size_t next = head_text.find("\r\n", line_end + 2);
    const std::string line = head_text.substr(line_end + 2, next == std::string::npos ? std::string::npos : next - line_end - 2);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers[name] = value;
    }
    line_end = next;
  }
  r.body = data.substr(header_end + 4);
  const std::size_t length =
      head || r.status == 204 || r.status == 304 || r.header("content-length").empty() ? 0 : std::stoull(r.header("content-length"));
  while (r.body.size() < length) {
    const auto n = s.read_some(buf, std::min(sizeof buf, length - r.body.size()));
    if (n == 0) return r;
    r.body.append(buf, n);
  }
  r.complete = true;
  return r;
}

inline std::string make_request(const std::string& method, const std::string& target, const std::string& key = "",
                                const std::string& body = "", const std::vector<std::string>& extra = {}, bool close = true) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!key.empty()) req += "Authorization: Bearer " + key + "\r\n";
  for (const auto& h : extra) req += h + "\r\n";
  if (!body.empty() || method == "POST") req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  if (close) req += "Connection: close\r\n";
  return req + "\r\n" + body;
}

// `eisgrid serve` in a child process; SIGTERM (then SIGKILL) at the end.
class live_server {
 public:
  live_server(const std::filesystem::path& data, const std::string& db = "", const std::vector<std::string>& extra_args = {},
              const std::string& jwt_secret = "")
      : port_(free_loopback_port()), log_(data / "serve.log") {
    std::vector<std::string> args{EISGRID_CLI_PATH, "serve", "--port", std::to_string(port_), "--data", data.string(), "--threads", "1"};
    if (!db.empty()) {
      args.push_back("--db");
      args.push_back(db);
    }
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    pid_ = ::fork();
    if (pid_ == 0) {
      const int out = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(out, 1);
      ::dup2(out, 2);
      if (!jwt_secret.empty())
        ::setenv("EISGRID_JWT_SECRET", jwt_secret.c_str(), 1);
      else
        ::unsetenv("EISGRID_JWT_SECRET");
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      try {
        client_socket s(port_);
        s.send_all(make_request("GET", "/api/health"));
        if (read_reply(s).status == 200) return;
      } catch (const std::exception&) {
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("eisgrid serve exited:\n" + log());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("eisgrid serve did not answer /api/health:\n" + log());
  }
  ~live_server() { stop(SIGTERM); }
  // Stops the server now: SIGTERM lets it shut down, SIGKILL does not.
  void stop(int signal) {
    if (pid_ <= 0) return;
    if (signal == SIGKILL) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
      return;
    }
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 200; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  live_server(const live_server&) = delete;
  live_server& operator=(const live_server&) = delete;

  [[nodiscard]] int port() const noexcept { return port_; }
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  [[nodiscard]] std::string log() const {
    std::ifstream in(log_);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  // One request on a fresh connection.
  [[nodiscard]] http_reply call(const std::string& method, const std::string& target, const std::string& key = "",
                                const std::string& body = "", const std::vector<std::string>& extra = {}) const {
    client_socket s(port_);
    s.send_all(make_request(method, target, key, body, extra));
    return read_reply(s, method == "HEAD");
  }

 private:
  int port_;
  std::filesystem::path log_;
  pid_t pid_ = -1;
};

// The job `id` once it has ended (done, failed or cancelled), polled every
// 50 ms for at most 120 s (a fit of every model on a loaded machine); a test
// failure and null when it has not ended by then.
inline nlohmann::json wait_for_job(const live_server& s, const std::string& key, const std::string& id) {
  for (int i = 0; i < 2400; ++i) {
    const auto reply = s.call("GET", "/api/jobs/" + id, key);
    const auto job = nlohmann::json::parse(reply.body, nullptr, false);
    if (job.is_discarded() || !job.contains("job")) {
      ADD_FAILURE() << "GET /api/jobs/" << id << ": " << reply.status << " " << reply.body;
      return {};
    }
    if (job["job"]["state"] != "queued" && job["job"]["state"] != "running") return job["job"];
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "job " << id << " did not finish";
  return {};
}

// A file's bytes (a test's input).
inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// POST /api/measurements of `bytes` as `name`, signed in with `key`, on a connection of its own.
inline http_reply upload_measurement(const live_server& s, const std::string& key, const std::string& name, const std::string& bytes) {
  client_socket sock(s.port());
  sock.send_all("POST /api/measurements?name=" + name + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer " +
                key + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + std::to_string(bytes.size()) + "\r\n\r\n" + bytes);
  return read_reply(sock);
}

// Sub-second answers under load are a property of the release build: under
// AddressSanitizer every request runs several times slower, and the
// 1-second bound would fail for that alone. There the time is printed, not
// asserted, loudly; every other check of the test still runs.
inline void expect_within_a_second(double ms, const std::string& what) {
#if defined(__SANITIZE_ADDRESS__)
  std::fprintf(stderr, "\n*** NOT ASSERTED under AddressSanitizer: %s took %.0f ms (the release build asserts < 1000 ms) ***\n\n",
               what.c_str(), ms);
#else
  EXPECT_LT(ms, 1000.0) << what;
#endif
}

}  // namespace test_support
