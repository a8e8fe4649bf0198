#pragma once
// GRVT REST documents: full/v1/all_instruments (the listing) and
// full/v1/book. Internal to venues/grvt (the codec calls these).

#include <string>
#include <string_view>
#include <vector>

#include "messages/expected.hpp"
#include "messages/instrument.hpp"
#include "messages/market.hpp"
#include "venues/common/md_codec.hpp"

namespace xarb::venues::grvt_rest {

/// {"result":[InstrumentDisplay]} -> the live perpetuals on the order book;
/// fees come from `info` (the listing has none), max_leverage 0 (not public),
/// lot = min_qty = min_size.
expected<std::vector<instrument_spec>> parse_listing(std::string_view body,
                                                     const venue_info& info,
                                                     std::vector<std::string>* skipped);

/// {"result":{"event_time","instrument","bids","asks"}} -> a snapshot with
/// seq 0 (the REST book carries no sequence number).
expected<book_snapshot> parse_book(std::string_view native, std::string_view body,
                                   const venue_info& info);

} // namespace xarb::venues::grvt_rest
