#pragma once
// The pair engine of one pair trader, shared with the venue sessions of its
// two legs when decisions are taken inline.
//
// Normally the pair trader alone drives its engine: a venue session sends it
// each book update as a message (one actor hop, a few microseconds on a
// busy worker). With `[scheduler] inline_decisions = true` the pair trader
// also hands each of its venue sessions an inline_hook, and the session runs
// the decision itself right after applying the update: no hop between the
// book and the order. The engine is then touched by up to three actors (the
// trader and both sessions, possibly on different workers), so every access
// holds `mtx`; the lock is uncontended in the common case.
//
// Orders always leave under the pair trader's identity (caf::send_as), so
// the venue's answers go back to the trader whichever actor decided.
//
// Write-ahead (issue 5). With a store, flush_engine journals every order
// transition of the engine's output (store::journal, synchronous, in order)
// BEFORE any order of that output is sent. When a journal write fails:
//   - an ENTRY order (purpose open) whose own transitions were not journaled
//     is NOT sent: the engine gets a reject (io_error, "journal write
//     failed: ..."), as if the venue had refused it;
//   - a PROTECTIVE order (hedge, unwind, close, rebalance, flatten) IS sent
//     anyway, with a critical event: an unhedged leg costs more than a
//     missing journal line;
//   - new entries are blocked (pair_gate::set_local_block, refusal
//     "storage: <why>") with a critical event "storage failure: new entries
//     halted, hedging continues". The block is lifted by the next
//     successful write: a later journal write, or the probe that
//     probe_storage() writes every storage_probe_ns while blocked (a small
//     event, written synchronously); the event "storage recovered: new
//     entries resume" marks it. While blocked the gate also refuses any
//     order that adds exposure (the rest of an entry under way).
// Fills are journaled by journal_fill() before the engine applies them; a
// failure there is counted, logged and blocks entries too, but the fill is
// applied (fills are facts).

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <caf/actor.hpp>

#include "actors/interfaces.hpp"
#include "core/risk/rate_limits.hpp"
#include "core/strategy/pair_engine.hpp"

namespace spdlog {
class logger;
}

namespace prometheus {
class Histogram;
}

namespace xarb {

namespace storage {
class store;
}

class storage_metrics;
class status_board;

struct engine_host {
  std::mutex mtx;
  std::unique_ptr<strategy::pair_engine> engine;  ///< guarded by mtx
  strategy::engine_output out;                    ///< guarded by mtx
  std::array<venue_session_actor, 2> sessions;    ///< guarded by mtx
  /// The venue keys' request budgets (cancels are taken here; new orders
  /// by the engine's risk gate). Null: no budget.
  std::array<std::shared_ptr<risk::venue_rate_limiter>, 2> limiters;
  /// Cancels refused by the cancel budget, sent again by retry_cancels().
  std::vector<cancel_request> deferred_cancels;   ///< guarded by mtx
  caf::actor trader;                              ///< set before sharing
  std::string id;                                 ///< pair id (logs)
  std::shared_ptr<spdlog::logger> log;
  /// Order transitions, events and fills for the API and the stream
  /// (null: none). Thread-safe; written after the journal.
  status_board* board = nullptr;
  prometheus::Histogram* tick_to_decision = nullptr;
  /// Cleared when the pair trader terminates: sessions drop the hook.
  std::atomic<bool> alive{true};
  /// The node's store (order journal); null: nothing is journaled.
  storage::store* store = nullptr;
  /// Bulk records (events, spreads, positions); null: not recorded.
  storage_sink_actor sink;                        ///< guarded by mtx
  std::shared_ptr<storage_metrics> storage_stats; ///< null: no metrics
  /// While entries are blocked by a storage failure: probe period.
  int64_t storage_probe_ns = 1'000'000'000;
  timestamp_ns storage_probed_at = 0;             ///< guarded by mtx
  uint64_t journal_failures = 0;                  ///< guarded by mtx
  uint64_t unjournaled_sent = 0;                  ///< protective orders sent unjournaled
};

/// Sends what the engine decided (orders, cancels) to the venue sessions
/// under the trader's identity and logs updates and events. An order for a
/// leg whose session is down is answered at once with a reject. Requires
/// `h.mtx` held.
void flush_engine(engine_host& h, timestamp_ns now);

/// Journals a fill before the engine applies it (see above). Requires
/// `h.mtx` held; events go to `h.out`.
void journal_fill(engine_host& h, const std::string& pair_id, const order_fill& f,
                  timestamp_ns now);

/// Journals a funding payment before the engine books it (like a fill).
void journal_funding(engine_host& h, const std::string& pair_id, const funding_payment& p,
                     timestamp_ns now);

/// While entries are blocked by a storage failure, every storage_probe_ns:
/// writes a probe event synchronously; success lifts the block.
/// Requires `h.mtx` held; events go to `h.out`.
void probe_storage(engine_host& h, timestamp_ns now);

/// Sends the deferred cancels whose budget is there now. Requires `h.mtx`.
void retry_cancels(engine_host& h, timestamp_ns now);

/// Runs the decision for a book update of `leg` (the caller's book state is
/// in `snapshot`): applies it to the engine's copy, decides, sends. Requires
/// `h.mtx` held. Returns false if the snapshot was rejected.
bool decide_inline(engine_host& h, int leg, const book_snapshot& snapshot, timestamp_ns now);

} // namespace xarb
