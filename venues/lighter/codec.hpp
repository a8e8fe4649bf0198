#pragma once
// Lighter (zkLighter) public market data (venue-protocols.md section 8).
//
// Sync (in_band): `order_book/{market_id}` opens with a full book
// (`subscribed/order_book`), then `update/order_book` messages carry changed
// levels (size 0 = removed). Each carries the matching engine's `nonce` and
// `begin_nonce`; an update continues the book iff its begin_nonce equals the
// nonce of the previous message. Mapping onto book_delta: seq = nonce,
// prev_seq = begin_nonce, first_seq = 0, so core/order_book's prev_seq rule
// is exactly Lighter's rule; the snapshot's seq = its nonce. (`offset` is an
// API-server counter that jumps on reconnects: not used.)
// Funding/mark: `market_stats/{market_id}`, rates published in PERCENT per
// hour (converted to a fraction here), hourly funding on the hour.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "venues/common/md_codec.hpp"

namespace xarb::venues {

std::unique_ptr<md_codec> make_lighter_codec();

/// The market id of `native` once `codec` (a Lighter codec) parsed the listing.
std::optional<uint32_t> lighter_market_id(const md_codec& codec, std::string_view native);

} // namespace xarb::venues
