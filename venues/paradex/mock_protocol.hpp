#pragma once
// Paradex as the mock venue server speaks it: REST /v1/markets,
// /v1/markets/summary, /v1/orderbook/{market}, /v1/bbo/{market},
// /v1/funding/data, /v1/system/time; WS JSON-RPC 2.0 subscribe/unsubscribe
// of order_book.{m}.snapshot@15@{50ms|100ms}, bbo.{m}, funding_data.{m},
// markets_summary[.{m}]. A client that connected with ?sbeSchemaId=1 gets
// its pushes as SBE binary frames (venues/paradex/sbe.hpp); acks and errors
// stay JSON text.
//
// Binary frames: venue_protocol hands frames to the server as std::string
// without a text/binary flag. An SBE frame always starts with a header whose
// bytes 4-5 are 01 00 (paradex_is_binary_frame()), which JSON text never
// has; the server must send such frames as WebSocket BINARY messages (see
// the report: a proper flag in the interface would be cleaner). The
// protocol also marks SBE clients with ws_client::counters["sbe"] = 1.

#include <memory>
#include <string_view>

#include "venues/mock/venue_protocol.hpp"

namespace xarb::mock {

std::unique_ptr<venue_protocol> make_paradex_protocol();

/// Whether a frame produced by the Paradex protocol is an SBE binary frame.
bool paradex_is_binary_frame(std::string_view frame) noexcept;

} // namespace xarb::mock
