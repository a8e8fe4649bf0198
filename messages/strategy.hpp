#pragma once
// What a pair trader reports about its orders and itself: one order_update
// per leg state transition (the journal and the UI read these), and a
// pair_report snapshot (spread, signal, positions, P&L, counters).

#include <cstdint>
#include <memory>
#include <string>

#include "messages/decimal.hpp"
#include "messages/market.hpp"
#include "messages/order.hpp"
#include "messages/spread.hpp"

namespace xarb {

/// The life of one order (one leg execution). Allowed transitions:
///   intent -> sent -> acked -> partially_filled -> filled
///   sent | acked | partially_filled -> filled | cancelled | rejected | expired
///   sent -> partially_filled | filled (a fill may overtake its ack)
/// `expired`: no final answer within the leg timeout; a cancel was sent and
/// late fills are still booked. Terminal: filled, cancelled, rejected.
enum class order_state : uint8_t {
  intent, sent, acked, partially_filled, filled, cancelled, rejected, expired,
};

/// Why the pair trader placed an order.
enum class order_purpose : uint8_t {
  open,       ///< entry leg of a tranche
  close,      ///< exit leg
  hedge,      ///< brings the pair's net delta back to zero after a fill
  unwind,     ///< reverses an orphan leg whose hedge could not be done
  rebalance,  ///< net delta beyond the rebalance limit (drift, restart)
  flatten,    ///< hard limit or operator: reduce-only close of everything
};

std::string_view to_string(order_state x) noexcept;
std::string_view to_string(order_purpose x) noexcept;

constexpr bool is_terminal(order_state s) noexcept {
  return s == order_state::filled || s == order_state::cancelled
         || s == order_state::rejected;
}

/// One transition of one order, with the order's full picture after it.
struct order_update {
  std::string pair_id;
  std::string client_id;
  std::string venue;
  std::string symbol;
  side sd = side::buy;
  time_in_force tif = time_in_force::ioc;
  order_purpose purpose = order_purpose::open;
  price px;
  quantity qty;
  quantity filled;
  money fees;
  order_state from = order_state::intent;
  order_state to = order_state::intent;
  std::string reason;    ///< reject reason, cancel reason, "leg timeout" ...
  timestamp_ns ts = 0;
  friend bool operator==(const order_update&, const order_update&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, order_update& x) {
  return f(x.pair_id, x.client_id, x.venue, x.symbol, x.sd, x.tif, x.purpose,
           x.px, x.qty, x.filled, x.fees, x.from, x.to, x.reason, x.ts);
}

/// Where a pair is in its cycle.
enum class pair_phase : uint8_t {
  warmup,   ///< statistics window not full: never trades
  flat,     ///< no position, waiting for a signal
  opening,  ///< entry orders working
  open,     ///< position held (1..3 tranches), hedged
  closing,  ///< exit orders working
  hedging,  ///< unhedged delta being hedged or unwound
  halted,   ///< hard limit hit or disabled: no new entries
};

std::string_view to_string(pair_phase x) noexcept;

/// Figures of one leg (venue) of a pair; money in the quote currency.
struct leg_status {
  std::string venue;
  quantity qty;            ///< this pair's own position on the venue
  price avg_entry;
  money realized;          ///< price P&L
  money fees;              ///< paid (+) / rebates (-)
  money funding;           ///< settled: received (+) / paid (-)
  money funding_accrued;   ///< estimate for the running interval (not booked)
  money unrealized;        ///< open qty marked at the mid
  ratio funding_rate;
  friend bool operator==(const leg_status&, const leg_status&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, leg_status& x) {
  return f(x.venue, x.qty, x.avg_entry, x.realized, x.fees, x.funding,
           x.funding_accrued, x.unrealized, x.funding_rate);
}

struct pair_report {
  spread_update spread;
  std::string mode;        ///< "normal_arb" | "zero_wear"
  std::string style;       ///< "taker_taker" | "maker_taker"
  std::string model;       ///< signal model
  pair_phase phase = pair_phase::warmup;
  bool enabled = true;
  int32_t direction = -1;  ///< open position: 0 = short A / long B, 1 = reverse, -1 none
  uint32_t tranches = 0;
  leg_status leg_a;
  leg_status leg_b;
  quantity net_delta;      ///< qty A + qty B
  money net_pnl;           ///< realized - fees + funding + unrealized, both legs
  uint64_t round_trips = 0;
  uint64_t orders = 0;
  uint64_t fills = 0;
  uint64_t rejects = 0;
  uint64_t hedges = 0;
  uint64_t unwinds = 0;
  std::string halt_reason;
  timestamp_ns ts = 0;
  friend bool operator==(const pair_report&, const pair_report&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, pair_report& x) {
  return f(x.spread, x.mode, x.style, x.model, x.phase, x.enabled, x.direction,
           x.tranches, x.leg_a, x.leg_b, x.net_delta, x.net_pnl, x.round_trips,
           x.orders, x.fills, x.rejects, x.hedges, x.unwinds, x.halt_reason, x.ts);
}

/// The pair engine a pair trader shares with its venue sessions when
/// decisions are taken inline (actors/engine_host.hpp).
struct engine_host;

/// Asks a venue session to run a pair's decision inline, in the session's
/// own handler, right after each update of `symbol` (no actor hop between
/// the book and the decision). Local only: the host pointer is not
/// serialized, so this message must never cross a node boundary.
struct inline_hook {
  std::shared_ptr<engine_host> host;
  std::string symbol;
  int32_t leg = 0;   ///< which leg of the pair the session's venue is
  friend bool operator==(const inline_hook&, const inline_hook&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, inline_hook& x) {
  return f(x.symbol, x.leg);
}

} // namespace xarb
