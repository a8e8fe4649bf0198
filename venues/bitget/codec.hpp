#pragma once
// Bitget (v2, USDT-FUTURES perpetuals) public market-data codec.
//
// Streams (wss://ws.bitget.com/v2/ws/public): `books` (snapshot then
// updates, `seq`, CRC32 checksum of the top 25 levels), `books1` (best
// bid/offer, a snapshot each push), `ticker` (mark, index, funding rate,
// next funding time). REST (https://api.bitget.com):
// /api/v2/mix/market/contracts, /api/v2/mix/market/merge-depth.

#include <memory>

#include "venues/common/md_codec.hpp"

namespace xarb::venues {

std::unique_ptr<md_codec> make_bitget_codec();

} // namespace xarb::venues
