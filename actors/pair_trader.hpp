#pragma once
// pair_trader: one canonical symbol between two venues. The actor is glue:
// market data, trading rules and order answers from the two venue sessions
// go into the strategy engine (core/strategy/pair_engine.hpp), whose orders
// and cancels go back to the sessions; its events are logged and its status
// published to the status board and metrics.
//
// Recovery (issue 5, core/strategy/recovery.hpp). On start the trader reads
// its journal from the store (fills, funding payments, orders that may still
// work) into the engine, with a client id epoch above every id it ever
// used. Each time a leg's venue session attaches (at start, and after every
// restart of the session) the leg is reconciled: no order leaves the pair
// until the venue has answered an account_query, its missing fills are
// journaled and booked, the orders it no longer works are closed, orphans
// cancelled, and the position compared. A journal that cannot be read keeps
// the pair from trading at all (critical event).

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
  /// Entries allowed at start (false: the engine is stopped by the
  /// operator; positions are still managed). Restarts keep the runtime
  /// value (the node's runtime_state).
  bool enabled = true;
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
  /// Per leg: no other pair trades this symbol on that venue, so the venue's
  /// position must equal the leg's (reconciliation; the node sets it).
  std::array<bool, 2> sole_owner{false, false};
  /// How long a reconciliation request may take before it is asked again.
  std::chrono::milliseconds reconcile_timeout{5000};
  std::function<timestamp_ns()> clock;      ///< default: system clock
};

/// "BTC-PERP:sim-a/sim-b"
std::string pair_id(const pair_config& cfg);

/// Registry name of a pair trader: "pair/BTC-PERP:sim-a/sim-b".
std::string pair_trader_name(const pair_config& cfg);

pair_trader_actor spawn_pair_trader(caf::actor_system& sys, pair_config cfg,
                                    actor_services services);

} // namespace xarb
