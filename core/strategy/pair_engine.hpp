#pragma once
// The pair trading brain: one canonical symbol between venue A and venue B.
// Pure and deterministic (no CAF, no clock, no I/O): the caller feeds it
// market data, order events and timer ticks with the current time, and
// sends what it decides (engine_output). The pair_trader actor is one
// caller; the scenario and chaos tests drive it against venues/sim directly.
//
// Model. The engine keeps a *target* position on leg A (leg B's target is
// always its negative) and drives the real positions (from fills only) to
// it. Every step, in this order:
//   1. hedge:  the projected net delta (positions + working IOC orders) must
//      stay below the smaller venue minimum. A larger delta starts a hedge
//      episode: IOC on the leg that is behind its target (the taker leg in
//      maker_taker), at most max_retries orders; when the hedge cannot be
//      done before hedge_timeout (or retries run out) the leg that is ahead
//      is unwound instead (the target shrinks to what is hedged). Residue
//      below the hedge venue's minimum is carried until it can be traded.
//   2. limits: a net delta worth more than hard_delta_notional flattens both
//      legs reduce-only and halts the pair.
//   3. execute: with the pair hedged, the gap to target is worked: both legs
//      IOC at once (taker_taker, and urgent exits), or a post-only order on
//      the maker leg re-quoted when the touch moves past requote_bps, whose
//      fills step 1 hedges at once on the taker leg (maker_taker).
// Decisions (entries, tranches, exits) come from the spread signal on every
// book update; see docs/STRATEGY.md.

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/order_book.hpp"
#include "core/risk/pair_gate.hpp"
#include "core/strategy/client_ids.hpp"
#include "core/strategy/order_tracker.hpp"
#include "core/strategy/params.hpp"
#include "core/strategy/pnl_ledger.hpp"
#include "core/strategy/recovery.hpp"
#include "core/strategy/signal.hpp"
#include "core/strategy/spread_pricer.hpp"
#include "messages/error_code.hpp"
#include "messages/event.hpp"
#include "messages/instrument.hpp"
#include "messages/market.hpp"
#include "messages/order.hpp"
#include "messages/reconcile.hpp"
#include "messages/risk.hpp"
#include "messages/spread.hpp"
#include "messages/strategy.hpp"

namespace xarb::strategy {

/// What the engine wants done, in order. The caller sends `orders` and
/// `cancels` to the venue of each, and records `updates` and `events`.
struct engine_output {
  std::vector<order_intent> orders;
  std::vector<cancel_request> cancels;
  std::vector<order_update> updates;
  std::vector<event> events;

  bool empty() const noexcept {
    return orders.empty() && cancels.empty() && updates.empty() && events.empty();
  }
  void clear() noexcept {
    orders.clear();
    cancels.clear();
    updates.clear();
    events.clear();
  }
};

/// Counters for status, metrics and tests.
struct engine_stats {
  uint64_t entries = 0;        ///< tranches opened
  uint64_t round_trips = 0;    ///< positions fully closed
  uint64_t orders = 0;
  uint64_t fills = 0;
  uint64_t duplicate_fills = 0;
  uint64_t unknown_fills = 0;  ///< fills of orders this engine does not know (booked anyway)
  uint64_t late_fills = 0;     ///< fills after we asked to cancel, or after expiry
  uint64_t rejects = 0;
  uint64_t expired = 0;
  uint64_t hedges = 0;
  uint64_t unwinds = 0;
  uint64_t rebalances = 0;
  uint64_t requotes = 0;
  uint64_t flattens = 0;
  uint64_t risk_refused = 0;   ///< orders the risk gate refused
  /// Expected round-trip edge (bps, after all costs) of each entry decision.
  double min_entry_expected_bps = std::numeric_limits<double>::infinity();
  double last_entry_expected_bps = 0;
};

struct engine_config {
  std::string node = "xarb";
  std::string symbol;
  std::string venue_a;
  std::string venue_b;
  pair_params params;
  uint64_t epoch = 0;          ///< client id incarnation (see client_ids.hpp)
  /// No entry without a permit from the risk guard (the node). Off: the gate
  /// is open until a permit arrives (engine tests, benchmarks).
  bool require_permit = false;
  /// Per leg: this pair is the only one trading the contract on that venue,
  /// so the venue's position must equal the leg's (reconciliation). False:
  /// only orders and fills are reconciled (another pair shares the account's
  /// position).
  std::array<bool, 2> sole_owner{false, false};
};

class pair_engine {
public:
  /// Throws std::invalid_argument when venue_a == venue_b or the params do
  /// not validate.
  explicit pair_engine(engine_config cfg);

  const std::string& id() const noexcept { return id_; }
  const engine_config& config() const noexcept { return cfg_; }

  // -- inputs ------------------------------------------------------------------

  /// The venue's rules for the contract (sent by its venue session). No
  /// decision is taken before both legs have rules.
  error_info set_rules(int leg, const instrument_spec& spec);
  bool has_rules(int leg) const noexcept { return legs_[leg & 1].has_rules; }

  /// The book of a leg: the caller applies snapshots/deltas here, then calls
  /// on_book(). A book that is not synced blocks decisions on the pair.
  order_book& book(int leg) noexcept { return legs_[leg & 1].book; }
  const order_book& book(int leg) const noexcept { return legs_[leg & 1].book; }

  /// After the book of `leg` changed. `recv_ts`: when its data arrived.
  void on_book(int leg, timestamp_ns recv_ts, timestamp_ns now, engine_output& out);

  /// The venue session is usable (ready) or not (down, syncing, degraded).
  void set_leg_available(int leg, bool available, timestamp_ns now, engine_output& out);

  void on_funding_rate(const funding_rate& r);
  void on_funding_payment(const funding_payment& p, engine_output& out);

  void on_ack(const order_ack& a, timestamp_ns now, engine_output& out);
  void on_fill(const order_fill& f, timestamp_ns now, engine_output& out);
  /// Whether this fill (by fill id) is booked already: a duplicate delivery
  /// is neither journaled again nor booked.
  bool booked(const order_fill& f) const {
    const int leg = leg_of(f.venue);
    return leg >= 0 && !f.fill_id.empty() && legs_[leg].ledger.has_fill(f.fill_id);
  }
  void on_reject(const order_reject& r, timestamp_ns now, engine_output& out);
  void on_cancelled(const order_cancelled& c, timestamp_ns now, engine_output& out);

  /// Timeouts, re-quotes, holding time. Call every few ms (the actor: 10 ms).
  void on_timer(timestamp_ns now, engine_output& out);

  // -- operator ----------------------------------------------------------------

  /// Trading on/off. Off: no new entries; open positions are still managed
  /// (hedged, closed on exit signals).
  void set_enabled(bool on, timestamp_ns now, engine_output& out);
  /// normal_arb / zero_wear (zero_wear sets its own parameters).
  void set_mode(trade_mode m, timestamp_ns now, engine_output& out);
  /// New parameters; an error text (nothing changed) if they do not validate.
  std::string set_params(const pair_params& p, timestamp_ns now, engine_output& out);
  /// Reduce-only close of both legs, then halted until resume().
  void flatten(const std::string& reason, timestamp_ns now, engine_output& out);
  /// Leaves the halted state (entries allowed again if enabled).
  void resume(timestamp_ns now, engine_output& out);

  // -- risk (core/risk/pair_gate.hpp, docs/RISK.md) --------------------------------

  /// A permit from the risk guard. REDUCING closes the position (hedged,
  /// both legs together); HALTED cancels every working order and holds.
  void set_permit(const risk_permit& p, timestamp_ns now, engine_output& out);
  risk::pair_gate& gate() noexcept { return gate_; }
  const risk::pair_gate& gate() const noexcept { return gate_; }
  /// What the risk guard needs: positions, commitment, P&L, failures,
  /// book ages, order round trips (the worst since the previous report).
  pair_risk_report risk_report(timestamp_ns now);

  // -- recovery (issue 5, core/strategy/recovery.hpp) ------------------------------

  /// Rebuilds what a previous incarnation journaled. Call once, before any
  /// other input. Both legs then wait for reconcile(): no order leaves.
  void restore(const pair_journal& j, timestamp_ns now, engine_output& out);
  /// No order leaves the pair until reconcile(leg) (every venue session
  /// (re)start: the pair trader reconciles each leg when it attaches).
  void begin_reconcile(int leg) { reconciling_[leg & 1] = true; }
  bool reconciling() const noexcept { return reconciling_[0] || reconciling_[1]; }
  bool reconciling(int leg) const noexcept { return reconciling_[leg & 1]; }
  /// What to ask the venue of `leg`: every order of that leg that may still
  /// work, the pair's id prefix (orphans), funding since the last booked.
  account_query reconcile_query(int leg, timestamp_ns now);
  /// The fills in `r` the ledger of `leg` has not booked, exchange order.
  /// The caller journals each, then calls on_fill().
  std::vector<order_fill> missing_fills(int leg, const account_report& r) const;
  /// The venue's word on `leg` (after missing_fills were booked): orders it
  /// no longer works are closed, open orders with our prefix the tracker
  /// does not know are cancelled, funding the ledger missed is booked, and
  /// the position is compared (sole owner). On a disagreement the venue's
  /// position is adopted (an adjustment fill) and the pair is held in
  /// REDUCING until it is flat and agreed (or the operator resumes).
  /// `recovered`: how many missing_fills the caller booked (for the event).
  reconcile_result reconcile(int leg, const account_report& r, std::size_t recovered,
                             timestamp_ns now, engine_output& out);
  /// Held in REDUCING by a reconciliation disagreement.
  bool reconcile_hold() const noexcept { return gate_.hold(); }

  // -- state ---------------------------------------------------------------------

  const spread_update& spread() const noexcept { return spread_; }
  const signal_reading& reading() const noexcept { return reading_; }
  pair_report status(timestamp_ns now) const;
  pair_phase phase() const noexcept;
  const engine_stats& stats() const noexcept { return stats_; }
  const pnl_ledger& ledger(int leg) const noexcept { return legs_[leg & 1].ledger; }
  quantity position(int leg) const noexcept { return legs_[leg & 1].ledger.get().qty; }
  /// qty A + qty B: zero when perfectly hedged.
  quantity net_delta() const noexcept { return position(0) + position(1); }
  /// Signed target on leg A (leg B: the negative).
  quantity target() const noexcept { return target_a_; }
  int direction() const noexcept { return dir_; }
  std::size_t tranches() const noexcept { return tranches_; }
  bool halted() const noexcept { return halted_; }
  bool enabled() const noexcept { return enabled_; }
  const pair_params& params() const noexcept { return cfg_.params; }
  const pair_params& effective() const noexcept { return eff_; }
  /// Orders that may still fill (tests: zero once everything settled).
  std::size_t working_orders(timestamp_ns now);
  /// Leg index of a venue name, or -1.
  int leg_of(const std::string& venue) const noexcept;

private:
  struct leg_state {
    leg_rules rules;
    bool has_rules = false;
    order_book book;
    pnl_ledger ledger;
    bool available = true;
    timestamp_ns recv_ts = 0;
    timestamp_ns next_order_ok = 0;  ///< back-off after a reject
    timestamp_ns stale_before = 0;   ///< orders need a book received after this
    mutable price threshold_px;      ///< threshold() cache: the price it was for
    mutable quantity threshold;
    funding_rate rate;               ///< latest from the venue
    leg_state(std::string venue, std::string symbol) : ledger(std::move(venue), std::move(symbol)) {}
  };

  struct working {
    quantity ioc[2];                 ///< signed, IOC orders that may still fill
    quantity resting[2];             ///< signed, post-only/GTC orders
    tracked_order* rest_order[2] = {nullptr, nullptr};
    bool any_ioc = false;
    bool any = false;
  };

  // Steps.
  void evaluate(timestamp_ns now, engine_output& out);
  void decide(timestamp_ns now, engine_output& out);
  void drive(timestamp_ns now, engine_output& out);
  bool hedge_step(timestamp_ns now, const working& w, engine_output& out);
  void execute_step(timestamp_ns now, const working& w, engine_output& out);
  void flatten_step(timestamp_ns now, const working& w, engine_output& out);
  void finish_cycle(timestamp_ns now, const working& w, engine_output& out);

  // Helpers.
  working collect(timestamp_ns now);
  bool leg_usable(int leg, timestamp_ns now) const noexcept;
  bool can_order(int leg, timestamp_ns now) const noexcept;
  quantity target_of(int leg) const noexcept { return leg == 0 ? target_a_ : -target_a_; }
  quantity threshold(int leg) const;       ///< min tradable size at the current price
  price ref_price(int leg) const;          ///< leg mid, or the pair mid
  quantity tranche_size(price mid) const;   ///< one tranche at `mid`, 0 if too small
  bool flat_positions() const;
  bool economics_ok(int dir) const;
  bool entry_wanted(int dir) const;
  /// "" when the risk gate allows an entry in `dir` adding `add` to the
  /// target, else why not.
  std::string risk_refusal(int dir, quantity add, timestamp_ns now) const;
  void risk_hold(timestamp_ns now, engine_output& out);
  /// The hedged part of positions `a` (leg A) and `b` (leg B), as leg A's
  /// signed quantity: what a halted pair holds on to.
  quantity hedged_part(quantity a, quantity b) const;
  money booked_pnl() const;                ///< realized - fees + funding, both legs
  bool close_now_value(money& pnl, double& bps) const;
  void open_tranche(int dir, timestamp_ns now, engine_output& out);
  void start_close(const std::string& why, bool urgent, timestamp_ns now, engine_output& out);
  void abort_rest(int leg);
  void set_leg_target(int leg, quantity leg_target);
  void halt(const std::string& why, timestamp_ns now, engine_output& out);
  tracked_order* place(int leg, side sd, quantity qty, price px, time_in_force tif,
                       bool reduce_only, order_purpose purpose, timestamp_ns now,
                       engine_output& out);
  risk::order_check make_check(int leg, side sd, quantity qty, price px, bool reduce_only,
                               order_purpose purpose, timestamp_ns now);
  void note_refusal(const std::string& text, timestamp_ns now, engine_output& out);
  void cancel(tracked_order& o, uint8_t kind, timestamp_ns now, engine_output& out);
  price taker_limit(int leg, side sd, quantity qty, double slippage_bps) const;
  price passive_price(int leg, side sd) const;
  void note(severity sev, std::string text, timestamp_ns now, engine_output& out) const;
  void flush_sent(timestamp_ns now, engine_output& out);
  void apply_params(const pair_params& p);
  /// After recovery: takes the hedged part of the positions as the target
  /// (direction, tranches, opening time), once rules and books allow.
  void adopt_positions(timestamp_ns now, engine_output& out);

  engine_config cfg_;
  pair_params eff_;
  std::string id_;
  std::string source_;
  std::array<leg_state, 2> legs_;
  leg_pricing pricing_;
  spread_signal signal_;
  signal_reading reading_;
  spread_quote quote_;
  spread_update spread_;
  order_tracker orders_;
  client_id_generator ids_;
  engine_stats stats_;
  std::vector<std::string> to_send_;   ///< created this step, marked sent at flush

  quantity target_a_;
  int dir_ = -1;
  std::size_t tranches_ = 0;
  timestamp_ns opened_at_ = 0;
  money rt_base_;                      ///< booked P&L when the position opened
  bool closing_ = false;
  bool urgent_close_ = false;
  bool enabled_ = true;
  bool halted_ = false;
  bool flattening_ = false;
  std::string halt_reason_;
  // Hedge episode.
  timestamp_ns unhedged_since_ = 0;
  std::size_t hedge_attempts_ = 0;
  bool episode_unwound_ = false;
  bool episode_drift_ = false;         ///< the episode is a rebalance
  timestamp_ns last_own_fill_ = 0;     ///< last fill of / order by this engine
  int hedge_leg_ = -1;                 ///< leg of the episode's last hedge order
  timestamp_ns close_started_ = 0;
  timestamp_ns entries_blocked_until_ = 0;
  std::size_t failed_episodes_ = 0;    ///< consecutive episodes that ended in an unwind
  timestamp_ns last_sample_ = 0;
  // Risk.
  risk::pair_gate gate_;
  std::string last_refusal_;           ///< last risk refusal noted (no repeats)
  timestamp_ns last_refusal_at_ = 0;
  uint64_t consecutive_failures_ = 0;  ///< rejects, leg expiries, unwinds since a success
  std::array<int64_t, 2> worst_rtt_{-1, -1};
  std::array<uint64_t, 2> leg_rejects_{0, 0};
  // Recovery.
  std::array<bool, 2> reconciling_{false, false};
  bool adopt_pending_ = false;         ///< restore() found a position to adopt
  timestamp_ns restored_open_ts_ = 0;  ///< when the restored position was opened
  money restored_rt_base_;             ///< booked P&L at that time
};

} // namespace xarb::strategy
