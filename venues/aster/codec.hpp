#pragma once
// Aster (AsterDEX) perpetuals public market data (venue "aster"): a Binance
// USD-M clone on /fapi/v3, decoded by the Binance-style codec
// (venues/binance/binance_style.hpp) with Aster's hosts and limits.

#include <memory>

#include "venues/common/md_codec.hpp"

namespace xarb::venues {

std::unique_ptr<md_codec> make_aster_codec();

} // namespace xarb::venues
