#pragma once
// Configuration of the embedded simulated market (venues/sim). Plain data:
// nodes/config.cpp fills it from TOML, default_world_config() is the embedded
// default used by `xarb run` without a config file.
//
// Units: symbol_config is canonical (price per canonical unit, sizes in
// canonical units). Venue rules (tick, lot) are native; a contract multiplier
// maps them: canonical size = native size x multiplier, canonical price =
// native price / multiplier (messages/instrument.hpp).

#include <cstdint>
#include <string>
#include <vector>

#include "messages/decimal.hpp"
#include "messages/market.hpp"

namespace xarb::sim {

/// One simulated contract, identical across venues in canonical units.
struct symbol_config {
  std::string symbol;          ///< canonical, e.g. "BTC-PERP"
  std::string base;            ///< e.g. "BTC"
  price start_price;           ///< initial fair mid
  double vol_per_sqrt_s = 0;   ///< fair-price volatility per sqrt(second), as a fraction (e.g. 0.0002)
  quantity level_qty;          ///< typical size of one book level (canonical units)
  /// Added to every venue's lot_decimals for this symbol: -3 gives DOGE a lot
  /// of 1 where BTC has 0.001 (lot = 10^-(venue.lot_decimals + this)).
  int32_t lot_decimals_adjust = 0;
};

/// A per-symbol exception to a venue's naming and contract size, e.g. PEPE as
/// "1000PEPEUSDT" (multiplier 1 when the canonical unit is 1000 PEPE) or as a
/// 1-PEPE contract (multiplier 0.001).
struct contract_override {
  std::string symbol;          ///< canonical symbol it applies to
  std::string native_symbol;   ///< empty = use venue_config::native_format
  ratio multiplier = ratio::from_units(1); ///< canonical units per native contract
};

/// One simulated venue: its own rules, costs, latency and basis dynamics.
struct venue_config {
  std::string name;                 ///< e.g. "sim-a"
  /// Native tick = native start price x tick_scale, rounded *down* to a power
  /// of ten (at least 1e-9): 65000 x 1e-5 = 0.65 -> 0.1.
  price tick_scale;
  ratio maker_fee;                  ///< e.g. 0.0002; negative = rebate
  ratio taker_fee;                  ///< e.g. 0.0005
  int32_t latency_ms = 20;          ///< exchange -> us delay applied to every market-data event
  double update_hz = 10;            ///< book updates per second per symbol
  int32_t levels = 25;              ///< levels per side (>= 20)
  double basis_mean_bps = 0;        ///< long-run basis vs the fair price, bps
  double basis_vol_bps = 2;         ///< OU diffusion, bps per sqrt(second)
  double basis_reversion = 0.2;     ///< OU mean-reversion speed, 1/second
  double dislocation_per_hour = 6;  ///< expected dislocations per hour per symbol
  double dislocation_bps = 25;      ///< typical dislocation size, bps (drawn in [0.5, 1.5] x this)
  double dislocation_reversion = 0.05; ///< decay speed of a dislocation, 1/second
  double half_spread_bps = 1;       ///< half of the quoted bid/ask spread, bps
  double level_step_bps = 1;        ///< distance between book levels, bps (>= 1 tick)
  int32_t funding_interval_s = 8 * 3600;
  double funding_bias_bps = 0;      ///< mean funding rate per interval, bps
  double funding_basis_weight = 0.25; ///< funding rate moves by this x basis (bps per bps)
  int32_t funding_update_s = 60;    ///< how often the predicted funding rate is recomputed
  int32_t lot_decimals = 3;         ///< lot = 10^-lot_decimals (native units), see symbol_config
  ratio min_notional = ratio::from_units(5); ///< minimum order value, quote currency
  ratio multiplier = ratio::from_units(1);   ///< canonical units per native contract
  double gap_probability = 0;       ///< chance that an update is lost on the wire (tests)
  /// Chance that a published delta is silently corrupted: one level's size
  /// is wrong while the sequence stays consistent, so only a comparison with
  /// the REST snapshot can see it (fault injection; 0 = off).
  double corrupt_probability = 0;
  /// Request rate limit, like a real exchange's: submits and cancels
  /// together, this many per second (0 = off) with a bucket of
  /// rate_limit_burst (0 = same as per second). Over it: "HTTP 429".
  int32_t rate_limit_orders_per_s = 0;
  int32_t rate_limit_burst = 0;
  /// This many 429 answers within 60 s ban the client for ban_s seconds
  /// (every request answered "HTTP 418"); 0 = never ban.
  int32_t ban_after_429 = 0;
  int32_t ban_s = 60;
  std::string native_format = "{base}USDT"; ///< native symbol; "{base}" is replaced
  std::string quote = "USDT";       ///< settlement asset
  /// Published maximum leverage; 0 = the venue does not publish one
  /// (instrument_spec::max_leverage = 0: consumers use their own fallback).
  int32_t max_leverage = 20;
  std::vector<contract_override> contracts; ///< per-symbol naming/multiplier exceptions
  /// Canonical symbols (configured or generated) this venue does not list.
  std::vector<std::string> unlisted;
  /// Fraction of the GENERATED symbols (world_config::generate_symbols) this
  /// venue lists, chosen per symbol from seed + venue name + symbol (see
  /// venue_listing.hpp); configured symbols are listed unless `unlisted`.
  double listing_ratio = 1.0;
};

struct world_config {
  uint64_t seed = 42;
  int32_t step_ms = 100;            ///< fair-price path resolution
  double correlation = 0.7;         ///< correlation of fair-price shocks across symbols
  /// Time of step 0 of the simulated world. 0 = the first call into a venue
  /// (advance/submit/cancel). Set it when several venue objects (in several
  /// actors) must show the same fair path at the same wall-clock time.
  timestamp_ns start_ts = 0;
  std::vector<symbol_config> symbols;
  std::vector<venue_config> venues;
  /// Synthetic symbols appended after `symbols` (world_generator.hpp):
  /// "G00001-PERP", ... The world's symbol list is world_symbols(*this).
  int32_t generate_symbols = 0;
};

/// The embedded default: 5 symbols x 3 venues with different fees, ticks,
/// lots, latencies and update rates, and dislocations large enough to trade.
world_config default_world_config();

} // namespace xarb::sim
