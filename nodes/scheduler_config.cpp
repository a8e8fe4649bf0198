#include "nodes/scheduler_config.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>

namespace xarb {

void apply_scheduler(const scheduler_section& s, caf::actor_system_config& cfg) {
  if (s.max_threads > 0)
    cfg.set("scheduler.max-threads", static_cast<size_t>(s.max_threads));
  cfg.set("scheduler.policy",
          s.policy == "sharing" ? caf::atom("sharing") : caf::atom("stealing"));
  if (s.low_latency) {
    // Spin instead of sleeping: ~1-3 us per hop instead of ~60 us, at the
    // cost of burning a core per worker (docs/CONFIG.md, scheduler).
    cfg.set("work-stealing.aggressive-poll-attempts", size_t{1000000});
  }
}

} // namespace xarb
