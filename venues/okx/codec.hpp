#pragma once
// OKX (v5, SWAP, USDT-margined linear perpetuals) public market-data codec.
//
// Streams (wss://ws.okx.com:8443/ws/v5/public): `books` (400 levels,
// snapshot then updates, prevSeqId/seqId, CRC32 checksum), `bbo-tbt` (best
// bid/offer), `funding-rate`, `mark-price`. REST (https://www.okx.com):
// /api/v5/public/instruments?instType=SWAP, /api/v5/market/books.
//
// Sizes: OKX sizes swaps in contracts; the codec multiplies every size by
// the contract value `ctVal` learned from the listing, so everything it
// emits is in coins (md_codec.hpp). Books and BBO of an instrument whose
// ctVal is unknown are reported `ignored`.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "messages/decimal.hpp"
#include "messages/market.hpp"
#include "venues/common/md_codec.hpp"

namespace xarb::venues {

/// The OKX codec with its venue-specific helpers (tests, tools); obtain it
/// with make_okx_codec() and dynamic_cast.
class okx_codec : public md_codec {
public:
  /// Teaches the contract value (coins per contract) of `inst_id` without a
  /// listing (1 for a spot instrument, whose sizes are already coins).
  virtual void learn_contract(std::string_view inst_id, ratio ct_val) = 0;

  /// The learned contract value of `inst_id`.
  virtual std::optional<ratio> contract_value(std::string_view inst_id) const = 0;

  /// OKX's CRC32 of a book given in coins (best first): sizes converted
  /// back to contracts, then book_checksum() over 25 levels. nullopt when
  /// ctVal is unknown or a size does not convert exactly.
  virtual std::optional<int32_t> checksum_of(std::string_view inst_id,
                                             std::span<const book_level> bids,
                                             std::span<const book_level> asks) const = 0;
};

std::unique_ptr<md_codec> make_okx_codec();

} // namespace xarb::venues
