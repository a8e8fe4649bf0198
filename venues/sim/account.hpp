#pragma once
// The simulated venue's answer to a reconciliation question (issue 5,
// messages/reconcile.hpp): what a real venue's REST API returns for the
// account: position, orders and their fills by client id, open orders with a
// client-id prefix, funding settlements since a time. Used by venue_session
// (account_query) and by the engine's recovery tests.

#include "messages/reconcile.hpp"
#include "venues/sim/paper_exchange.hpp"
#include "venues/sim/sim_venue.hpp"

namespace xarb::sim {

/// The report for `q` as of the venue's current state, stamped `now`.
/// Throws std::invalid_argument for a symbol the venue does not list.
account_report account_of(const venue& v, const account_query& q, timestamp_ns now);

/// The same report from a paper account on a real venue's live book.
account_report account_of(const paper_exchange& v, const account_query& q, timestamp_ns now);

} // namespace xarb::sim
