#include "actors/failpoint.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <unistd.h>
#include <vector>

namespace xarb {

namespace {

struct armed_point {
  std::string name;
  long target = 0;
  std::atomic<long> hits{0};
};

struct registry {
  std::vector<armed_point*> points;
  bool any = false;

  registry() {
    const char* spec = std::getenv("XARB_FAILPOINTS");
    if (!spec || !*spec)
      return;
    std::string text{spec};
    std::size_t pos = 0;
    while (pos <= text.size()) {
      auto end = text.find(',', pos);
      if (end == std::string::npos)
        end = text.size();
      const auto item = text.substr(pos, end - pos);
      const auto eq = item.find('=');
      if (eq != std::string::npos) {
        auto* p = new armed_point; // lives as long as the process
        p->name = item.substr(0, eq);
        p->target = std::strtol(item.c_str() + eq + 1, nullptr, 10);
        if (p->target >= 1 && !p->name.empty()) {
          points.push_back(p);
          any = true;
        } else {
          delete p;
        }
      }
      pos = end + 1;
    }
  }
};

registry& points() {
  static registry r;
  return r;
}

} // namespace

bool failpoints_armed() {
  return points().any;
}

void failpoint(std::string_view name) {
  auto& r = points();
  if (!r.any)
    return;
  for (auto* p : r.points) {
    if (p->name != name)
      continue;
    if (p->hits.fetch_add(1) + 1 == p->target) {
      // One line on stderr (unbuffered) so the harness can tell where it died.
      std::string line = "xarb: failpoint " + p->name + " reached: SIGKILL\n";
      [[maybe_unused]] auto n = ::write(2, line.data(), line.size());
      ::kill(::getpid(), SIGKILL);
    }
  }
}

} // namespace xarb
