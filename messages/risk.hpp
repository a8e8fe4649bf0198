#pragma once
// The risk vocabulary shared by risk_guard, pair traders and venue sessions
// (docs/RISK.md): trading states, the permit a pair trades under, what a
// pair reports back, and what a venue session tells the guard.

#include <cstdint>
#include <string>
#include <string_view>

#include "messages/decimal.hpp"
#include "messages/market.hpp"

namespace xarb {

/// Trading state of a scope (the node, a venue, a symbol, a pair). Ordered
/// by severity: the effective state of a pair is the worst of its scopes.
///   active:   everything allowed (within limits)
///   reducing: only orders that reduce exposure; positions are closed, hedged
///   halted:   open orders cancelled; no order except a hedge that brings the
///             pair's net delta back toward zero (an orphan leg is worse)
enum class trade_state : uint8_t { active, reducing, halted };

std::string_view to_string(trade_state x) noexcept;
bool parse(std::string_view text, trade_state& out) noexcept;

constexpr trade_state worst(trade_state a, trade_state b) noexcept {
  return a > b ? a : b;
}

/// What the risk guard lets one pair do. The pair trader keeps the latest
/// and checks every order against it inline (core/risk/pair_gate.hpp); the
/// guard sends a new one whenever a limit, a state or a budget changes, and
/// at least every lease/2 (renewal).
struct risk_permit {
  std::string pair_id;
  uint64_t version = 0;             ///< increases with every permit sent to this pair
  trade_state state = trade_state::halted; ///< worst of node, venues, symbol, pair
  bool entries = false;             ///< new positions allowed (false while frozen by a breaker)
  std::string reason;               ///< why state != active or entries are refused
  /// Gross notional per leg the pair may commit (target, in quote currency)
  /// in direction ab (sell A, buy B) and ba; its current commitment plus
  /// what the guard reserved for it (exposure limits, capital layers).
  money cap_ab;
  money cap_ba;
  money max_order_notional;         ///< per order; 0 = no cap
  double price_band_bps = 0;        ///< max distance of an order price from the reference; 0 = off
  int64_t max_book_age_ns = 0;      ///< entries need both books younger; 0 = off
  double fast_move_pct = 0;         ///< fast market: a move larger than this ...
  int64_t fast_window_ns = 0;       ///< ... within this window freezes entries; 0 = off
  int64_t fast_freeze_ns = 0;       ///< ... for this long
  timestamp_ns valid_until = 0;     ///< lease: no new entries after this without renewal
  timestamp_ns ts = 0;
  friend bool operator==(const risk_permit&, const risk_permit&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, risk_permit& x) {
  return f(x.pair_id, x.version, x.state, x.entries, x.reason, x.cap_ab, x.cap_ba,
           x.max_order_notional, x.price_band_bps, x.max_book_age_ns, x.fast_move_pct,
           x.fast_window_ns, x.fast_freeze_ns, x.valid_until, x.ts);
}

/// What a pair trader reports to the guard: on every fill and periodically.
struct pair_risk_report {
  std::string pair_id;
  std::string symbol;
  std::string venue_a;
  std::string venue_b;
  uint64_t permit_version = 0;      ///< latest permit applied
  quantity qty_a;                   ///< positions (from fills)
  quantity qty_b;
  quantity target_a;                ///< committed on leg A (leg B: the negative)
  price mark_a;                     ///< mids (zero if unknown)
  price mark_b;
  money pnl_a;                      ///< realized - fees + funding + unrealized, per leg
  money pnl_b;
  money tranche_notional;           ///< one entry, per leg (what a grant must cover)
  std::string mode;                 ///< "normal_arb" | "zero_wear" (capital layers)
  uint64_t orders = 0;              ///< counters since start (the guard takes differences)
  uint64_t rejects_a = 0;
  uint64_t rejects_b = 0;
  uint64_t fills = 0;
  uint64_t risk_refused = 0;        ///< orders the pair's gate refused
  uint64_t consecutive_failures = 0; ///< rejects/expiries/unwinds since the last success
  int64_t book_age_a_ns = -1;       ///< -1: no book
  int64_t book_age_b_ns = -1;
  int64_t ack_rtt_a_ns = -1;        ///< worst order round trip since the last report, -1: none
  int64_t ack_rtt_b_ns = -1;
  bool fast_market = false;         ///< the pair's detector is tripped
  double fast_move_pct = 0;         ///< the move that tripped it
  uint32_t working_orders = 0;
  bool halted = false;              ///< the pair's own halt (hedge failures, hard limit)
  timestamp_ns ts = 0;
  friend bool operator==(const pair_risk_report&, const pair_risk_report&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, pair_risk_report& x) {
  return f(x.pair_id, x.symbol, x.venue_a, x.venue_b, x.permit_version, x.qty_a, x.qty_b,
           x.target_a, x.mark_a, x.mark_b, x.pnl_a, x.pnl_b, x.tranche_notional, x.mode,
           x.orders, x.rejects_a, x.rejects_b, x.fills, x.risk_refused,
           x.consecutive_failures, x.book_age_a_ns, x.book_age_b_ns, x.ack_rtt_a_ns,
           x.ack_rtt_b_ns, x.fast_market, x.fast_move_pct, x.working_orders, x.halted, x.ts);
}

/// Something a venue session saw that the risk guard must know.
enum class venue_alert_kind : uint8_t {
  liveness_lost,       ///< no frame for longer than the liveness budget
  liveness_ok,
  consistency_failed,  ///< the REST snapshot disagrees with the WS-built book
  consistency_ok,
  rate_limited,        ///< the venue answered HTTP 429
  banned,              ///< the venue answered HTTP 418 (IP/key ban)
};

std::string_view to_string(venue_alert_kind x) noexcept;

struct venue_alert {
  std::string venue;
  std::string symbol;               ///< empty when venue-wide
  venue_alert_kind kind = venue_alert_kind::liveness_lost;
  std::string detail;
  timestamp_ns ts = 0;
  friend bool operator==(const venue_alert&, const venue_alert&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, venue_alert& x) {
  return f(x.venue, x.symbol, x.kind, x.detail, x.ts);
}

} // namespace xarb
