#pragma once
// The Binance USD-M futures public protocol, parameterised for its clones.
// Aster (AsterDEX) copies Binance's REST paths under /fapi/v3, its stream
// names, event payloads and gap rule, but has no /public-/market routing of
// WebSocket paths and allows 200 streams per connection: one codec and one
// mock protocol serve both, configured by these options.
//
// Sync (rest_bridge): `<sym>@depth@100ms` events map onto book_delta as
//   first_seq = U (first update id in the event)
//   seq       = u (final update id)
//   prev_seq  = pu (final update id of the previous event)
// so order_book::apply() enforces `pu == previous u`; the REST snapshot's
// lastUpdateId is book_snapshot::seq and the first event after it is passed
// with prev_seq = 0 by feed_sync, leaving order_book's overlap rule
// `U <= lastUpdateId + 1` (Binance: U <= lastUpdateId <= u).

#include <cstddef>
#include <memory>
#include <string>

#include "venues/common/md_codec.hpp"
#include "venues/mock/venue_protocol.hpp"

namespace xarb::venues {

struct binance_style_options {
  venue_info info;
  std::string rest_prefix = "/fapi/v1";        ///< REST path prefix
  std::string book_target = "/public/stream";  ///< WS path for depth + bookTicker
  std::string mark_target = "/market/stream";  ///< WS path for markPrice
  std::string depth_suffix = "@depth@100ms";
  std::string mark_suffix = "@markPrice@1s";
  bool book_ticker = true;                     ///< subscribe <sym>@bookTicker too
  std::size_t params_per_frame = 50;           ///< streams per SUBSCRIBE frame
};

/// Binance USD-M futures (venue "binance").
binance_style_options binance_codec_options();

std::unique_ptr<md_codec> make_binance_style_codec(binance_style_options options);

} // namespace xarb::venues

namespace xarb::mock {

struct binance_style_mock_options {
  std::string venue = "binance";
  /// REST prefixes answered ("/fapi/v1"; Aster serves "/fapi/v3" and the
  /// legacy "/fapi/v1").
  std::vector<std::string> rest_prefixes{"/fapi/v1"};
  /// Binance routes WS paths: /public carries depth and bookTicker, /market
  /// carries markPrice, an unrouted path (/ws, /stream) public data only; a
  /// stream on the wrong path is acknowledged but never delivered (as the
  /// real venue, "fails silently"). Aster has no routing.
  bool routed_paths = true;
  std::string quote = "USDT"; ///< settlement asset of listed perps
  bool aster_shapes = false;  ///< Aster's fundingInfo fields instead of Binance's
};

std::unique_ptr<venue_protocol> make_binance_style_protocol(binance_style_mock_options options);

} // namespace xarb::mock
