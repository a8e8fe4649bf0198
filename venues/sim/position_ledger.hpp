#pragma once
// Net position of one symbol on one venue with exact P&L.
//
// The open position keeps its cost (sum of fill notionals) rather than an
// average price, so a full close realises exactly sell notional - buy notional
// with no rounding drift; a partial close removes cost pro rata (rounded to
// 1e-9 once). avg_entry = cost / |qty| is derived for display.

#include <string>

#include "messages/decimal.hpp"
#include "messages/order.hpp"

namespace xarb::sim {

class position_ledger {
public:
  position_ledger(std::string venue, std::string symbol);

  /// Books a fill: `fee` positive = paid, negative = rebate. Throws
  /// std::overflow_error if the figures leave the fixed-point range.
  void apply_fill(side sd, price px, quantity qty, money fee, timestamp_ns ts);

  /// Funding settlement: longs pay mark x |qty| x rate when rate > 0.
  /// amount = -sign(qty) x round(rate x round(mark x |qty|)), each rounding
  /// to nearest 1e-9. Returns exactly what was added to `funding` (0 when
  /// flat: nothing is booked and ts is left alone).
  money apply_funding(price mark, ratio rate, timestamp_ns ts);

  const position& get() const noexcept { return pos_; }

  /// Cost of the open position (always >= 0).
  money cost() const noexcept { return cost_; }

private:
  void update_avg();

  position pos_;
  money cost_;
};

} // namespace xarb::sim
