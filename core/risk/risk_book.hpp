#pragma once
// The risk guard's brain (the risk_guard actor is a thin shell around it):
// what every pair holds and commits, the breakers, the capital layers, the
// operator's kill switch, and the permit of every pair. Pure and
// deterministic: no CAF, no clock (time is passed in), exact money.
//
// Cycle: pairs report (on_report) and venue sessions alert (on_alert);
// evaluate(now) runs the book-wide breakers, then allocates: each pair gets
// a permit whose cap is its commitment plus one tranche reserved for it in
// every exposure limit and in the capital layers of both venues, or its
// commitment alone with the reason why no more. take_permits() returns the
// permits that changed or are due for renewal. See docs/RISK.md.
//
// Reservations are counted until the pair acknowledges a permit that no
// longer holds them (permit_version in its reports), so tightening a
// permit never lets another pair use headroom the first may still spend.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/risk/breakers.hpp"
#include "core/risk/capital.hpp"
#include "core/risk/rate_limits.hpp"
#include "core/risk/risk_config.hpp"
#include "messages/event.hpp"
#include "messages/risk.hpp"

namespace xarb::risk {

/// For status pages, metrics and the UI (/api/risk later).
struct scope_status {
  std::string name;
  trade_state state = trade_state::active;
  bool entries = true;
  std::string reason;
};

struct venue_status {
  std::string venue;
  trade_state state = trade_state::active;
  bool entries = true;
  std::string reason;
  money pool;
  money pnl;
  money equity;
  money gross;                      ///< committed notional on the venue
  money net;                        ///< signed position notional
  double leverage = 0;              ///< gross / pool
  double max_leverage = 0;
  double drawdown_pct = 0;          ///< from the venue's equity peak
  bool safe_mode = false;
};

struct pair_status {
  std::string pair_id;
  std::string symbol;
  trade_state state = trade_state::active;
  bool entries = false;
  std::string reason;               ///< why not active / why no entries or grant
  money commit;                     ///< per leg
  money cap_ab;
  money cap_ba;
  money net;                        ///< |qty A + qty B| x mark
  money pnl;
  uint64_t permit_version = 0;      ///< last sent
  uint64_t acked_version = 0;       ///< last applied by the pair
  uint64_t orders_refused = 0;      ///< by the pair's gate, since it started
  timestamp_ns last_report = 0;
};

struct risk_snapshot {
  timestamp_ns ts = 0;
  trade_state state = trade_state::active;  ///< the node
  std::string reason;
  money equity;
  money peak_equity;
  double drawdown_pct = 0;
  money daily_loss;                 ///< since the day's baseline (or the last resume)
  money total_gross;
  money total_net;
  money pnl;
  std::vector<scope_status> symbols;
  std::vector<venue_status> venues;
  std::vector<pair_status> pairs;
  std::vector<breaker_trip> breakers;
  std::vector<std::pair<breaker_kind, uint64_t>> trips_total;
  std::vector<venue_capital_snapshot> capital;
  std::vector<rate_limit_snapshot> rate_limits;
  uint64_t permits_sent = 0;
};

class risk_book {
public:
  /// `venues`: every venue the node trades on (capital pools, states).
  risk_book(risk_config cfg, std::vector<std::string> venues);

  const risk_config& config() const noexcept { return cfg_; }

  // -- inputs --------------------------------------------------------------------
  void on_report(const pair_risk_report& r, timestamp_ns now);
  void on_alert(const venue_alert& a, timestamp_ns now);
  void on_rate_limits(const std::vector<rate_limit_snapshot>& s, timestamp_ns now);

  // -- operator (kill switch) ------------------------------------------------------
  /// HALTED everywhere: pairs cancel every working order and hold (hedged).
  void halt_all(const std::string& reason, timestamp_ns now);
  /// REDUCING everywhere: every pair closes, reduce-only, one slice at a time.
  void flatten_all(const std::string& reason, timestamp_ns now);
  /// REDUCING for one pair. False if the pair is unknown.
  bool flatten_pair(const std::string& pair_id, const std::string& reason, timestamp_ns now);
  /// HALTED / REDUCING for one venue (every pair on it).
  void set_venue_state(const std::string& venue, trade_state s, const std::string& reason,
                       timestamp_ns now);
  /// Explicit resume: `scope` null = everything (kill states, every breaker;
  /// drawdown and daily loss are measured from the current equity again);
  /// else only that pair / venue / symbol scope. Returns how many states and
  /// breakers it cleared.
  std::size_t resume(timestamp_ns now, const std::string* scope = nullptr);
  /// REDUCING for every pair trading `symbol` on `venue` (a position audit
  /// found the venue disagreeing with the pairs' books). Returns how many.
  std::size_t reduce_contract(const std::string& venue, const std::string& symbol,
                              const std::string& reason, timestamp_ns now);
  /// Every pair leg's position summed per (venue, symbol), from the last
  /// reports; `complete` is false while some known pair has not reported.
  std::map<std::pair<std::string, std::string>, quantity> contract_positions(
    bool& complete) const;
  /// An error inside the risk checks: HALTED everywhere (fail closed).
  void fail_closed(const std::string& what, timestamp_ns now);

  // -- cycle -----------------------------------------------------------------------
  void evaluate(timestamp_ns now);
  /// Permits to send now: changed since the last sent, or due for renewal.
  std::vector<risk_permit> take_permits(timestamp_ns now);
  std::vector<event> take_events();

  // -- state ---------------------------------------------------------------------------
  trade_state node_state() const noexcept;
  const breaker_board& breakers() const noexcept { return board_; }
  const capital_book& capital() const noexcept { return capital_; }
  /// The permit the pair would get now (after evaluate); nullptr if unknown.
  const risk_permit* permit(const std::string& pair_id) const;
  risk_snapshot snapshot(timestamp_ns now) const;
  bool knows(const std::string& pair_id) const { return pairs_.count(pair_id) != 0; }
  /// The pair's last report; nullptr if none.
  const pair_risk_report* last_report(const std::string& pair_id) const {
    auto it = pairs_.find(pair_id);
    return it == pairs_.end() || !it->second.reported ? nullptr : &it->second.report;
  }

private:
  struct pair_state {
    pair_risk_report report;
    bool reported = false;
    trade_state kill = trade_state::active;
    std::string kill_reason;
    failure_streak streak;
    money commit;                   ///< per leg, this cycle
    money reserved;                 ///< granted beyond commit (this cycle)
    risk_permit next;               ///< computed by evaluate()
    risk_permit sent;               ///< last sent
    bool sent_any = false;
    /// (version, larger cap) of every permit sent from the acked version
    /// on: what the pair holds now or may apply next. Older ones are gone.
    std::vector<std::pair<uint64_t, money>> live_caps;
    money max_unacked_cap;          ///< the largest cap in live_caps
    uint64_t acked = 0;
    std::string refusal_key;        ///< last refusal constraint (events on change)
    std::vector<reservation> capital;
  };
  struct venue_state {
    trade_state kill = trade_state::active;
    std::string kill_reason;
    error_window errors;
    latency_monitor latency;
    equity_tracker equity;
    money pnl;
    money gross;
    money net;
    money reserved;                 ///< pending grants of every pair on it
    venue_state(uint64_t limit, int64_t window, int64_t lat_limit, int64_t lat_clear)
      : errors(limit, window), latency(lat_limit, lat_clear) {}
  };
  struct symbol_state {
    money gross;
    money net;
    money reserved;
  };
  /// Committed directions on one venue and symbol (direction consistency).
  struct direction_count {
    int longs = 0;
    int shorts = 0;
    std::string long_id;            ///< one pair of each side, for the reason text
    std::string short_id;
  };

  venue_state& venue(const std::string& name);
  void error(const std::string& venue, const std::string& why, timestamp_ns now);
  void note(severity sev, std::string text, timestamp_ns now);
  void book_wide(timestamp_ns now);
  void aggregate();
  void allocate(timestamp_ns now);
  /// State, entries and the reason for the scopes of one pair.
  scope_status pair_scope(const pair_state& p) const;
  trade_state scope_state(const std::string& scope, trade_state kill,
                          std::string& reason) const;
  bool scope_frozen(const std::string& scope, std::string& reason) const;
  money usable_cap(const pair_state& p) const;

  risk_config cfg_;
  std::vector<std::string> venue_names_;
  breaker_board board_;
  capital_book capital_;
  std::map<std::string, pair_state> pairs_;
  std::map<std::string, venue_state> venues_;
  std::map<std::string, symbol_state> symbols_;
  std::map<std::string, direction_count> directions_;  ///< by book_scope(venue, symbol)
  money total_reserved_;
  std::vector<rate_limit_snapshot> limits_;
  equity_tracker equity_;
  daily_loss_tracker daily_;
  money daily_ack_;                 ///< loss acknowledged by a resume today
  int64_t daily_ack_day_ = -1;
  trade_state kill_ = trade_state::active;
  std::string kill_reason_;
  money total_gross_;
  money total_net_;
  money total_pnl_;
  std::vector<event> events_;
  uint64_t permits_sent_ = 0;
};

} // namespace xarb::risk
