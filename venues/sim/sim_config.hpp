#pragma once
// Configuration of the embedded simulated market (venues/sim). Plain data:
// nodes/config.cpp fills it from TOML, default_sim_config() is the embedded
// default used by `xarb run` without a config file.

#include <cstdint>
#include <string>
#include <vector>

#include "messages/decimal.hpp"

namespace xarb::sim {

/// One simulated contract, identical across venues in canonical units.
struct symbol_config {
  std::string symbol;          ///< canonical, e.g. "BTC-PERP"
  std::string base;            ///< e.g. "BTC"
  price start_price;           ///< initial fair mid
  double vol_per_sqrt_s = 0;   ///< fair-price volatility per sqrt(second), as a fraction (e.g. 0.0002)
  quantity level_qty;          ///< typical size of one book level (canonical units)
};

/// One simulated venue: its own rules, costs, latency and basis dynamics.
struct venue_config {
  std::string name;                 ///< e.g. "sim-a"
  price tick_scale;                 ///< tick = start_price * tick_scale rounded to a power of ten (see sim_venue)
  ratio maker_fee;                  ///< e.g. 0.0002
  ratio taker_fee;                  ///< e.g. 0.0005
  int32_t latency_ms = 20;          ///< exchange -> us delay applied to every event
  double update_hz = 10;            ///< book updates per second per symbol
  int32_t levels = 25;              ///< levels per side (>= 20)
  double basis_mean_bps = 0;        ///< long-run basis vs the fair price, bps
  double basis_vol_bps = 2;         ///< OU diffusion, bps per sqrt(second)
  double basis_reversion = 0.2;     ///< OU mean-reversion speed, 1/second
  double dislocation_per_hour = 6;  ///< expected dislocations per hour per symbol
  double dislocation_bps = 25;      ///< typical dislocation size, bps
  double half_spread_bps = 1;       ///< half of the quoted bid/ask spread, bps
  int32_t funding_interval_s = 8 * 3600;
  double funding_bias_bps = 0;      ///< mean funding rate per interval, bps
  int32_t lot_decimals = 3;         ///< lot = 10^-lot_decimals (native units)
  ratio min_notional = ratio::from_units(5); ///< minimum order value, quote currency
  ratio multiplier = ratio::from_units(1);   ///< canonical units per native contract
  double gap_probability = 0;       ///< chance that an update skips a sequence number (tests)
};

struct world_config {
  uint64_t seed = 42;
  int32_t step_ms = 100;            ///< fair-price path resolution
  double correlation = 0.7;         ///< correlation of fair-price shocks across symbols
  std::vector<symbol_config> symbols;
  std::vector<venue_config> venues;
};

/// The embedded default: 5 symbols x 3 venues with different fees, ticks,
/// lots, latencies and update rates, and dislocations large enough to trade.
world_config default_world_config();

} // namespace xarb::sim
