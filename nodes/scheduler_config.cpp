#include "nodes/scheduler_config.hpp"

#include <algorithm>
#include <thread>

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>

namespace xarb {

std::size_t worker_threads(const scheduler_section& s) {
  if (s.max_threads > 0)
    return static_cast<std::size_t>(s.max_threads);
  return std::max<std::size_t>(1, std::thread::hardware_concurrency());
}

void apply_scheduler(const scheduler_section& s, caf::actor_system_config& cfg) {
  // CAF 0.17's own default is max(4, cores): on a 2-core machine 4 workers
  // take turns on the CPU and preempt one another mid-handler (the scanner's
  // refresh p99 went from ~5 ms to 16-24 ms in bench_scanner). One per core,
  // as documented, unless configured.
  cfg.set("scheduler.max-threads", worker_threads(s));
  cfg.set("scheduler.policy",
          s.policy == "sharing" ? caf::atom("sharing") : caf::atom("stealing"));
  if (s.low_latency) {
    // Spin instead of sleeping: ~1-3 us per hop instead of ~60 us, at the
    // cost of burning a core per worker (docs/CONFIG.md, scheduler).
    cfg.set("work-stealing.aggressive-poll-attempts", size_t{1000000});
  }
}

} // namespace xarb
