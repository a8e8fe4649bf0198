#pragma once
// What the whole-node benchmarks (bench_web_load, bench_scanner) read from a
// running xarb: Prometheus text exposition (histograms, series), /proc CPU
// time, and sample quantiles; and the child process itself. No Asio.

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace xarb::bench {

/// A histogram family summed over its label sets.
struct hist {
  std::vector<double> upper; // bucket upper bounds, +Inf last
  std::vector<double> cumulative;
  double count = 0;
  double sum = 0;
};

/// The value at the end of a text-exposition line.
double line_value(std::string_view line);

/// A histogram family from the text exposition, summed over its label sets.
hist parse_hist(const std::string& text, const std::string& name);

/// Every series of a counter or gauge family: labels text -> value.
std::map<std::string, double> parse_series(const std::string& text, const std::string& name);

/// The sum of every series of a family.
double parse_total(const std::string& text, const std::string& name);

/// a - b bucket by bucket (a window between two scrapes); a if they differ in shape.
hist minus(hist a, const hist& b);
hist plus(hist a, const hist& b);

/// histogram_quantile(): linear inside the bucket holding the rank; the +Inf
/// bucket answers its lower bound. `lo`/`hi` get that bucket's bounds.
double quantile(const hist& h, double q, double* lo = nullptr, double* hi = nullptr);

double mean(const hist& h);

/// utime + stime of a /proc stat file, in seconds; -1 if unreadable.
double stat_cpu(const std::string& path, std::string* comm = nullptr);

/// Exact quantile of a sample (nearest rank); 0 if empty.
double exact_q(std::vector<double> v, double q);

/// The node under test as a child process.
struct node_child {
  int pid = -1;

  /// fork + execve of `argv` (argv[0] = the binary) with this process's
  /// environment minus XARB_* plus `env_extra`, stdout and stderr to `log`.
  /// The child gets SIGTERM if the bench dies. Call before starting threads.
  /// False if fork failed.
  bool start(const std::vector<std::string>& argv, const std::vector<std::string>& env_extra,
             const std::string& log);
  bool alive();
  /// SIGTERM, then SIGKILL after `grace`: the exit code, or -1 (signal,
  /// kill, not running); `how` says which.
  int stop(std::string& how, std::chrono::seconds grace);
};

} // namespace xarb::bench
