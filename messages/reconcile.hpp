#pragma once
// Reconciliation (issue 5): after a restart, or when a venue session comes
// back, a pair trader asks each venue what it really holds and what became
// of the orders the journal says may still be working. The venue is the
// truth (docs/STORAGE.md, "Recovery").
//
// The questions are the ones a real venue's REST API answers: an order's
// status and fills by client order id, the open orders of the account, the
// position of a contract, the funding paid or received since a time.

#include <string>
#include <vector>

#include "messages/decimal.hpp"
#include "messages/market.hpp"
#include "messages/order.hpp"

namespace xarb {

/// One pair trader's question about one contract on one venue.
struct account_query {
  std::string symbol;                   ///< canonical
  std::vector<std::string> client_ids;  ///< orders whose status and fills we want
  /// Open orders whose client id starts with this are listed too (the pair's
  /// own ids across incarnations: orphans the journal does not know).
  std::string id_prefix;
  timestamp_ns funding_since = 0;       ///< settlements with ts >= this are listed
  friend bool operator==(const account_query&, const account_query&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, account_query& x) {
  return f(x.symbol, x.client_ids, x.id_prefix, x.funding_since);
}

/// The venue's record of one order.
struct venue_order {
  std::string client_id;
  bool known = false;          ///< the venue acknowledged it (a rejected order is unknown)
  bool open = false;           ///< still working on the venue
  side sd = side::buy;
  time_in_force tif = time_in_force::gtc;
  price px;
  quantity qty;
  quantity filled;
  std::vector<order_fill> fills; ///< every fill of the order, exchange order
  friend bool operator==(const venue_order&, const venue_order&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, venue_order& x) {
  return f(x.client_id, x.known, x.open, x.sd, x.tif, x.px, x.qty, x.filled, x.fills);
}

/// The venue's answer.
struct account_report {
  std::string venue;
  std::string symbol;
  position pos;                        ///< the account's whole position in the contract
  std::vector<venue_order> orders;     ///< one per asked client id, in the asked order
  std::vector<venue_order> orphans;    ///< open orders with the prefix that were not asked about
  std::vector<funding_payment> funding; ///< settlements since funding_since, in order
  timestamp_ns ts = 0;                 ///< venue time of the answer
  friend bool operator==(const account_report&, const account_report&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, account_report& x) {
  return f(x.venue, x.symbol, x.pos, x.orders, x.orphans, x.funding, x.ts);
}

} // namespace xarb
