#pragma once
// Hyperliquid public market data (venue-protocols.md section 5).
//
// Sync: every `l2Book` push is a full book (snapshots mode). Hyperliquid
// has no book sequence numbers; the codec uses the message's `time` (ms) as
// book_snapshot::seq so a consumer can still drop an older book that
// arrives late. BBO (`bbo`) and funding/mark (`activeAssetCtx`, hourly
// rate) come on the same connection.

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "messages/decimal.hpp"
#include "venues/common/md_codec.hpp"

namespace xarb::venues {

std::unique_ptr<md_codec> make_hyperliquid_codec();

/// The asset index of `coin` (its position in meta.universe, used in
/// orders) once `codec` (a Hyperliquid codec) parsed the listing.
std::optional<uint32_t> hyperliquid_asset_index(const md_codec& codec, std::string_view coin);

/// The finest price step of a perp with `sz_decimals`: prices may have at
/// most 6 - szDecimals decimals (and at most 5 significant figures, a
/// price-dependent rule this constant step does not express).
price hyperliquid_tick(int sz_decimals) noexcept;

} // namespace xarb::venues
