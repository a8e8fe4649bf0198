#pragma once
// The "true" price of every symbol: a correlated log-random walk on a fixed
// time grid. Seeded from the world seed only, so every venue object (one per
// actor) regenerates exactly the same path and venues agree on fair value.
// Indexed by world index (world_symbols(): configured, then generated), and
// always computed for every world symbol, whatever a venue lists: the draws
// of one symbol depend on all of them.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "venues/sim/prng.hpp"
#include "venues/sim/sim_config.hpp"

namespace xarb::sim {

class fair_path {
public:
  explicit fair_path(const world_config& cfg);

  /// Current grid step (0 = start prices).
  int64_t step() const noexcept { return step_; }

  /// Moves forward to `target` (no-op if already there or past it).
  void advance_to(int64_t target);

  std::size_t size() const noexcept { return log_.size(); }

  /// Fair mid of world symbol `i` at the current step, quote per canonical unit.
  double price(std::size_t i) const;

private:
  void step_once();

  rng rng_;
  int64_t step_ = 0;
  double sqrt_rho_ = 0;
  double sqrt_idio_ = 0;
  std::vector<double> start_;
  std::vector<double> sigma_;  // vol per step
  std::vector<double> drift_;  // -sigma^2/2 keeps E[price] flat
  std::vector<double> log_;    // log(price / start)
  std::vector<double> shocks_; // scratch
};

} // namespace xarb::sim
