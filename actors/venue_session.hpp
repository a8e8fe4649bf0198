#pragma once
// venue_session: one connection to one venue. In this version the venue is a
// simulated exchange (venues/sim) living inside the session, so the market
// data path is exactly the one a real venue will take: venue events -> book
// apply (sequence/crossed checks) -> resync on gaps -> fan-out of depth to
// subscribers.

#include <chrono>
#include <functional>
#include <string>

#include "actors/interfaces.hpp"
#include "messages/market.hpp"
#include "venues/sim/sim_config.hpp"

namespace xarb {

class name_registry;
class status_board;
class telemetry;

struct venue_session_config {
  std::string venue;                       ///< simulated venue name, e.g. "sim-a"
  sim::world_config world;                 ///< the simulated market
  caf::timespan tick_interval = std::chrono::milliseconds(5);
  std::size_t depth_levels = 20;           ///< levels per side published to subscribers
  int64_t stale_after_ns = 5'000'000'000;  ///< staleness budget per book
  std::function<timestamp_ns()> clock;     ///< wall clock (epoch ns); default: system clock
};

/// Pointers to node-wide services; any may be null (tests).
struct actor_services {
  name_registry* registry = nullptr;
  status_board* board = nullptr;
  telemetry* metrics = nullptr;
};

/// Name under which the session of `venue` is registered.
std::string venue_session_name(const std::string& venue);

/// Spawns a venue session (used by the venues supervisor's child spec).
venue_session_actor spawn_venue_session(caf::actor_system& sys,
                                        venue_session_config cfg,
                                        actor_services services);

} // namespace xarb
