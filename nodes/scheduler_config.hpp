#pragma once
// The [scheduler] section of the node config mapped onto CAF's scheduler
// options: the one place that knows which CAF keys `low_latency` turns, used
// by the node and by bench/bench_tick_to_decision.cpp.

#include <cstddef>

#include <caf/fwd.hpp>

#include "nodes/config.hpp"

namespace xarb {

/// CAF worker threads for `s`: max_threads, or one per core when 0 (never
/// CAF's own default of at least 4).
std::size_t worker_threads(const scheduler_section& s);

/// Sets scheduler.policy, scheduler.max-threads (worker_threads) and, for
/// low_latency, the work-stealing polling knobs on `cfg`. Call before the
/// caf::actor_system is constructed from `cfg`.
void apply_scheduler(const scheduler_section& s, caf::actor_system_config& cfg);

} // namespace xarb
