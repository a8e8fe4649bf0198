#pragma once
// The executable spread of a pair, both directions, for a given size:
// taker legs at the depth-weighted price of walking the book (never the
// mid), maker legs at the passive touch, each net of that leg's fee.
//
// Direction 0 ("ab") sells on A and buys on B; direction 1 ("ba") the
// reverse. Closing a position opened in direction d trades direction 1 - d.
// Edges are in bps of the pair mid (doubles: they feed the statistics);
// prices stay exact.

#include <cstdint>
#include <string>

#include "core/order_book.hpp"
#include "core/strategy/params.hpp"
#include "messages/decimal.hpp"
#include "messages/expected.hpp"
#include "messages/instrument.hpp"

namespace xarb::strategy {

/// A venue's trading rules for the pair's contract in canonical units.
struct leg_rules {
  std::string venue;
  price tick;            ///< canonical price increment
  quantity lot;          ///< canonical size increment
  quantity min_qty;      ///< canonical minimum size
  money min_notional;
  ratio maker_fee;       ///< negative = rebate
  ratio taker_fee;
  int32_t funding_interval_s = 8 * 3600;
  friend bool operator==(const leg_rules&, const leg_rules&) = default;
};

/// Canonical rules from a native instrument_spec (tick / multiplier, lot and
/// min size x multiplier). Error if they do not convert exactly.
expected<leg_rules> make_leg_rules(const instrument_spec& spec);

/// Smallest size that is >= min_qty, >= min_notional at `px`, on the lot.
quantity min_tradable(const leg_rules& r, price px);

/// Common lot of two legs (their least common multiple): both legs of a
/// tranche trade the same size.
quantity common_lot(quantity a, quantity b);

/// How each leg of each direction is priced.
struct leg_pricing {
  exec_style style = exec_style::taker_taker;
  int maker = 0;         ///< maker leg (0 = A, 1 = B) when style is maker_taker
};

struct spread_quote {
  bool valid = false;    ///< both books synced and deep enough for `size`
  quantity size;
  price mid;             ///< average of the two legs' mids
  // Taker VWAPs for `size` and the worst level each walk touches.
  price sell_a, buy_a, sell_b, buy_b;
  price worst_sell_a, worst_buy_a, worst_sell_b, worst_buy_b;
  // Exact gross spreads: (sell - buy) / mid at the taker VWAPs.
  ratio spread_ab, spread_ba;
  /// Net entry edge per direction in bps after both legs' fees, priced per
  /// leg_pricing (maker leg at the touch with its maker fee).
  double net_bps[2] = {0, 0};
  /// Gross taker edge in bps (no fees).
  double gross_bps[2] = {0, 0};
};

/// Prices both directions for `size`. Invalid (valid = false) when a book is
/// not synced, is one-sided, or cannot fill `size`.
spread_quote price_pair(const order_book& a, const order_book& b, quantity size,
                        const leg_rules& ra, const leg_rules& rb, const leg_pricing& how);

/// Mid of one book (halfway, rounded toward the bid), 0 when a side is empty.
price mid_price(const order_book& book);

/// Halfway between the two books' mids, 0 unless both have one.
price pair_mid(const order_book& a, const order_book& b);

/// px x (1 + bps / 1e4), rounded `mode` to `tick` (exact arithmetic).
price shift_bps(price px, double bps, price tick, rounding mode);

/// bps as an exact ratio (1 bp = 0.0001), rounded to the nano.
ratio bps_ratio(double bps);

} // namespace xarb::strategy
