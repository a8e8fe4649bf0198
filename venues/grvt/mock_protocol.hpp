#pragma once
// GRVT as a loopback mock venue (venues/mock/venue_protocol.hpp).
//
// REST (all POST JSON, like market-data.grvt.io):
//   /full/v1/all_instruments, /full/v1/instruments  {"result":[InstrumentDisplay]}
//   /full/v1/instrument  {"instrument":X}           {"result":InstrumentDisplay}
//   /full/v1/book        {"instrument":X,"depth":10|50|100|500}
//                        {"result":{"event_time","instrument","bids","asks"}}
//   /full/v1/ticker, /full/v1/mini {"instrument":X} {"result":Ticker / MiniTicker}
//   /full/v1/funding     {"instrument":X}           {"result":[{...}],"next":""}
//   errors: {"code":N,"message":"...","status":S}
// WS (any path, /ws/full in practice): JSON-RPC
//   {"jsonrpc":"2.0","method":"subscribe"|"unsubscribe","params":{"stream":S,
//    "selectors":["X@rate"]},"id":N} -> {"jsonrpc":"2.0","result":{"stream","subs",
//    "unsubs","num_snapshots","first_sequence_number","latest_sequence_number"},
//    "id":N,"method":...}; the legacy {"stream","feed":[..],"method"} form too.
//   Streams v1.book.d (snapshot "0" then changed levels), v1.book.s (full
//   books), v1.ticker.s|d (mark, index, funding in PERCENT), v1.mini.s|d (BBO).
//   Sequence numbers are per (stream, selector) and per connection
//   (ws_client::counters "sn:<stream>:<native>"), as GRVT's gateway numbers
//   them; a delta the server drops (gap fault) still consumes its number.
// Native symbols: "BTC_USDT_Perp", "1000PEPE_USDT_Perp" for a 1000-coin unit.

#include <memory>

#include "venues/mock/venue_protocol.hpp"

namespace xarb::mock {

std::unique_ptr<venue_protocol> make_grvt_protocol();

} // namespace xarb::mock
