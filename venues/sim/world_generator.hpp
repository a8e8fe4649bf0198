#pragma once
// Synthetic symbols for large simulated worlds (world_config::generate_symbols):
// a pure function of the world seed, appended after the configured symbols.
// The world's symbol list - what the fair path, every venue and the node
// index by "world index" - is world_symbols(): configured, then generated.
//
// Scheme of generated symbol k (0-based), each drawn from its own stream
// mix_seed(seed, "generated-symbol", k), so the first N symbols do not depend
// on how many are generated:
//   - base "G" + (k + 1) zero-padded to 5 digits ("G00001" .. "G05000"),
//     symbol base + "-PERP". Five digits keep the leading digit 0, so no
//     name ends in a power of ten that parse_native_symbol would read as a
//     unit suffix (like SHIB1000: "G1000" would be 1000 G). Parses in every
//     style: "G00001USDT", "G00001-USDT-SWAP", "G00001_USDT_PERP", "G00001";
//   - start price log-uniform over [0.001, 50000], rounded to 3 significant
//     digits (at most 5 decimals: exact, and on any tick of 1e-3 x price or
//     finer);
//   - vol_per_sqrt_s log-uniform over [7e-5, 3.6e-4] (about 40%-200% a year);
//   - level_qty: one level is $20k-$100k of notional (log-uniform), rounded
//     to 2 significant digits;
//   - lot_decimals_adjust in [-3, 1]: with a venue's lot_decimals = 3 the lot
//     is worth $1-$10 for prices >= 10 and is a whole unit below that
//     (0.0001 at 65000, 0.01 at 150, 1 at 0.15).

#include <cstdint>
#include <string>
#include <vector>

#include "venues/sim/sim_config.hpp"

namespace xarb::sim {

/// Upper bound of world_config::generate_symbols.
inline constexpr int32_t max_generated_symbols = 5000;

/// Base of generated symbol `k` (0-based): "G00001" for k = 0.
std::string generated_base(int32_t k);

/// The world's generated symbols (empty when generate_symbols <= 0; at most
/// max_generated_symbols of them).
std::vector<symbol_config> generated_symbols(const world_config& w);

/// Every symbol of the world in world-index order: w.symbols, then
/// generated_symbols(w).
std::vector<symbol_config> world_symbols(const world_config& w);

} // namespace xarb::sim
