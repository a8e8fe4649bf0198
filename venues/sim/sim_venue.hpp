#pragma once
// One simulated exchange: market data (L2 books, funding) generated from the
// shared fair path plus this venue's basis, delivered with latency, and a
// matching engine for our orders. Deterministic: the same world_config and
// the same sequence of calls give the same events, bit for bit.
// (The class is xarb::sim::venue; the file is sim_venue.hpp.)
//
// Units: every message carries the canonical symbol ("BTC-PERP") and
// canonical units (price per canonical unit, size in canonical units), like
// messages leaving a venue_session. Native rules live in instruments();
// orders are converted to native units inside (see matching_engine.hpp) and
// checked against the native tick/lot.
//
// Time: nothing reads a clock. Every entry point takes `now` (ns). Step 0 of
// the world is world_config::start_ts, or the first call if that is 0. Time
// must not go backwards; an earlier `now` is treated as the latest seen.
//
// Listings (venue_listing.hpp): the venue lists a subset of the world's
// symbols (world_symbols(): configured, then generated). Everything below -
// instruments(), books, funding, matching, queries - covers the listed
// symbols only; an unlisted one is an unknown symbol. The fair path is the
// world's and every per-symbol stream (basis, level sizes, update stagger)
// is keyed by the world index, so a listed symbol's market is the same
// whatever else the venue lists.
//
// Market data timeline, per symbol:
//   - at start: a book_snapshot (seq 1) and a funding_rate;
//   - every 1/update_hz (staggered across symbols): the book is rebuilt
//     around fair x (1 + basis), resting orders the book crosses fill as
//     maker, and a book_delta with only the changed levels (qty 0 removes)
//     is published: first_seq = seq = previous + 1, prev_seq = previous. With
//     gap_probability an update is lost on the wire (its seq is consumed, so
//     the next delta's prev_seq does not follow what the client applied);
//   - taker fills publish a delta at the order's time (consumed liquidity);
//   - every funding_update_s the predicted rate (bias + weight x basis,
//     0.01 bp steps, capped at +-75 bp) is recomputed and a funding_rate sent
//     if it changed; at each funding time (multiples of funding_interval_s
//     since the Unix epoch) positions pay/receive funding at the book mid:
//     for each symbol with a nonzero exchange-side position a
//     funding_payment {position settled on, mark, rate, amount, ts = the
//     funding time} is sent, its amount bit-identical to what position_of()
//     adds to `funding`; then a funding_rate with the next funding time is
//     sent for every symbol.
// Each of these events has an exchange time T and is released by
// advance(now) once T + latency <= now, with recv_ts = T + latency, in
// generation (= exchange time) order.
//
// Orders are matched synchronously at `now` against the exchange's current
// book (which the client sees `latency` late): submit/cancel append their
// ack/reject/fills/cancel to `out` directly with ts = now. Fills of resting
// orders happen at book updates and travel with the market data (latency).
//
// Faults, like a real exchange's (all off by default):
//   - rate limit (rate_limit_orders_per_s): submits and cancels share one
//     token bucket; a request over it is answered order_reject{rate_limited,
//     "HTTP 429 ..."} and does nothing. ban_after_429 such answers within 60 s
//     ban the client for ban_s: every request is answered
//     order_reject{rate_limited, "HTTP 418 banned until <ns> ..."};
//   - silent corruption (corrupt_probability, corrupt_next): a published
//     delta carries a wrong size for one level (the best changed nonzero
//     level of a side) with a consistent sequence; the exchange's own book
//     (snapshot()) stays right, so only a REST-vs-WS comparison sees it. The
//     client's copy stays wrong until that level changes again;
//   - stall (set_stalled): advance() keeps simulating the exchange but
//     releases nothing (a silent WS stall); once unstalled, the backlog is
//     released in order (a TCP stall that resumes, nothing lost).
//
// Records and reconciliation, as real venues offer them (order status, trade
// history, funding history): order_of / fills_of / fills / funding_payments
// answer from the exchange's side, including what is still on the wire.
//
// Durability (flow_log.hpp): since the venue is deterministic, its state is
// rebuilt by replaying its order flow (every submit/cancel with its `now`)
// into a fresh venue started at the same time. Only the order flow is
// replayed: set_basis, corrupt_next and set_stalled are not part of it (the
// first changes the market, so a replay after it diverges). Log a request
// with request_time(now), not a `now` that an earlier advance() overtook.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/token_bucket.hpp"
#include "messages/instrument.hpp"
#include "messages/market.hpp"
#include "messages/order.hpp"
#include "venues/sim/book_builder.hpp"
#include "venues/sim/market_model.hpp"
#include "venues/sim/matching_engine.hpp"
#include "venues/sim/prng.hpp"
#include "venues/sim/sim_config.hpp"
#include "venues/sim/sim_event.hpp"

namespace xarb::sim {

class venue {
public:
  /// Throws std::invalid_argument for an unknown venue name or an unusable
  /// configuration (the message says which).
  venue(const world_config& cfg, std::string name);

  const std::string& name() const noexcept { return name_; }

  /// One spec per listed symbol, native units (tick, lot, min_qty), world order.
  const std::vector<instrument_spec>& instruments() const noexcept { return instruments_; }

  /// Simulates the exchange up to `now` and appends every event whose
  /// exchange time + latency <= now, in time order.
  void advance(timestamp_ns now, std::vector<event>& out);

  /// The exchange's current book (as of the last simulated time), for
  /// resync. Throws std::invalid_argument for an unknown symbol.
  book_snapshot snapshot(std::string_view symbol) const;

  void submit(const order_intent& o, timestamp_ns now, std::vector<event>& out);
  void cancel(const cancel_request& c, timestamp_ns now, std::vector<event>& out);

  /// The exchange time at which submit/cancel(o, now) act: `now`, or the
  /// time already simulated if an advance() went further. A flow log records
  /// this, since the advance() that moved the clock is not logged.
  timestamp_ns request_time(timestamp_ns now) const noexcept {
    return now > gen_ts_ ? now : gen_ts_;
  }

  /// Starts the venue as the first call at `at` would (nothing is generated
  /// or released; no-op if started, or if `at` is before world start_ts).
  void start_at(timestamp_ns at) { ensure_started(at); }

  /// Exchange-side position (includes fills not yet released). Throws
  /// std::invalid_argument for an unknown symbol.
  position position_of(std::string_view symbol) const;

  // -- records (reconciliation, like a real venue's REST history) --------------

  /// One of our acknowledged orders; nullptr if unknown (never acknowledged).
  /// The pointer is valid until the next submit.
  const order_record* order_of(std::string_view client_id) const {
    return engine_.order_of(client_id);
  }
  /// Every fill of that order in exchange order, including fills still on the
  /// wire (not yet released by advance); empty if unknown.
  std::vector<order_fill> fills_of(std::string_view client_id) const {
    return engine_.fills_of(client_id);
  }
  /// All our fills on the symbol since start, in exchange order, exactly as
  /// emitted. Throws std::invalid_argument for an unknown symbol.
  const std::vector<order_fill>& fills(std::string_view symbol) const;
  /// Every funding settlement paid/received on the symbol, in order (exactly
  /// the funding_payment events). Throws std::invalid_argument for an unknown
  /// symbol.
  const std::vector<funding_payment>& funding_payments(std::string_view symbol) const;
  /// When publication started (`at`); 0 before start.
  timestamp_ns started_at() const noexcept { return started_ ? started_at_ : 0; }
  /// submit() + cancel() calls so far (all, including rejected/rate-limited).
  uint64_t requests() const noexcept { return requests_; }
  /// world_config::start_ts this venue was built with (0 = first call).
  timestamp_ns world_start() const noexcept { return start_ts_; }

  // -- diagnostics (tests, status pages) --------------------------------------

  const venue_config& config() const noexcept { return cfg_; }
  bool started() const noexcept { return started_; }
  timestamp_ns start_time() const noexcept { return t0_; }
  /// How far the exchange has been simulated.
  timestamp_ns exchange_time() const noexcept { return gen_ts_; }
  /// Events generated but still "on the wire".
  std::size_t pending() const noexcept { return pending_.size(); }
  double fair_mid(std::string_view symbol) const;
  double basis_bps(std::string_view symbol) const;
  /// Overrides a symbol's basis from now on (scenario tests inject a
  /// dislocation; it then decays as configured). The books follow at their
  /// next update. Throws std::invalid_argument for an unknown symbol.
  void set_basis(std::string_view symbol, double ou_bps, double dislocation_bps);
  const std::vector<resting_order>& open_orders(std::string_view symbol) const;
  /// Canonical book rules used by the generator (tick, level step, lot).
  const quote_params& quote_rules(std::string_view symbol) const;

  // -- fault injection (tests, chaos runs) --------------------------------------

  /// While stalled, advance() releases nothing (the exchange keeps running).
  void set_stalled(bool stalled) noexcept { stalled_ = stalled; }
  bool stalled() const noexcept { return stalled_; }
  /// Corrupts the next published delta of `symbol` that has a changed
  /// nonzero level (and is not lost on the wire). Throws
  /// std::invalid_argument for an unknown symbol.
  void corrupt_next(std::string_view symbol);
  /// Deltas corrupted so far.
  uint64_t corrupted() const noexcept { return corrupted_; }
  /// End of the current ban (0 if never banned); 429 answers so far.
  timestamp_ns banned_until() const noexcept { return banned_until_; }
  uint64_t http_429_sent() const noexcept { return sent_429_; }

private:
  struct symbol_state {
    quote_params quote;
    rng sizes;                  // level sizes: depends on order flow
    std::vector<book_level> pub_bids;
    std::vector<book_level> pub_asks;
    std::size_t world = 0;      // index in world_symbols()
    uint64_t seq = 0;
    ratio rate;
    bool corrupt_next = false;
    std::vector<funding_payment> payments; // every settlement on our position
  };

  std::size_t index(std::string_view symbol) const;
  void ensure_started(timestamp_ns now);
  void start(timestamp_ns t0, timestamp_ns at);
  void generate(timestamp_ns now);
  void rebuild(std::size_t i);
  void book_update(std::size_t i, timestamp_ns t);
  void publish(std::size_t i, timestamp_ns t);
  void refresh_rates(timestamp_ns t, bool force);
  void settle_funding(timestamp_ns t);
  funding_rate rate_message(std::size_t i, timestamp_ns t) const;
  void emit(timestamp_ns exchange_ts, event e);
  /// Rate limit and ban: true if the request may proceed, else its reject
  /// is appended to `out`.
  bool admit(const std::string& client_id, const std::string& symbol, timestamp_ns t,
             std::vector<event>& out);
  bool corrupt(std::size_t i, book_delta& d);

  venue_config cfg_;
  std::string name_;
  timestamp_ns start_ts_ = 0;
  timestamp_ns step_ns_ = 0;
  timestamp_ns latency_ns_ = 0;
  timestamp_ns period_ns_ = 0;
  timestamp_ns rate_period_ns_ = 0;
  timestamp_ns interval_ns_ = 0;
  std::vector<instrument_spec> instruments_;
  matching_engine engine_;
  market_model model_;
  std::vector<symbol_state> syms_;
  std::size_t world_size_ = 0;  // symbols in the world (listed or not)
  /// Next book update per symbol: a min-heap of (time, listed index), so
  /// ties go to the lowest index (std::greater on the pair).
  std::vector<std::pair<timestamp_ns, std::size_t>> book_heap_;
  rng wire_;                    // gap injection: independent of order flow
  rng faults_;                  // corruption: independent of gaps and order flow
  std::optional<token_bucket> limit_; // created at the first request
  std::deque<timestamp_ns> recent_429_; // within the last 60 s
  timestamp_ns banned_until_ = 0;
  uint64_t sent_429_ = 0;
  uint64_t corrupted_ = 0;
  bool stalled_ = false;
  bool started_ = false;
  timestamp_ns t0_ = 0;
  timestamp_ns started_at_ = 0;
  uint64_t requests_ = 0;
  timestamp_ns gen_ts_ = 0;
  timestamp_ns next_rate_ts_ = 0;
  timestamp_ns next_settle_ts_ = 0;
  std::deque<std::pair<timestamp_ns, event>> pending_; // (release time, event)
  std::vector<event> scratch_;
};

} // namespace xarb::sim
