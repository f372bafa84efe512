#include "cluster/world.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>

#include "base/cpus.hpp"
#include "cluster/transport.hpp"

namespace eisgrid::cluster {
namespace {

constexpr const char* k_default_stop_message =
    "eisgrid: the MPI launcher stopped this run (another rank failed or was killed, or the job was cancelled); "
    "nothing was published";

// Longer than any terminal device path (/dev/pts/N, /dev/ttyN).
constexpr std::size_t k_max_terminal_path = 256;

std::unique_ptr<detail::transport> g_session_transport;
std::atomic<const char*> g_stop_message{k_default_stop_message};

// Async-signal-safe: write(2) and _exit(2) only. The partial dataset, if any,
// is in npz/temp/, never where readers look (base/atomic_file.hpp).
extern "C" void on_launcher_stop(int) {
  const char* message = g_stop_message.load();
  [[maybe_unused]] const auto a = ::write(STDERR_FILENO, message, std::strlen(message));
  [[maybe_unused]] const auto b = ::write(STDERR_FILENO, "\n", 1);
  ::_exit(1);
}

}  // namespace

namespace detail {

transport& current() noexcept {
  static const std::unique_ptr<transport> solo = make_solo_transport();
  return g_session_transport ? *g_session_transport : *solo;
}

}  // namespace detail

session::session(int& argc, char**& argv) {
  g_session_transport = detail::join_launched_job(argc, argv);
  if (g_session_transport && g_session_transport->size() > 1 && g_session_transport->rank() == 0) {
    struct sigaction action {};
    action.sa_handler = on_launcher_stop;
    ::sigemptyset(&action.sa_mask);
    ::sigaction(SIGTERM, &action, nullptr);
  }
}

session::~session() {
  // From here on a SIGTERM is the launcher tidying up, not a failure to report.
  if (g_session_transport) ::signal(SIGTERM, SIG_DFL);
  g_session_transport.reset();
}

int rank() noexcept { return detail::current().rank(); }
int size() noexcept { return detail::current().size(); }

unsigned default_threads() noexcept {
  const unsigned machine = std::max(1u, std::thread::hardware_concurrency());
  const unsigned allowed = available_cpus();
  // A launcher that binds ranks gives each its own CPUs; unbound ranks share the machine.
  if (allowed < machine) return std::max(1u, allowed);
  return std::max(1u, allowed / static_cast<unsigned>(std::max(1, detail::current().node_ranks())));
}

bool launcher_on_terminal() noexcept {
  if (!distributed()) return false;
  const std::string link = "/proc/" + std::to_string(::getppid()) + "/fd/" + std::to_string(STDERR_FILENO);
  char target[k_max_terminal_path] = {};
  const auto n = ::readlink(link.c_str(), target, sizeof target - 1);
  if (n <= 0) return false;
  const std::string_view path(target, static_cast<std::size_t>(n));
  return path.starts_with("/dev/pts/") || path.starts_with("/dev/tty");
}

void broadcast(byte_buffer& data) { detail::current().broadcast(data); }

void gather(std::span<const std::byte> data, const gather_sink& on_root) { detail::current().gather(data, on_root); }

void set_stop_message(const char* message) noexcept { g_stop_message.store(message ? message : k_default_stop_message); }

}  // namespace eisgrid::cluster
