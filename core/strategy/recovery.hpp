#pragma once
// What a pair engine needs to come back after a crash (issue 5,
// docs/STORAGE.md "Recovery"): the journal's picture of the pair, and the
// outcome of reconciling it with a venue's own records.
//
// Sequence (actors/pair_trader.cpp drives it):
//   1. restore(journal): every fill and funding payment booked, in journal
//      order, rebuilds the ledgers exactly; every order that may still work
//      goes back into the order tracker. No order leaves the pair yet.
//   2. per leg, once its venue session is there: reconcile_query() -> the
//      venue's account_report -> missing_fills() (journaled, then on_fill)
//      -> reconcile(): orders closed on the venue's word, orphans cancelled,
//      funding booked, the position compared.
//   3. with both legs reconciled the engine adopts what it holds (target,
//      direction, tranches) and trades on: it never starts as if flat when
//      it is not. A disagreement holds the pair in REDUCING (pair_gate hold).

#include <string>
#include <variant>
#include <vector>

#include "messages/market.hpp"
#include "messages/order.hpp"
#include "messages/strategy.hpp"

namespace xarb::strategy {

/// What the journal knows of one pair.
struct pair_journal {
  /// Every fill and funding payment the pair booked, in journal order.
  std::vector<std::variant<order_fill, funding_payment>> bookings;
  /// The latest transition of every order not known to be over (state
  /// intent, sent, acked, partially_filled or expired).
  std::vector<order_update> open_orders;
  /// Latest journal time of any order transition (0: none): a new
  /// incarnation's client id epoch must be above it.
  timestamp_ns last_order_ts = 0;
};

/// The outcome of reconciling one leg.
struct reconcile_result {
  bool agreed = true;              ///< the venue and the books agree (or cannot be compared)
  std::string detail;              ///< what was found, for the event and the log
  std::size_t fills_recovered = 0; ///< set by the caller (missing_fills it booked)
  std::size_t orders_closed = 0;
  std::size_t orphans_cancelled = 0;
  /// Bookings made by reconcile() itself that the caller must journal: the
  /// venue's funding payments the books missed, and the adjustment fill that
  /// adopts the venue's position on a disagreement.
  std::vector<std::variant<order_fill, funding_payment>> to_journal;
};

} // namespace xarb::strategy
