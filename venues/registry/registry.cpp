#include "venues/registry/registry.hpp"

#include <string>

#include "venues/aster/codec.hpp"
#include "venues/aster/mock_protocol.hpp"
#include "venues/backpack/codec.hpp"
#include "venues/backpack/mock_protocol.hpp"
#include "venues/binance/codec.hpp"
#include "venues/binance/mock_protocol.hpp"
#include "venues/bitget/codec.hpp"
#include "venues/bitget/mock_protocol.hpp"
#include "venues/bybit/codec.hpp"
#include "venues/bybit/mock_protocol.hpp"
#include "venues/edgex/codec.hpp"
#include "venues/edgex/mock_protocol.hpp"
#include "venues/grvt/codec.hpp"
#include "venues/grvt/mock_protocol.hpp"
#include "venues/hyperliquid/codec.hpp"
#include "venues/hyperliquid/mock_protocol.hpp"
#include "venues/lighter/codec.hpp"
#include "venues/lighter/mock_protocol.hpp"
#include "venues/okx/codec.hpp"
#include "venues/okx/mock_protocol.hpp"
#include "venues/paradex/codec.hpp"
#include "venues/paradex/mock_protocol.hpp"

namespace xarb::venues {

namespace {

error_info unknown(std::string_view venue) {
  std::string names;
  for (auto n : codec_names())
    names += (names.empty() ? "" : ", ") + std::string{n};
  return {error_code::unknown_venue,
          "no adapter for venue \"" + std::string{venue} + "\" (one of " + names + ")"};
}

} // namespace

expected<std::unique_ptr<md_codec>> make_codec(std::string_view venue) {
  if (venue == "aster")
    return make_aster_codec();
  if (venue == "backpack")
    return make_backpack_codec();
  if (venue == "binance")
    return make_binance_codec();
  if (venue == "bitget")
    return make_bitget_codec();
  if (venue == "bybit")
    return make_bybit_codec();
  if (venue == "edgex")
    return make_edgex_codec();
  if (venue == "grvt")
    return make_grvt_codec();
  if (venue == "hyperliquid")
    return make_hyperliquid_codec();
  if (venue == "lighter")
    return make_lighter_codec();
  if (venue == "okx")
    return make_okx_codec();
  if (venue == "paradex")
    return make_paradex_codec();
  return unknown(venue);
}

expected<std::unique_ptr<mock::venue_protocol>> make_protocol(std::string_view venue) {
  if (venue == "aster")
    return mock::make_aster_protocol();
  if (venue == "backpack")
    return mock::make_backpack_protocol();
  if (venue == "binance")
    return mock::make_binance_protocol();
  if (venue == "bitget")
    return mock::make_bitget_protocol();
  if (venue == "bybit")
    return mock::make_bybit_protocol();
  if (venue == "edgex")
    return mock::make_edgex_protocol();
  if (venue == "grvt")
    return mock::make_grvt_protocol();
  if (venue == "hyperliquid")
    return mock::make_hyperliquid_protocol();
  if (venue == "lighter")
    return mock::make_lighter_protocol();
  if (venue == "okx")
    return mock::make_okx_protocol();
  if (venue == "paradex")
    return mock::make_paradex_protocol();
  return unknown(venue);
}

} // namespace xarb::venues
