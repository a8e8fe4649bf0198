#pragma once
// Bybit (v5, category linear: USDT/USDC perpetuals) public market-data codec.
//
// Streams (wss://stream.bybit.com/v5/public/linear): `orderbook.50.{symbol}`
// (snapshot then deltas, update id `u`), `tickers.{symbol}` (snapshot then
// deltas carrying only the changed fields: mark, index, funding). REST
// (https://api.bybit.com): /v5/market/instruments-info, /v5/market/orderbook.

#include <memory>

#include "venues/common/md_codec.hpp"

namespace xarb::venues {

std::unique_ptr<md_codec> make_bybit_codec();

} // namespace xarb::venues
