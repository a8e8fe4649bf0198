#pragma once
// venue_session: one connection to one venue. In this version the venue is a
// simulated exchange (venues/sim) living inside the session, so the market
// data path is exactly the one a real venue will take: venue events -> book
// apply (sequence/crossed checks) -> resync on gaps -> fan-out of depth to
// subscribers.
//
// Risk duties (docs/RISK.md), each reported to the actor registered as
// "risk_guard" in the name_registry as a venue_alert (only logged if none):
//   - rate limits: the venue's HTTP 429 / 418 answers (order_reject with
//     code rate_limited) go to the shared per-key limiter (on_http_429 /
//     on_http_418) and raise rate_limited / banned. REST snapshots (resyncs
//     and consistency checks) take the limiter's snapshot budget; a refused
//     resync is retried at the limiter's retry_at, the book unsynced
//     meanwhile (counted in xarb_book_resyncs_deferred_total);
//   - REST-vs-WS consistency: every consistency_interval_ns per synced book
//     the top depth_levels are compared with the venue's REST snapshot when
//     both are at the same sequence (else the round is skipped). A mismatch
//     raises consistency_failed (first differing level in the detail),
//     counts xarb_book_consistency_failures_total and resyncs the book; the
//     next matching check raises consistency_ok;
//   - WS liveness: no market-data frame for liveness_ns raises
//     liveness_lost once and degrades the session; the next frame raises
//     liveness_ok.
//
// Monitoring (docs/METRICS.md): the session counts itself on the status
// board and in xarb_venue_sessions_total when it starts (reconnects =
// sessions - 1), every resync (board and xarb_book_resyncs_total), applied
// frames (xarb_venue_book_updates_total) and frames it could not apply
// (xarb_venue_market_messages_dropped_total{reason}); order outcomes and
// fills (xarb_venue_orders_total{result}, xarb_venue_fills_total{liquidity});
// and each order's round trip, from the intent reaching the session to its
// first answer going back (board latency in ms and
// xarb_venue_order_latency_seconds). Book state and best levels reach the
// board at most every 100 ms per book (or at once when `synced` flips).
// Series handles are looked up once per session.
//
// Reconciliation (issue 5): an account_query is answered from the venue's
// own records (position, orders and fills by client id, open orders with a
// prefix, funding since a time), and the asker becomes the owner of the
// orders it asked about (their later fills go to it). With flow_path set the
// simulated exchange survives restarts: its order flow is persisted and
// replayed (deterministic), then it catches up to the present.

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "actors/interfaces.hpp"
#include "actors/live_market_config.hpp"
#include "core/risk/rate_limits.hpp"
#include "messages/market.hpp"
#include "venues/sim/sim_config.hpp"

namespace xarb {

class name_registry;
class status_board;
class telemetry;

namespace sim {
class venue;
}

namespace storage {
class store;
}

struct venue_session_config {
  std::string venue;                       ///< simulated venue name, e.g. "sim-a"
  sim::world_config world;                 ///< the simulated market
  caf::timespan tick_interval = std::chrono::milliseconds(5);
  std::size_t depth_levels = 20;           ///< levels per side published to subscribers
  int64_t stale_after_ns = 5'000'000'000;  ///< staleness budget per book
  std::function<timestamp_ns()> clock;     ///< wall clock (epoch ns); default: system clock
  risk::rate_limit_config rate_limits;     ///< budgets of this venue's API key (if limits is set)
  std::string key_id = "default";          ///< label of the API key (never the key itself)
  int64_t consistency_interval_ns = 60'000'000'000; ///< REST-vs-WS check per book; 0 = off
  int64_t liveness_ns = 5'000'000'000;     ///< max silence of the market-data stream; 0 = off
  /// Tests: called with the simulated venue each time the session creates
  /// it (fault injection: corrupt_next, set_stalled). Runs in the actor.
  std::function<void(sim::venue&)> venue_hook;
  /// The simulated exchange's order flow (venues/sim/flow_log.hpp): every
  /// order and cancel is appended here before the venue sees it, and a new
  /// session (after a restart of the session or of the node) replays it, so
  /// the exchange keeps our positions, orders and fills like a real one.
  /// Empty: the exchange starts afresh with every session (tests).
  std::string flow_path;
  bool flow_sync = false;                  ///< fsync each append (power loss, not just kill -9)
  /// Send every market-data frame as received (snapshots, deltas, resync
  /// snapshots) to the storage sink ("storage_sink" in the registry), which
  /// keeps it in the market family for later replay ([storage] record_market).
  bool record_market = false;
  /// A REAL venue's market data instead of the simulator (issue 9): set,
  /// `world` and the flow log are unused and orders fill on paper against
  /// the live book (venues/sim/paper_exchange.hpp).
  std::optional<live_market_config> live;
  /// A real venue's paper account journal (venues/sim/paper_journal.hpp):
  /// every order, fill, cancel and funding settlement of the paper account
  /// is appended here and restored after a restart, so positions and open
  /// orders survive like on the real venue. Empty: the account starts
  /// afresh with every session (tests).
  std::string paper_path;
  bool paper_sync = false;                 ///< fsync each append
};

/// Pointers to node-wide services; any may be null (tests).
struct actor_services {
  name_registry* registry = nullptr;
  status_board* board = nullptr;
  telemetry* metrics = nullptr;
  risk::rate_limit_registry* limits = nullptr; ///< request budgets per venue key
  storage::store* store = nullptr;             ///< order journal (issue 5); null = none
};

/// Name under which the session of `venue` is registered.
std::string venue_session_name(const std::string& venue);

/// Spawns a venue session (used by the venues supervisor's child spec).
venue_session_actor spawn_venue_session(caf::actor_system& sys,
                                        venue_session_config cfg,
                                        actor_services services);

} // namespace xarb
