#pragma once
// Lighter as the mock venue server speaks it: REST /api/v1/orderBookDetails,
// /api/v1/orderBooks, /api/v1/orderBookOrders, /api/v1/funding-rates; WS
// /stream with {"type":"subscribe","channel":"order_book/ID"} (snapshot then
// updates numbered nonce/begin_nonce), market_stats/ID (rates in percent),
// {"type":"ping"} -> {"type":"pong"}, a "connected" greeting on open.

#include <memory>

#include "venues/mock/venue_protocol.hpp"

namespace xarb::mock {

std::unique_ptr<venue_protocol> make_lighter_protocol();

} // namespace xarb::mock
