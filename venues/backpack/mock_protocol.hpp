#pragma once
// Mock Backpack Exchange (venue "backpack") for venues/mock/mock_server:
// REST /api/v1/{markets,market,depth,markPrices,fundingRates,ping,time} and
// the WS stream protocol ({"method":"SUBSCRIBE","params":["depth.X", ...]},
// no acknowledgement on success, {"id":null,"error":{...}} on failure;
// events wrapped {"data":{..},"stream":".."} with keys sorted as the venue
// sends them, U/u from the simulated book so U == previous u + 1).

#include <memory>

#include "venues/mock/venue_protocol.hpp"

namespace xarb::mock {

std::unique_ptr<venue_protocol> make_backpack_protocol();

} // namespace xarb::mock
