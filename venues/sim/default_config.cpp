// The embedded default world: 5 perps on 3 venues that look like three
// different exchange families (Binance-like, OKX-like with a maker rebate and
// a 1-PEPE contract, Hyperliquid-like with hourly funding).
#include <stdexcept>
#include <string_view>

#include "venues/sim/sim_config.hpp"

namespace xarb::sim {

namespace {

template <class T>
T dec(std::string_view text) {
  auto v = T::from_string(text);
  if (!v)
    throw std::logic_error("default_world_config: " + v.error().message);
  return *v;
}

symbol_config symbol(std::string sym, std::string base, std::string_view px, double vol,
                     std::string_view level_qty, int32_t lot_adjust) {
  symbol_config s;
  s.symbol = std::move(sym);
  s.base = std::move(base);
  s.start_price = dec<price>(px);
  s.vol_per_sqrt_s = vol;
  s.level_qty = dec<quantity>(level_qty);
  s.lot_decimals_adjust = lot_adjust;
  return s;
}

} // namespace

world_config default_world_config() {
  world_config w;
  w.seed = 42;
  w.step_ms = 100;
  w.correlation = 0.7;
  // vol ~ annual 55-160%: per sqrt(second) = annual / sqrt(31.5e6).
  // The canonical PEPE unit is 1000 PEPE, so its price is per 1000 PEPE.
  w.symbols = {
    symbol("BTC-PERP", "BTC", "65000", 1.0e-4, "0.8", 0),
    symbol("ETH-PERP", "ETH", "3500", 1.3e-4, "12", 0),
    symbol("SOL-PERP", "SOL", "150", 1.8e-4, "250", -2),
    symbol("DOGE-PERP", "DOGE", "0.15", 2.2e-4, "150000", -3),
    symbol("PEPE-PERP", "PEPE", "0.012", 2.8e-4, "1500000", -3),
  };

  venue_config a;             // Binance-like: fast, fine ticks, 8h funding
  a.name = "sim-a";
  a.tick_scale = dec<price>("0.00001");
  a.maker_fee = dec<ratio>("0.0002");
  a.taker_fee = dec<ratio>("0.0005");
  a.latency_ms = 5;
  a.update_hz = 20;
  a.levels = 25;
  a.basis_mean_bps = 0;
  a.funding_interval_s = 8 * 3600;
  a.funding_bias_bps = 1.0;
  a.lot_decimals = 3;
  a.min_notional = ratio::from_units(5);
  a.native_format = "{base}USDT";
  a.contracts = {{"PEPE-PERP", "1000PEPEUSDT", ratio::from_units(1)}};

  venue_config b;             // OKX-like: maker rebate, PEPE as a 1-PEPE contract
  b.name = "sim-b";
  b.tick_scale = dec<price>("0.000001");
  b.maker_fee = dec<ratio>("-0.00005");
  b.taker_fee = dec<ratio>("0.0004");
  b.latency_ms = 20;
  b.update_hz = 10;
  b.levels = 30;
  b.basis_mean_bps = 1;
  b.funding_interval_s = 8 * 3600;
  b.funding_bias_bps = 0.5;
  b.lot_decimals = 2;
  b.min_notional = ratio::from_units(1);
  b.native_format = "{base}-USDT-SWAP";
  // One native contract = 1 PEPE = 0.001 canonical units (1000 PEPE).
  b.contracts = {{"PEPE-PERP", "PEPE-USDT-SWAP", dec<ratio>("0.001")}};

  venue_config c;             // Hyperliquid-like: coarse ticks, slow feed, 1h funding
  c.name = "sim-c";
  c.tick_scale = dec<price>("0.0001");
  c.maker_fee = dec<ratio>("0.00015");
  c.taker_fee = dec<ratio>("0.00045");
  c.latency_ms = 60;
  c.update_hz = 5;
  c.levels = 20;
  c.basis_mean_bps = -1;
  c.funding_interval_s = 3600;
  c.funding_bias_bps = 0.125;
  c.lot_decimals = 4;
  c.min_notional = ratio::from_units(10);
  c.native_format = "{base}";
  c.quote = "USDC";
  c.contracts = {{"PEPE-PERP", "kPEPE", ratio::from_units(1)}};

  // Basis noise alone (~2.4 bp stationary) rarely pays two taker fees; the
  // dislocations (6/h per symbol and venue, 15-45 bp, half-life ~7 s) do:
  // some pair of venues is tradeable on a symbol about 5-10% of the time.
  for (auto* v : {&a, &b, &c}) {
    v->basis_vol_bps = 1.5;
    v->basis_reversion = 0.2;
    v->dislocation_per_hour = 6;
    v->dislocation_bps = 30;
    v->dislocation_reversion = 0.1;
    v->half_spread_bps = 0.5;
    v->level_step_bps = 1;
  }
  w.venues = {a, b, c};
  return w;
}

} // namespace xarb::sim
