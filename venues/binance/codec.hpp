#pragma once
// Binance USD-M futures public market data (venue "binance"): the
// Binance-style codec (binance_style.hpp) with Binance's hosts, routed
// WebSocket paths (/public for depth + bookTicker, /market for markPrice)
// and limits.

#include <memory>

#include "venues/common/md_codec.hpp"

namespace xarb::venues {

std::unique_ptr<md_codec> make_binance_codec();

} // namespace xarb::venues
