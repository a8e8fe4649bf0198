#pragma once
// The node's P&L parts summed over the pairs' legs: one definition for
// GET /api/pnl (per pair, per venue, total) and the equity curve's samples,
// so the curve always ends where /api/pnl's "total" is.

#include <vector>

#include "messages/decimal.hpp"
#include "messages/strategy.hpp"
#include "monitoring/status_board.hpp"

namespace xarb {

struct pnl_parts {
  money realized;
  money fees;            ///< paid (+) / rebates (-)
  money funding;         ///< settled
  money funding_accrued; ///< estimate for the running interval (not in net)
  money unrealized;

  void add(const leg_status& l);
  /// realized - fees + funding + unrealized.
  money net() const { return realized - fees + funding + unrealized; }
};

/// Every leg that has reported (venue set) of every pair: /api/pnl "total".
pnl_parts pnl_total(const std::vector<pair_status>& pairs);

} // namespace xarb
