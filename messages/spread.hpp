#pragma once
// The live cross-venue spread of one pair, as computed by a pair_trader.

#include <cstdint>
#include <string>

#include "messages/decimal.hpp"
#include "messages/market.hpp"

namespace xarb {

/// Spreads in both directions from executable (depth-aware, VWAP for the
/// configured order size) prices, in canonical units:
///   spread_ab = (bid_a - ask_b) / mid : sell on A, buy on B
///   spread_ba = (bid_b - ask_a) / mid : sell on B, buy on A
/// as exact ratios (0.001 = 10 bps), plus their rolling statistics (doubles
/// are allowed for statistics only).
struct spread_update {
  std::string pair_id;  ///< "BTC-PERP:sim-a/sim-b"
  std::string symbol;
  std::string venue_a;
  std::string venue_b;
  price bid_a;          ///< VWAP to sell `size` on A
  price ask_a;          ///< VWAP to buy `size` on A
  price bid_b;
  price ask_b;
  quantity size;
  ratio spread_ab;
  ratio spread_ba;
  double mean_ab = 0;
  double std_ab = 0;
  double z_ab = 0;
  double mean_ba = 0;
  double std_ba = 0;
  double z_ba = 0;
  uint64_t samples = 0;
  bool valid = false;    ///< both books synced and deep enough for `size`
  timestamp_ns ts = 0;
  /// The signal's input: each direction's spread after round-trip fees and
  /// slippage, in bps. mean_* / std_* / z_* describe this series, so the
  /// console draws mean ± k·σ bands around it.
  double net_ab_bps = 0;
  double net_ba_bps = 0;
  friend bool operator==(const spread_update&, const spread_update&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, spread_update& x) {
  return f(x.pair_id, x.symbol, x.venue_a, x.venue_b, x.bid_a, x.ask_a, x.bid_b,
           x.ask_b, x.size, x.spread_ab, x.spread_ba, x.mean_ab, x.std_ab,
           x.z_ab, x.mean_ba, x.std_ba, x.z_ba, x.samples, x.valid, x.ts,
           x.net_ab_bps, x.net_ba_bps);
}

} // namespace xarb
