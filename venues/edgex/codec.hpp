#pragma once
// EdgeX (V2) public market data (venue-protocols.md section 9): public WS
// wss://edgex-quote-prod-v2.edgex.exchange/api/v1/public/ws with
// {"type":"subscribe","channel":...}; channels depth.{contractId}.15
// (a Snapshot, then Changed updates), ticker.{contractId} (mark/oracle,
// index, funding) and fundingRate.{contractId}; the server pings
// {"type":"ping","time":"<ms>"} and wants {"type":"pong","time":<same>}.
// REST GET /api/v2/public/meta/getMetaData (contractList + coinList) and
// /api/v2/public/quote/getDepth.
//
// Native symbol = contractName ("BTCUSD"); frames name contracts by numeric
// contractId, learned from getMetaData (an unknown id decodes as ignored).
//
// Sequencing (in_band). Each depth message carries startVersion and
// endVersion. The exact continuity rule is UNVERIFIED (third-party code
// disagrees whether next.startVersion == prev.endVersion or prev.endVersion
// + 1), so the codec uses the safe rule of venue-protocols.md 9.1: accept an
// update if startVersion <= prev.endVersion + 1 and endVersion >
// prev.endVersion. Mapping onto book_delta / core/order_book.hpp:
//   snapshot: book_snapshot.seq = endVersion
//   delta:    first_seq = startVersion, seq = endVersion, prev_seq = 0
// order_book then ignores endVersion <= last (duplicate/old), and reports a
// sequence_gap unless startVersion <= last + 1 (overlaps are harmless:
// levels carry absolute sizes). A gap is healed by resubscribe_book().
//
// Funding rates are fractions per interval (fundingRate "0.00005");
// intervals come from fundingRateIntervalMin (listing or fundingRate
// channel) or nextFundingTime - fundingTime (ticker).

#include <memory>

#include "venues/common/md_codec.hpp"

namespace xarb::venues {

std::unique_ptr<md_codec> make_edgex_codec();

} // namespace xarb::venues
