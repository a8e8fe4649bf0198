#include "bench/node_probe.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace xarb::bench {

/// The value at the end of a text-exposition line.
double line_value(std::string_view line) {
  auto sp = line.rfind(' ');
  return std::strtod(std::string{line.substr(sp + 1)}.c_str(), nullptr);
}

/// A histogram family from the text exposition, summed over its label sets.
hist parse_hist(const std::string& text, const std::string& name) {
  std::map<double, double> buckets;
  hist h;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) {
    std::string_view l = line;
    if (!l.starts_with(name))
      continue;
    auto rest = l.substr(name.size());
    if (rest.starts_with("_bucket{")) {
      auto le = rest.find("le=\"");
      if (le == std::string_view::npos)
        continue;
      auto end = rest.find('"', le + 4);
      auto bound = std::strtod(std::string{rest.substr(le + 4, end - le - 4)}.c_str(), nullptr);
      buckets[bound] += line_value(l);
    } else if (rest.starts_with("_sum")) {
      h.sum += line_value(l);
    } else if (rest.starts_with("_count")) {
      h.count += line_value(l);
    }
  }
  for (auto [b, c] : buckets) {
    h.upper.push_back(b);
    h.cumulative.push_back(c);
  }
  return h;
}

/// Every series of a counter or gauge family: labels text -> value.
std::map<std::string, double> parse_series(const std::string& text, const std::string& name) {
  std::map<std::string, double> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) {
    std::string_view l = line;
    if (!l.starts_with(name) || l.size() <= name.size())
      continue;
    char next = l[name.size()];
    if (next != ' ' && next != '{')
      continue;
    auto sp = l.rfind(' ');
    out[std::string{l.substr(name.size(), sp - name.size())}] += line_value(l);
  }
  return out;
}

double parse_total(const std::string& text, const std::string& name) {
  double s = 0;
  for (auto& [k, v] : parse_series(text, name))
    s += v;
  return s;
}

hist minus(hist a, const hist& b) {
  if (a.cumulative.size() != b.cumulative.size())
    return a;
  for (std::size_t i = 0; i < a.cumulative.size(); ++i)
    a.cumulative[i] -= b.cumulative[i];
  a.count -= b.count;
  a.sum -= b.sum;
  return a;
}

hist plus(hist a, const hist& b) {
  if (a.upper.empty())
    return b;
  for (std::size_t i = 0; i < a.cumulative.size() && i < b.cumulative.size(); ++i)
    a.cumulative[i] += b.cumulative[i];
  a.count += b.count;
  a.sum += b.sum;
  return a;
}

/// histogram_quantile(): linear inside the bucket holding the rank; the +Inf
/// bucket answers its lower bound. `lo`/`hi` get that bucket's bounds.
double quantile(const hist& h, double q, double* lo, double* hi) {
  if (h.count <= 0 || h.upper.empty())
    return 0;
  const double rank = q * h.count;
  double prev = 0, lower = 0;
  for (std::size_t i = 0; i < h.upper.size(); ++i) {
    if (h.cumulative[i] >= rank) {
      if (lo)
        *lo = lower;
      if (hi)
        *hi = h.upper[i];
      if (std::isinf(h.upper[i]))
        return lower;
      return lower + (h.upper[i] - lower) * (rank - prev) / (h.cumulative[i] - prev);
    }
    prev = h.cumulative[i];
    lower = h.upper[i];
  }
  return lower;
}

double mean(const hist& h) {
  return h.count > 0 ? h.sum / h.count : 0;
}

/// utime + stime of a /proc stat file, in seconds; -1 if unreadable.
double stat_cpu(const std::string& path, std::string* comm) {
  std::ifstream f{path};
  std::string s;
  if (!std::getline(f, s))
    return -1;
  auto open = s.find('('), close = s.rfind(')');
  if (open == std::string::npos || close == std::string::npos)
    return -1;
  if (comm)
    *comm = s.substr(open + 1, close - open - 1);
  std::istringstream in{s.substr(close + 2)};
  std::vector<std::string> f3; // fields from 3 (state) on
  for (std::string t; in >> t && f3.size() < 13;)
    f3.push_back(t);
  if (f3.size() < 13)
    return -1;
  const double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
  return (std::strtod(f3[11].c_str(), nullptr) + std::strtod(f3[12].c_str(), nullptr)) / hz;
}

double exact_q(std::vector<double> v, double q) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size()))) ;
  return v[std::min(v.size() - 1, i == 0 ? 0 : i - 1)];
}

bool node_child::start(const std::vector<std::string>& argv_in,
                       const std::vector<std::string>& env_extra, const std::string& log) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e)
    if (!std::string_view{*e}.starts_with("XARB_"))
      env.emplace_back(*e);
  env.insert(env.end(), env_extra.begin(), env_extra.end());
  std::vector<char*> envp;
  for (auto& e : env)
    envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv_in;
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  pid = ::fork();
  if (pid < 0)
    return false;
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM); // never outlive the bench
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    ::execve(argv[0], argv.data(), envp.data());
    std::_Exit(127);
  }
  return true;
}

bool node_child::alive() {
  if (pid <= 0)
    return false;
  int st = 0;
  if (::waitpid(pid, &st, WNOHANG) == pid) {
    pid = -1;
    return false;
  }
  return true;
}

int node_child::stop(std::string& how, std::chrono::seconds grace) {
  if (pid <= 0) {
    how = "not running";
    return -1;
  }
  ::kill(pid, SIGTERM);
  const auto end = std::chrono::steady_clock::now() + grace;
  int st = 0;
  while (std::chrono::steady_clock::now() < end) {
    if (::waitpid(pid, &st, WNOHANG) == pid) {
      pid = -1;
      if (WIFEXITED(st)) {
        how = "exit " + std::to_string(WEXITSTATUS(st));
        return WEXITSTATUS(st);
      }
      how = "signal " + std::to_string(WTERMSIG(st));
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &st, 0);
  pid = -1;
  how = "killed after the " + std::to_string(grace.count()) + " s grace period";
  return -1;
}

} // namespace xarb::bench
