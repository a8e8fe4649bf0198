#pragma once
// GRVT public market data (venue-protocols.md section 7): JSON-RPC
// subscriptions on wss://market-data.grvt.io/ws/full, v1.book.d (snapshot,
// then changed levels), v1.ticker.s (mark, index, funding), v1.mini.s (best
// bid/offer); REST POST full/v1/all_instruments and full/v1/book.
//
// Sequencing (in_band). GRVT numbers each (stream, selector) on its own:
// `sequence_number` increments by one per message, `prev_sequence_number`
// is the previous message's number, and the book snapshot that opens a
// v1.book.d subscription carries sequence_number "0". Mapping onto
// book_delta (core/order_book.hpp enforces it):
//   snapshot (sequence_number 0, or any v1.book.s message):
//       book_snapshot.seq = sequence_number (0 for the opening snapshot)
//   delta: seq = sequence_number, prev_seq = prev_sequence_number,
//       first_seq = 0 -> order_book requires prev_seq == last seq;
//   the FIRST delta after an opening snapshot: prev_seq = 0, first_seq = 1
//       -> order_book's overlap rule (first_seq <= 0 + 1) accepts it: the
//       snapshot says "0", not which number it stands at, and the venue
//       sends snapshot and first delta back to back on one ordered stream,
//       so that one hand-over cannot lose an update. Every later delta is
//       checked against its predecessor.
// A gap is healed by resubscribe_book() (unsubscribe + subscribe: a new
// snapshot).
//
// Funding: GRVT publishes funding_rate / funding_rate_8h_curr in PERCENT
// ("0.01" = 0.01 % = 1 bp, cross-checked against the ccxt samples where
// "0.0037" is a plausible 8 h rate only as a percent); the codec divides by
// 100 so mark_update::rate is a fraction per funding interval.

#include <memory>
#include <string_view>

#include "messages/decimal.hpp"
#include "messages/error_code.hpp"
#include "venues/common/md_codec.hpp"

namespace xarb::venues {

std::unique_ptr<md_codec> make_grvt_codec();

/// A GRVT percent text ("0.01", "-0.0037", "1.5e-3") as a fraction
/// (0.0001 ...), one rounding to nearest at 9 decimals.
error_code grvt_percent_to_fraction(std::string_view percent, ratio& out) noexcept;

} // namespace xarb::venues
