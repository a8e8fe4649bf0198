#pragma once
// Every typed actor interface of xarb, with the protocol of each handler.
//
// Dynamically typed actors (supervisor, web) document their protocol in their
// own headers; their handles are plain caf::actor.

#include <string>

#include <caf/typed_actor.hpp>
#include <caf/replies_to.hpp>

#include "messages/type_ids.hpp"

namespace xarb {

/// VENUE SESSION: one connection to one venue (here: one simulated venue).
/// Owns the venue's books, publishes market data, routes orders.
///
/// Market data sent to each subscriber of a symbol (a dynamically typed actor,
/// usually a pair_trader):
///   - instrument_spec: the contract's trading rules (native units), once on
///     subscription;
///   - book_snapshot: the top `depth_levels` of the book after every applied
///     update (canonical symbol and units), only while the book is synced;
///   - funding_rate: whenever the venue publishes one;
///   - funding_payment: each funding settlement of a held position;
///   - health_report: the session's state whenever it changes, and once on
///     subscription, so a subscriber can block signals on an unsynced venue.
/// Top-of-book subscribers get a top_of_book whenever the best level of
/// either side changes, instead of depth.
/// Order results (order_ack, order_reject, order_fill, order_cancelled) go to
/// the actor that sent the order_intent.
using venue_session_actor = caf::typed_actor<
  // Subscribe `subscriber` to market data of a canonical symbol. Idempotent.
  caf::reacts_to<atom::subscribe, std::string, caf::actor>,
  // Subscribe to top of book only: a top_of_book whenever the best bid or
  // ask (price or size) changes, plus health_report. For light consumers
  // (scanner, UI). Idempotent.
  caf::reacts_to<atom::subscribe, atom::top, std::string, caf::actor>,
  // Watch the whole market (the scanner): a full market_watch_batch (every
  // instrument, top and funding rate, the session's health), then one batch
  // per tick with what changed (actors/market_watch.hpp). The watcher is
  // monitored and dropped when it dies. Idempotent.
  caf::reacts_to<atom::subscribe, atom::watch, caf::actor>,
  caf::reacts_to<atom::unsubscr, atom::watch, caf::actor>,
  // Run a pair's decision inline after each update of the hook's symbol
  // (actors/engine_host.hpp). Local only. Idempotent per host.
  caf::reacts_to<atom::subscribe, inline_hook>,
  // Stop sending market data of a symbol to `subscriber`.
  caf::reacts_to<atom::unsubscr, std::string, caf::actor>,
  // Place an order (paper/sim execution in this version).
  caf::reacts_to<order_intent>,
  // Cancel an open order by client id.
  caf::reacts_to<cancel_request>,
  // A watched name was (re)bound: the storage sink (market recording).
  caf::reacts_to<atom::rebound, std::string, caf::strong_actor_ptr>,
  // Reconciliation (issue 5): the venue's own record of the account for one
  // symbol (position, asked orders with their fills, open orders with the
  // prefix, funding since a time), as a real venue's REST API answers it.
  caf::replies_to<account_query>::with<account_report>,
  // Current health of the session.
  caf::replies_to<atom::status>::with<health_report>,
  // Internal timer: pull venue events up to now.
  caf::reacts_to<atom::tick>,
  // Force a REST-style resync of one symbol's book (operator / tests).
  caf::reacts_to<atom::resync, std::string>,
  // A real venue's transport (actors/live_market.hpp, messages/feed.hpp):
  // frames received, connections opened or closed, REST answers.
  caf::reacts_to<md_frame>,
  caf::reacts_to<md_link>,
  caf::reacts_to<rest_reply>,
  // Fail on purpose (chaos testing and the supervision demo).
  caf::reacts_to<atom::crash>>;

/// PAIR TRADER: one canonical symbol traded between venue A and venue B.
/// Subscribes to both venue sessions (found by name in the name_registry,
/// again after each of their restarts) and runs the strategy engine
/// (core/strategy/pair_engine.hpp): spread signal, tranches, hedged two-leg
/// execution, P&L. Orders go to the venue sessions; their answers come back
/// here. Every order state transition is logged and journaled (write-ahead:
/// before an order leaves; actors/engine_host.hpp). On start it restores its
/// ledgers and working orders from the journal, and each time a venue session
/// attaches it reconciles that leg (account_query) before any order leaves
/// (actors/pair_trader.hpp, docs/STORAGE.md).
using pair_trader_actor = caf::typed_actor<
  // A watched name was (re)bound: resubscribe to the new venue session.
  caf::reacts_to<atom::rebound, std::string, caf::strong_actor_ptr>,
  // Market data and trading rules from a venue session.
  caf::reacts_to<instrument_spec>,
  caf::reacts_to<book_snapshot>,
  caf::reacts_to<funding_rate>,
  caf::reacts_to<funding_payment>,
  caf::reacts_to<health_report>,
  // Answers to our orders.
  caf::reacts_to<order_ack>,
  caf::reacts_to<order_fill>,
  caf::reacts_to<order_reject>,
  caf::reacts_to<order_cancelled>,
  // Internal timer: leg timeouts, re-quotes, holding time.
  caf::reacts_to<atom::tick>,
  // Spread, signal, positions, P&L and counters.
  caf::replies_to<atom::status>::with<pair_report>,
  // Operator: trading on/off (positions stay managed when off).
  caf::reacts_to<atom::enable, bool>,
  // Operator: "normal_arb" | "zero_wear"; replies "" or an error text.
  caf::replies_to<atom::mode, std::string>::with<std::string>,
  // Operator: new strategy parameters (already validated by the sender;
  // validated again); replies "" or the problems, nothing changed then.
  caf::replies_to<atom::params, strategy::pair_params>::with<std::string>,
  // Operator / risk: reduce-only close of both legs, then halted.
  caf::reacts_to<atom::flatten, std::string>,
  // Operator: leave the halted state.
  caf::reacts_to<atom::resume>,
  // The risk guard's permit (core/risk/pair_gate.hpp); older versions are
  // ignored.
  caf::reacts_to<risk_permit>,
  // Internal: ask leg 0 or 1's venue for its account report again (after a
  // failed or timed-out reconciliation request).
  caf::reacts_to<atom::resync, int32_t>,
  // Fail on purpose (chaos testing).
  caf::reacts_to<atom::crash>>;

/// RISK GUARD: the single risk authority (core/risk/risk_book.hpp,
/// docs/RISK.md). Registered as "risk_guard". Pair traders report to it
/// and get their permits back (to the reporting actor); venue sessions
/// alert it. Operator commands reply "" or an error text.
using risk_guard_actor = caf::typed_actor<
  // From a pair trader: positions, commitment, P&L, failures, book ages.
  // Answered (asynchronously, to the sender) with a risk_permit whenever it
  // changes or is due for renewal.
  caf::reacts_to<pair_risk_report>,
  // From a venue session: liveness, book consistency, 429 / 418.
  caf::reacts_to<venue_alert>,
  // Internal timer: breakers, rate-limit states, renewals, publication.
  caf::reacts_to<atom::tick>,
  // Internal: a deferred evaluation (reports arriving faster than
  // risk_guard_config::min_eval_interval are evaluated together).
  caf::reacts_to<atom::risk>,
  // Internal timer: one position-audit round (venue positions vs the pairs'
  // books, [risk] audit_ms).
  caf::reacts_to<atom::report>,
  // Kill switch: HALTED everywhere, every open order cancelled.
  caf::replies_to<atom::halt, std::string>::with<std::string>,
  // Kill switch: flatten everything (reduce-only, net delta bounded).
  caf::replies_to<atom::flatten, std::string>::with<std::string>,
  // Flatten one pair: (pair id, reason).
  caf::replies_to<atom::flatten, std::string, std::string>::with<std::string>,
  // Resume everything (kill states, breakers).
  caf::replies_to<atom::resume>::with<std::string>,
  // Resume one scope: a pair id, a venue or a symbol.
  caf::replies_to<atom::resume, std::string>::with<std::string>,
  // The risk snapshot as JSON (limits, utilisation, states, capital layers).
  caf::replies_to<atom::status>::with<std::string>,
  // Fail on purpose (chaos testing).
  caf::reacts_to<atom::crash>>;

/// STORAGE SINK: the bulk half of storage (issue 5, actors/storage_sink.hpp).
/// Registered as "storage_sink". Buffers what it receives and writes it to
/// the node's store (actors/storage/store.hpp) in batches: when batch_max
/// records are buffered or every flush interval, whichever comes first.
/// Order transitions and fills never come here: they are journaled
/// synchronously by the pair traders (write-ahead).
using storage_sink_actor = caf::typed_actor<
  // Operational events (pair traders, risk guard).
  caf::reacts_to<event>,
  // Spread samples (each pair trader: at most one per second).
  caf::reacts_to<spread_update>,
  // A position snapshot of one leg: (pair id, position). After every fill.
  caf::reacts_to<std::string, position>,
  // Market data for replay; dropped unless record_market is on.
  caf::reacts_to<book_snapshot>,
  caf::reacts_to<book_delta>,
  // Cross-venue market samples (the scanner: one per symbol every
  // history_interval_s), kept in the history family.
  caf::reacts_to<market_sample>,
  // Internal timer: flush what is buffered.
  caf::reacts_to<atom::tick>,
  // Flushes now, then replies (records written, records failed) since start.
  caf::replies_to<atom::status>::with<uint64_t, uint64_t>>;

/// SCANNER: the cross-venue scanner and funding monitor (actors/scanner.hpp).
/// Registered as "scanner". Watches every venue session's whole market and
/// publishes a ranked view of every common symbol on the scan_board.
using scanner_actor = caf::typed_actor<
  // A watched name was (re)bound: a venue session (watch its market) or
  // the storage sink (history samples).
  caf::reacts_to<atom::rebound, std::string, caf::strong_actor_ptr>,
  // A venue session's market watch (full, then per tick).
  caf::reacts_to<market_watch_batch>,
  // Internal timer: one refresh (snapshot, signals).
  caf::reacts_to<atom::tick>,
  // Internal timer: one history sample per symbol to storage.
  caf::reacts_to<atom::report>,
  // (refreshes, signals, watch batches) since this instance started.
  caf::replies_to<atom::status>::with<uint64_t, uint64_t, uint64_t>,
  // Fail on purpose (chaos testing).
  caf::reacts_to<atom::crash>>;

} // namespace xarb
