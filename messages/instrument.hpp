#pragma once
// Instruments: identity and trading rules of a contract on one venue.

#include <cstdint>
#include <string>

#include "messages/decimal.hpp"

namespace xarb {

/// A contract on a venue. `symbol` is canonical ("BTC-PERP").
struct instrument_id {
  std::string venue;
  std::string symbol;
  friend bool operator==(const instrument_id&, const instrument_id&) = default;
  friend auto operator<=>(const instrument_id&, const instrument_id&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, instrument_id& x) {
  return f(x.venue, x.symbol);
}

inline std::string to_string(const instrument_id& x) {
  return x.venue + ":" + x.symbol;
}

/// The trading rules of one venue's contract, in the venue's *native* units.
///
/// `multiplier` is how many canonical units one native contract represents:
/// 1 for BTCUSDT, 1 for 1000PEPEUSDT and kPEPE when the canonical PEPE unit is
/// 1000 PEPE, 0.01 for a 0.01-BTC OKX contract. Canonical size = native size x
/// multiplier; canonical price = native price / multiplier.
struct instrument_spec {
  std::string venue;
  std::string native_symbol;  ///< as the venue spells it: "1000PEPEUSDT"
  std::string symbol;         ///< canonical: "PEPE-PERP"
  std::string base;           ///< canonical base asset: "PEPE"
  std::string quote;          ///< settlement asset: "USDT"
  ratio multiplier = ratio::from_units(1);
  price tick;                 ///< native price increment
  quantity lot;               ///< native size increment
  quantity min_qty;           ///< native minimum size
  money min_notional;         ///< minimum price x size, quote currency
  ratio maker_fee;            ///< e.g. 0.0002 (2 bps); negative = rebate
  ratio taker_fee;
  int32_t max_leverage = 1;
  int32_t funding_interval_s = 8 * 3600;
  friend bool operator==(const instrument_spec&, const instrument_spec&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, instrument_spec& x) {
  return f(x.venue, x.native_symbol, x.symbol, x.base, x.quote, x.multiplier,
           x.tick, x.lot, x.min_qty, x.min_notional, x.maker_fee, x.taker_fee,
           x.max_leverage, x.funding_interval_s);
}

} // namespace xarb
