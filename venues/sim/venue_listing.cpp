#include "venues/sim/venue_listing.hpp"

#include <set>
#include <string_view>

#include "venues/sim/prng.hpp"
#include "venues/sim/world_generator.hpp"

namespace xarb::sim {

double listing_draw(uint64_t world_seed, const venue_config& venue, const std::string& symbol) {
  rng r(mix_seed(world_seed ^ fnv1a(venue.name), fnv1a("listing"), fnv1a(symbol)));
  return r.uniform();
}

std::vector<std::size_t> listed_indices(const world_config& w, const venue_config& venue,
                                        const std::vector<symbol_config>& symbols) {
  const std::set<std::string_view> unlisted(venue.unlisted.begin(), venue.unlisted.end());
  std::vector<std::size_t> out;
  out.reserve(symbols.size());
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    const auto& s = symbols[i].symbol;
    if (unlisted.count(s) != 0)
      continue;
    if (i >= w.symbols.size() && !(listing_draw(w.seed, venue, s) < venue.listing_ratio))
      continue;
    out.push_back(i);
  }
  return out;
}

std::vector<std::size_t> listed_indices(const world_config& w, const venue_config& venue) {
  return listed_indices(w, venue, world_symbols(w));
}

} // namespace xarb::sim
