#pragma once
// The Bybit half of a loopback mock venue (venues/mock/venue_protocol.hpp):
// REST /v5/market/instruments-info, /v5/market/orderbook, /v5/market/tickers,
// /v5/market/funding/history, /v5/market/time; WS /v5/public/linear with
// {"op":"ping"} / {"op":"subscribe","args":[...]} of `orderbook.50.{symbol}`
// and `tickers.{symbol}` (a snapshot, then deltas of the changed fields).

#include <memory>

#include "venues/mock/venue_protocol.hpp"

namespace xarb::mock {

std::unique_ptr<venue_protocol> make_bybit_protocol();

} // namespace xarb::mock
