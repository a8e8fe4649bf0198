#pragma once
// The Bitget half of a loopback mock venue (venues/mock/venue_protocol.hpp):
// REST /api/v2/mix/market/contracts, merge-depth, ticker, tickers,
// current-fund-rate, symbol-price, /api/v2/public/time,
// /api/v2/spot/public/symbols (empty); WS /v2/ws/public with text ping/pong
// and op subscribe/unsubscribe of `books` (checksummed snapshot + updates),
// `books1` and `ticker` for instType USDT-FUTURES.

#include <memory>

#include "venues/mock/venue_protocol.hpp"

namespace xarb::mock {

std::unique_ptr<venue_protocol> make_bitget_protocol();

} // namespace xarb::mock
