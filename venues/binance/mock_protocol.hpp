#pragma once
// Mock Binance USD-M futures (venue "binance") for venues/mock/mock_server:
// REST /fapi/v1/{exchangeInfo,fundingInfo,depth,premiumIndex,ticker/bookTicker,
// ping,time}, WS raw (/ws/<stream>) and combined (/stream?streams=, SUBSCRIBE)
// streams with Binance's /public - /market path routing. See binance_style.hpp.

#include <memory>

#include "venues/mock/venue_protocol.hpp"

namespace xarb::mock {

std::unique_ptr<venue_protocol> make_binance_protocol();

} // namespace xarb::mock
