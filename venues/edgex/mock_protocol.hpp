#pragma once
// EdgeX (V2) as a loopback mock venue (venues/mock/venue_protocol.hpp).
//
// REST (GET; envelope {"code":"SUCCESS","data":..,"msg":null,"errorParam":null,
// "requestTime","responseTime","traceId"}; /api/v1/... aliases answered too):
//   /api/v2/public/meta/getMetaData          global, coinList, contractList
//   /api/v2/public/meta/getServerTime        {"timeMillis"}
//   /api/v2/public/quote/getDepth?contractId=&level=15|200
//                                            [{startVersion,endVersion,level,contractId,
//                                              contractName,asks,bids,depthType}]
//   /api/v2/public/quote/getTicker?contractId=
//   /api/v2/public/funding/getLatestFundingRate?contractId=
//   errors: code != "SUCCESS" (INVALID_CONTRACT_ID, PARAM_ERROR), 404 for other paths
// WS (any path, /api/v1/public/ws in practice): {"sid","type":"connected","time"}
// on open; {"type":"subscribe"|"unsubscribe","channel":C} -> {"type":"subscribed"|
// "unsubscribed","channel":C,"request":"<the request>"}; errors {"type":"error",
// "request":..,"content":{"code","msg"}}; client {"type":"ping","time":T} ->
// {"type":"pong","time":T}; server pings {"type":"ping","time":"<ms>"}.
// Channels depth.{id}.15|200 (Snapshot, then Changed with startVersion/
// endVersion from the simulated book's sequence), ticker.{id},
// fundingRate.{id} (quote-event envelopes).
// Contracts: id 10000001 + listing index, contractName "<unit><BASE>USD".

#include <memory>

#include "venues/mock/venue_protocol.hpp"

namespace xarb::mock {

std::unique_ptr<venue_protocol> make_edgex_protocol();

} // namespace xarb::mock
