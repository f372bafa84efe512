#include "cli/progress_bar.hpp"

#include <unistd.h>

#include <cmath>

#include "cluster/world.hpp"

namespace eisgrid::cli {
namespace {
constexpr int k_bar_width = 30;
}

progress_bar::progress_bar(std::FILE* out, bool enabled, std::string unit)
    : out_(out),
      active_(enabled && (::isatty(::fileno(out)) || (out == stderr && cluster::launcher_on_terminal()))),
      unit_(std::move(unit)) {}

std::string progress_bar::format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  const auto s = static_cast<long long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  }
  return buf;
}

std::string progress_bar::format_rate(double per_second) {
  const char* suffix[] = {"", " k", " M", " G"};
  int i = 0;
  while (per_second >= 1000 && i < 3) {
    per_second /= 1000;
    ++i;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%s", per_second, suffix[i]);
  return buf;
}

void progress_bar::update(const sweep::sweep_progress& p) {
  if (!active_ || p.total == 0) return;
  const double fraction = static_cast<double>(p.done) / static_cast<double>(p.total);
  const int filled = static_cast<int>(fraction * k_bar_width);
  const double rate = p.elapsed_seconds > 0 ? static_cast<double>(p.done) / p.elapsed_seconds : 0;
  const double eta = rate > 0 ? static_cast<double>(p.total - p.done) / rate : NAN;
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(k_bar_width, '.');
  std::fprintf(out_, "\r[%s] %5.1f%%  %s %s/s  ETA %s ", bar.c_str(), fraction * 100, format_rate(rate).c_str(), unit_.c_str(),
               format_duration(eta).c_str());
  std::fflush(out_);
}

void progress_bar::finish() {
  if (!active_) return;
  std::fprintf(out_, "\r%*s\r", k_bar_width + 50, "");
  std::fflush(out_);
}

}  // namespace eisgrid::cli
