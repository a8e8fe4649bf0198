#pragma once
// Backpack Exchange perpetuals public market data (venue "backpack").
//
// Sync (rest_bridge): the `depth.<symbol>` stream carries deltas only; a REST
// snapshot (GET /api/v1/depth, lastUpdateId) is bridged by update id.
// Depth events map onto book_delta as
//   first_seq = U      (first update id in the event)
//   seq       = u      (last update id)
//   prev_seq  = U - 1  (the venue's rule "U == previous u + 1")
// so order_book::apply() requires each event to start right after the last
// applied one; the first event after a REST snapshot at L is passed by
// feed_sync with prev_seq = 0, leaving the overlap rule U <= L + 1 < u + 1.

#include <memory>

#include "venues/common/md_codec.hpp"

namespace xarb::venues {

std::unique_ptr<md_codec> make_backpack_codec();

} // namespace xarb::venues
