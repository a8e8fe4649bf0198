#include "monitoring/process_metrics.hpp"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

namespace xarb {

namespace {

std::optional<std::string> slurp(const char* path) {
  std::ifstream in{path};
  if (!in)
    return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return std::move(out).str();
}

/// The number after `key` on its line of a "Key:\tvalue [kB]" file; -1 if
/// absent.
double status_field(std::string_view text, std::string_view key) {
  for (std::size_t at = 0; at < text.size();) {
    auto end = text.find('\n', at);
    if (end == std::string_view::npos)
      end = text.size();
    auto line = text.substr(at, end - at);
    at = end + 1;
    if (line.size() <= key.size() || line.substr(0, key.size()) != key
        || line[key.size()] != ':')
      continue;
    line.remove_prefix(key.size() + 1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
      line.remove_prefix(1);
    uint64_t v = 0;
    if (std::from_chars(line.data(), line.data() + line.size(), v).ec != std::errc{})
      return -1;
    return static_cast<double>(v);
  }
  return -1;
}

/// Open descriptors, not counting the one this listing itself holds.
double count_fds() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir)
    return -1;
  const auto own = std::to_string(::dirfd(dir));
  double n = 0;
  while (auto* e = ::readdir(dir)) {
    std::string_view name{e->d_name};
    if (name == "." || name == ".." || name == own)
      continue;
    ++n;
  }
  ::closedir(dir);
  return n;
}

/// Boot time (Unix seconds) from /proc/stat's btime line; -1 if absent.
double boot_time() {
  auto text = slurp("/proc/stat");
  if (!text)
    return -1;
  auto at = text->find("\nbtime ");
  if (at == std::string::npos)
    return -1;
  return std::strtod(text->c_str() + at + 7, nullptr);
}

prometheus::MetricFamily family(const char* name, const char* help,
                                prometheus::MetricType type, double value) {
  prometheus::MetricFamily f;
  f.name = name;
  f.help = help;
  f.type = type;
  prometheus::ClientMetric m;
  if (type == prometheus::MetricType::Counter)
    m.counter.value = value;
  else
    m.gauge.value = value;
  f.metric.push_back(std::move(m));
  return f;
}

} // namespace

std::optional<process_stats> read_process_stats() {
  auto stat = slurp("/proc/self/stat");
  auto status = slurp("/proc/self/status");
  if (!stat || !status)
    return std::nullopt;
  // The command name (field 2) may hold spaces and parentheses: the fields
  // we want are counted from the last ')'.
  auto close = stat->rfind(')');
  if (close == std::string::npos)
    return std::nullopt;
  std::istringstream fields{stat->substr(close + 1)};
  // Fields 3.. : state ppid pgrp session tty_nr tpgid flags minflt cminflt
  // majflt cmajflt utime(14) stime(15) cutime cstime priority nice
  // num_threads(20) itrealvalue starttime(22).
  std::string skip;
  double utime = 0;
  double stime = 0;
  double starttime = 0;
  for (int field = 3; field <= 22; ++field) {
    if (field == 14)
      fields >> utime;
    else if (field == 15)
      fields >> stime;
    else if (field == 22)
      fields >> starttime;
    else
      fields >> skip;
  }
  if (!fields)
    return std::nullopt;
  const auto ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  if (ticks <= 0)
    return std::nullopt;

  process_stats s;
  s.cpu_seconds = (utime + stime) / ticks;
  s.resident_bytes = status_field(*status, "VmRSS") * 1024;
  s.virtual_bytes = status_field(*status, "VmSize") * 1024;
  s.threads = status_field(*status, "Threads");
  s.open_fds = count_fds();
  rlimit lim{};
  // RLIM_INFINITY shows as 2^64-1, as the Prometheus clients report it.
  s.max_fds = ::getrlimit(RLIMIT_NOFILE, &lim) == 0 ? static_cast<double>(lim.rlim_cur) : -1;
  const auto boot = boot_time();
  s.start_time_seconds = boot >= 0 ? boot + starttime / ticks : -1;
  if (s.resident_bytes < 0 || s.virtual_bytes < 0 || s.threads < 0 || s.open_fds < 0
      || s.max_fds < 0 || s.start_time_seconds < 0)
    return std::nullopt; // an unexpected /proc: no half-true figures
  return s;
}

std::vector<prometheus::MetricFamily> process_families(const process_stats& s) {
  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> out;
  out.reserve(7);
  out.push_back(family("xarb_process_cpu_seconds_total",
                       "Total user and system CPU time spent by the node, in seconds.",
                       MetricType::Counter, s.cpu_seconds));
  out.push_back(family("xarb_process_resident_memory_bytes",
                       "Resident memory size of the node, in bytes.", MetricType::Gauge,
                       s.resident_bytes));
  out.push_back(family("xarb_process_virtual_memory_bytes",
                       "Virtual memory size of the node, in bytes.", MetricType::Gauge,
                       s.virtual_bytes));
  out.push_back(family("xarb_process_open_fds", "Open file descriptors of the node.",
                       MetricType::Gauge, s.open_fds));
  out.push_back(family("xarb_process_max_fds",
                       "Maximum number of open file descriptors (soft limit).",
                       MetricType::Gauge, s.max_fds));
  out.push_back(family("xarb_process_start_time_seconds",
                       "Start time of the node process since the Unix epoch, in seconds.",
                       MetricType::Gauge, s.start_time_seconds));
  out.push_back(family("xarb_process_threads", "OS threads of the node.", MetricType::Gauge,
                       s.threads));
  return out;
}

} // namespace xarb
