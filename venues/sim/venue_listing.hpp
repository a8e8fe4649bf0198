#pragma once
// Which world symbols a simulated venue lists. Real venues list different
// subsets of the market; a scanner must cope with symbols on only some
// venues.
//
//   - a configured symbol (world_config::symbols) is listed unless named in
//     venue_config::unlisted;
//   - a generated symbol (world_generator.hpp) is listed unless unlisted and
//     if a uniform draw u in [0, 1) from mix_seed(seed ^ fnv1a(venue name),
//     fnv1a("listing"), fnv1a(symbol)) is below venue_config::listing_ratio
//     (1 = every one, 0 = none). The draw depends on nothing else, so adding
//     venues, reordering them or generating more symbols changes no listing.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "venues/sim/sim_config.hpp"

namespace xarb::sim {

/// The listing draw of (venue, symbol) in [0, 1): listed (if generated) when
/// below listing_ratio.
double listing_draw(uint64_t world_seed, const venue_config& venue, const std::string& symbol);

/// World indices (positions in `symbols`, which is world_symbols(w)) that
/// `venue` lists, ascending. Symbols at index >= w.symbols.size() are the
/// generated ones.
std::vector<std::size_t> listed_indices(const world_config& w, const venue_config& venue,
                                        const std::vector<symbol_config>& symbols);

/// Same, computing world_symbols(w).
std::vector<std::size_t> listed_indices(const world_config& w, const venue_config& venue);

} // namespace xarb::sim
