#pragma once
// Hyperliquid as the mock venue server speaks it: POST /info (meta,
// metaAndAssetCtxs, l2Book, allMids; spotMeta and perpDexs answer "no spot
// markets, the default dex only" so ccxt can load markets) and the
// /ws subscription protocol (l2Book full books, bbo, activeAssetCtx with
// the hourly funding rate, {"method":"ping"} -> {"channel":"pong"}).

#include <memory>

#include "venues/mock/venue_protocol.hpp"

namespace xarb::mock {

std::unique_ptr<venue_protocol> make_hyperliquid_protocol();

} // namespace xarb::mock
