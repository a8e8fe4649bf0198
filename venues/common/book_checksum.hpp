#pragma once
// The CRC32 book checksum of OKX and Bitget: up to `depth` (25) levels per
// side, interleaved best first as "bidPx:bidSz:askPx:askSz:..." (when one
// side is shorter the other continues alone), CRC-32 (zlib polynomial) of
// that text as a signed 32-bit integer.
//
// Prices and sizes are written in their shortest exact decimal form
// ("8476.98", "415", "0.1"). Venues compute it over the strings they sent;
// a venue that pads trailing zeros would disagree, which the session notices
// (a mismatch right after a fresh snapshot) and reports instead of resyncing
// forever (docs/VENUES.md).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "messages/market.hpp"

namespace xarb::venues {

/// The checksum text for the given levels (best first); `out` is reused.
void checksum_text(std::span<const book_level> bids, std::span<const book_level> asks,
                   std::size_t depth, std::string& out);

/// Signed CRC-32 of checksum_text().
int32_t book_checksum(std::span<const book_level> bids, std::span<const book_level> asks,
                      std::size_t depth = 25);

} // namespace xarb::venues
