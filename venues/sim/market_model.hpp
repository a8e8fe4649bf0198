#pragma once
// What one venue believes the market is: the shared fair path times
// (1 + basis) per symbol. Pure statistics (doubles); the book builder turns
// these mids into exact on-tick prices.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "venues/sim/basis_process.hpp"
#include "venues/sim/fair_path.hpp"
#include "venues/sim/prng.hpp"
#include "venues/sim/sim_config.hpp"

namespace xarb::sim {

class market_model {
public:
  market_model(const world_config& world, const venue_config& venue)
    : fair_(world) {
    const double dt = static_cast<double>(world.step_ms) / 1000.0;
    // Seeded from seed ^ hash(venue name): venues differ, runs repeat.
    const uint64_t venue_seed = world.seed ^ fnv1a(venue.name);
    for (std::size_t i = 0; i < world.symbols.size(); ++i)
      basis_.emplace_back(venue, dt, mix_seed(venue_seed, fnv1a("basis"), i));
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
  double fair(std::size_t i) const { return fair_.price(i); }
  double basis_bps(std::size_t i) const { return basis_.at(i).bps(); }
  double mid(std::size_t i) const { return fair(i) * (1.0 + basis_bps(i) / 1e4); }
  const basis_process& basis(std::size_t i) const { return basis_.at(i); }
  basis_process& basis(std::size_t i) { return basis_.at(i); }

private:
  fair_path fair_;
  std::vector<basis_process> basis_;
};

} // namespace xarb::sim
