#pragma once
// Everything a simulated venue emits, in one variant so a caller drains a
// single time-ordered stream. funding_payment is the venue's booking of a
// funding settlement on our position (see sim_venue.hpp).

#include <variant>

#include "messages/market.hpp"
#include "messages/order.hpp"

namespace xarb::sim {

using event = std::variant<book_snapshot, book_delta, funding_rate, funding_payment,
                           order_ack, order_reject, order_fill, order_cancelled>;

} // namespace xarb::sim
