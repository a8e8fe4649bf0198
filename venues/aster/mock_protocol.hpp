#pragma once
// Mock Aster perpetuals (venue "aster") for venues/mock/mock_server: the
// Binance-style mock (venues/binance/binance_style.hpp) on /fapi/v3 (and the
// legacy /fapi/v1), without WS path routing, with Aster's fundingInfo shape.

#include <memory>

#include "venues/mock/venue_protocol.hpp"

namespace xarb::mock {

std::unique_ptr<venue_protocol> make_aster_protocol();

} // namespace xarb::mock
