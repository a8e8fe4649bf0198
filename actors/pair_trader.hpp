#pragma once
// pair_trader: one canonical symbol between two venues. The actor is glue:
// market data, trading rules and order answers from the two venue sessions
// go into the strategy engine (core/strategy/pair_engine.hpp), whose orders
// and cancels go back to the sessions; its events are logged and its status
// published to the status board and metrics.

#include <array>
#include <chrono>
#include <functional>
#include <string>

#include "actors/interfaces.hpp"
#include "actors/venue_session.hpp"
#include "core/risk/risk_config.hpp"
#include "core/strategy/params.hpp"
#include "messages/decimal.hpp"

namespace xarb {

struct pair_config {
  std::string symbol;   ///< canonical, e.g. "BTC-PERP"
  std::string venue_a;
  std::string venue_b;
  std::string node = "xarb";  ///< node name: part of every client order id
  strategy::pair_params params;
  uint64_t epoch = 0;         ///< client id incarnation; 0 = start time in ms
  /// Decide inside the venue sessions' handlers (actors/engine_host.hpp):
  /// no actor hop between a book update and the order.
  bool inline_decisions = false;
  /// No entry without a permit from the risk guard (the node sets it; tests
  /// without a guard leave it off).
  bool require_permit = false;
  /// Per leg: the venue key whose request budget the pair shares
  /// (services.limits; key_id and rate_limits are used).
  std::array<risk::venue_risk_config, 2> venue_risk;
  std::function<timestamp_ns()> clock;      ///< default: system clock
};

/// "BTC-PERP:sim-a/sim-b"
std::string pair_id(const pair_config& cfg);

/// Registry name of a pair trader: "pair/BTC-PERP:sim-a/sim-b".
std::string pair_trader_name(const pair_config& cfg);

pair_trader_actor spawn_pair_trader(caf::actor_system& sys, pair_config cfg,
                                    actor_services services);

} // namespace xarb
