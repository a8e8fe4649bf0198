#pragma once
// Process metrics of the running node, read from /proc/self at scrape time
// (like the Prometheus client libraries' process collectors, under the
// node's own prefix: xarb_process_*):
//   xarb_process_cpu_seconds_total        user + system CPU time
//   xarb_process_resident_memory_bytes    resident set size
//   xarb_process_virtual_memory_bytes     virtual memory size
//   xarb_process_open_fds                 open file descriptors
//   xarb_process_max_fds                  the soft RLIMIT_NOFILE
//   xarb_process_start_time_seconds       process start, Unix time
//   xarb_process_threads                  OS threads
// Nothing is stored between scrapes: each scrape reads /proc afresh (a few
// small files and one directory listing, ~50 us), so the figures cost
// nothing while nobody scrapes.

#include <optional>
#include <vector>

#include <prometheus/metric_family.h>

namespace xarb {

struct process_stats {
  double cpu_seconds = 0;        ///< utime + stime
  double resident_bytes = 0;     ///< VmRSS
  double virtual_bytes = 0;      ///< VmSize
  double open_fds = 0;           ///< entries of /proc/self/fd (our reading fd excluded)
  double max_fds = 0;            ///< soft limit of open files
  double start_time_seconds = 0; ///< boot time + starttime ticks / CLK_TCK
  double threads = 0;            ///< Threads
};

/// Reads /proc/self/{stat,status,fd} and /proc/stat (boot time). nullopt
/// when /proc is not there (not Linux, or a chroot without it): the node
/// then exposes no process families rather than zeros that look real.
std::optional<process_stats> read_process_stats();

/// The seven xarb_process_* families with the values of `s`.
std::vector<prometheus::MetricFamily> process_families(const process_stats& s);

} // namespace xarb
