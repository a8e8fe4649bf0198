#pragma once
// Order flow vocabulary: intent -> ack | reject, fills, cancels.
// Quantities and prices are canonical (see market.hpp); the venue session
// converts to native units and rounds to tick/lot before sending.

#include <cstdint>
#include <string>

#include "messages/decimal.hpp"
#include "messages/error_code.hpp"
#include "messages/market.hpp"

namespace xarb {

enum class side : uint8_t { buy, sell };
enum class order_type : uint8_t { limit, market };
enum class time_in_force : uint8_t {
  gtc,       ///< rests until filled or cancelled
  ioc,       ///< fills what it can now, cancels the rest
  post_only, ///< rests; rejected if it would take liquidity
};
enum class liquidity : uint8_t { maker, taker };

std::string_view to_string(side x) noexcept;
std::string_view to_string(order_type x) noexcept;
std::string_view to_string(time_in_force x) noexcept;
std::string_view to_string(liquidity x) noexcept;

constexpr side opposite(side x) noexcept {
  return x == side::buy ? side::sell : side::buy;
}

/// What a strategy wants sent. `client_id` is deterministic (node, pair,
/// intent sequence) so a retry can never create a second order.
struct order_intent {
  std::string client_id;
  std::string venue;
  std::string symbol;
  side sd = side::buy;
  order_type type = order_type::limit;
  time_in_force tif = time_in_force::gtc;
  price px;                 ///< limit price (ignored for market orders)
  quantity qty;
  bool reduce_only = false;
  timestamp_ns ts = 0;
  friend bool operator==(const order_intent&, const order_intent&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, order_intent& x) {
  return f(x.client_id, x.venue, x.symbol, x.sd, x.type, x.tif, x.px, x.qty,
           x.reduce_only, x.ts);
}

struct order_ack {
  std::string client_id;
  std::string venue_order_id;
  std::string venue;
  std::string symbol;
  timestamp_ns ts = 0;
  friend bool operator==(const order_ack&, const order_ack&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, order_ack& x) {
  return f(x.client_id, x.venue_order_id, x.venue, x.symbol, x.ts);
}

struct order_reject {
  std::string client_id;
  std::string venue;
  std::string symbol;
  error_code code = error_code::none;
  std::string reason;
  timestamp_ns ts = 0;
  friend bool operator==(const order_reject&, const order_reject&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, order_reject& x) {
  return f(x.client_id, x.venue, x.symbol, x.code, x.reason, x.ts);
}

struct order_fill {
  std::string client_id;
  std::string venue_order_id;
  std::string fill_id;      ///< venue trade id, unique per venue
  std::string venue;
  std::string symbol;
  side sd = side::buy;
  price px;
  quantity qty;
  quantity leaves_qty;      ///< still open after this fill
  money fee;                ///< positive = paid, negative = rebate
  liquidity liq = liquidity::taker;
  timestamp_ns ts = 0;
  friend bool operator==(const order_fill&, const order_fill&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, order_fill& x) {
  return f(x.client_id, x.venue_order_id, x.fill_id, x.venue, x.symbol, x.sd,
           x.px, x.qty, x.leaves_qty, x.fee, x.liq, x.ts);
}

struct cancel_request {
  std::string client_id;
  std::string venue;
  std::string symbol;
  timestamp_ns ts = 0;
  friend bool operator==(const cancel_request&, const cancel_request&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, cancel_request& x) {
  return f(x.client_id, x.venue, x.symbol, x.ts);
}

/// The order is closed without (further) fills: cancelled on request, IOC
/// remainder, or expired. `cancelled_qty` is what was left open.
struct order_cancelled {
  std::string client_id;
  std::string venue;
  std::string symbol;
  quantity cancelled_qty;
  std::string reason;
  timestamp_ns ts = 0;
  friend bool operator==(const order_cancelled&, const order_cancelled&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, order_cancelled& x) {
  return f(x.client_id, x.venue, x.symbol, x.cancelled_qty, x.reason, x.ts);
}

/// Net position on one venue, canonical units. qty > 0 long, < 0 short.
/// P&L components are kept apart so every figure can show fees and funding.
struct position {
  std::string venue;
  std::string symbol;
  quantity qty;
  price avg_entry;
  money realized_pnl;  ///< price P&L only
  money fees;          ///< paid (positive) or earned (negative)
  money funding;       ///< received (positive) or paid (negative)
  timestamp_ns ts = 0;
  friend bool operator==(const position&, const position&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, position& x) {
  return f(x.venue, x.symbol, x.qty, x.avg_entry, x.realized_pnl, x.fees,
           x.funding, x.ts);
}

} // namespace xarb
