#pragma once
// Building blocks for the core/scanner tests: instrument specs, tops, rates.

#include <string>
#include <string_view>

#include "core/scanner/market_scanner.hpp"
#include "messages/instrument.hpp"
#include "messages/market.hpp"

namespace xarb::scanner::test {

inline constexpr timestamp_ns t0 = 1'700'000'000'000'000'000;

template <class T>
T dec(std::string_view s) {
  return T::from_string(s).value();
}

/// A spec as a venue session sends it (canonical symbol = BASE-PERP).
inline instrument_spec spec(std::string venue, std::string native, std::string base,
                            std::string_view multiplier = "1", int32_t leverage = 20,
                            int32_t interval_s = 8 * 3600, std::string_view taker = "0.0005") {
  instrument_spec s;
  s.venue = std::move(venue);
  s.native_symbol = std::move(native);
  s.base = base;
  s.symbol = base + "-PERP";
  s.quote = "USDT";
  s.multiplier = dec<ratio>(multiplier);
  s.tick = dec<price>("0.01");
  s.lot = dec<quantity>("0.001");
  s.min_qty = s.lot;
  s.taker_fee = dec<ratio>(taker);
  s.max_leverage = leverage;
  s.funding_interval_s = interval_s;
  return s;
}

inline top_of_book top(std::string venue, std::string symbol, std::string_view bid,
                       std::string_view ask, timestamp_ns recv) {
  top_of_book t;
  t.venue = std::move(venue);
  t.symbol = std::move(symbol);
  t.bid = {dec<price>(bid), dec<quantity>("1")};
  t.ask = {dec<price>(ask), dec<quantity>("1")};
  t.exchange_ts = recv;
  t.recv_ts = recv;
  return t;
}

inline funding_rate rate(std::string venue, std::string symbol, std::string_view r,
                         int32_t interval_s) {
  return funding_rate{std::move(venue), std::move(symbol), dec<ratio>(r), interval_s, t0, t0};
}

inline scanner_params params_with_fallback() {
  scanner_params p;
  p.fallback_leverage["vb"] = 3;
  p.default_fallback_leverage = 2;
  return p;
}

/// BTC on "va" (taker 5 bp) and "vb" (taker 4 bp), both ready. Venues named
/// "va"/"vb" have no known symbol style: symbols are recognised by spelling.
inline void two_venues(market_scanner& sc, int32_t lev_a, int32_t lev_b,
                       int32_t interval_a = 8 * 3600, int32_t interval_b = 8 * 3600) {
  sc.set_instruments("va", {spec("va", "BTCUSDT", "BTC", "1", lev_a, interval_a, "0.0005")});
  sc.set_instruments("vb", {spec("vb", "BTCUSDT", "BTC", "1", lev_b, interval_b, "0.0004")});
  sc.set_venue_state("va", health_state::ready, t0);
  sc.set_venue_state("vb", health_state::ready, t0);
}

/// BTC, ETH, SOL on va and vb, leverage: BTC 2, ETH 50, SOL 10 (both venues).
inline void three_symbols(market_scanner& sc) {
  for (auto* v : {"va", "vb"}) {
    sc.set_instruments(v, {spec(v, "BTCUSDT", "BTC", "1", 2), spec(v, "ETHUSDT", "ETH", "1", 50),
                           spec(v, "SOLUSDT", "SOL", "1", 10)});
    sc.set_venue_state(v, health_state::ready, t0);
  }
}

/// BTC on va, vb and vc, all ready.
inline void three_venues(market_scanner& sc) {
  for (auto* v : {"va", "vb", "vc"}) {
    sc.set_instruments(v, {spec(v, "BTCUSDT", "BTC")});
    sc.set_venue_state(v, health_state::ready, t0);
  }
}

} // namespace xarb::scanner::test
