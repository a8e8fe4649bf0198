#pragma once
// What one venue believes the market is: the shared fair path times
// (1 + basis) per symbol. Pure statistics (doubles); the book builder turns
// these mids into exact on-tick prices.
//
// Indices are the venue's listed indices (0 .. listed - 1); world_index(i)
// maps one to the world index of the fair path. A basis stream is seeded by
// the world index, so a listed symbol has the same basis path whatever else
// the venue lists.

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "venues/sim/basis_process.hpp"
#include "venues/sim/fair_path.hpp"
#include "venues/sim/prng.hpp"
#include "venues/sim/sim_config.hpp"
#include "venues/sim/venue_listing.hpp"

namespace xarb::sim {

class market_model {
public:
  /// The symbols `venue` lists (venue_listing.hpp).
  market_model(const world_config& world, const venue_config& venue)
    : market_model(world, venue, listed_indices(world, venue)) {}

  /// Exactly the world symbols `listed` (ascending world indices).
  market_model(const world_config& world, const venue_config& venue,
               std::vector<std::size_t> listed)
    : fair_(world), world_index_(std::move(listed)) {
    const double dt = static_cast<double>(world.step_ms) / 1000.0;
    // Seeded from seed ^ hash(venue name): venues differ, runs repeat.
    const uint64_t venue_seed = world.seed ^ fnv1a(venue.name);
    basis_.reserve(world_index_.size());
    for (std::size_t w : world_index_)
      basis_.emplace_back(venue, dt, mix_seed(venue_seed, fnv1a("basis"), w));
  }

  int64_t step() const noexcept { return fair_.step(); }

  /// Moves fair path and every basis to grid step `target`.
  void advance_to(int64_t target) {
    while (fair_.step() < target) {
      fair_.advance_to(fair_.step() + 1);
      for (auto& b : basis_)
        b.step();
    }
  }

  std::size_t size() const noexcept { return basis_.size(); }
  std::size_t world_index(std::size_t i) const { return world_index_.at(i); }
  double fair(std::size_t i) const { return fair_.price(world_index_.at(i)); }
  double basis_bps(std::size_t i) const { return basis_.at(i).bps(); }
  double mid(std::size_t i) const { return fair(i) * (1.0 + basis_bps(i) / 1e4); }
  const basis_process& basis(std::size_t i) const { return basis_.at(i); }
  basis_process& basis(std::size_t i) { return basis_.at(i); }

private:
  fair_path fair_;
  std::vector<std::size_t> world_index_; // listed index -> world index
  std::vector<basis_process> basis_;
};

} // namespace xarb::sim
