#pragma once
// The basis of one symbol on one venue versus the fair price, in bps:
// an Ornstein-Uhlenbeck component around `basis_mean_bps` plus a dislocation
// component that jumps (Poisson arrivals, random sign) and decays back to 0.
// The sum is what makes cross-venue spreads wide enough to trade sometimes.

#include <cstdint>

#include "venues/sim/prng.hpp"
#include "venues/sim/sim_config.hpp"

namespace xarb::sim {

class basis_process {
public:
  /// `dt_s`: grid step in seconds; `seed`: this (venue, symbol) stream.
  basis_process(const venue_config& cfg, double dt_s, uint64_t seed);

  /// One grid step (exact OU transition, so any dt is stable).
  void step();

  double bps() const noexcept { return ou_ + dislocation_; }
  double ou_bps() const noexcept { return ou_; }
  double dislocation_bps() const noexcept { return dislocation_; }

  /// Dislocations started so far.
  uint64_t dislocations() const noexcept { return count_; }

  /// Overrides the state (tests start from a known dislocation).
  void reset(double ou_bps, double dislocation_bps) noexcept {
    ou_ = ou_bps;
    dislocation_ = dislocation_bps;
  }

private:
  rng rng_;
  double mean_ = 0;
  double ou_decay_ = 1;     // exp(-kappa dt)
  double ou_noise_ = 0;     // stddev of the OU innovation per step
  double disl_decay_ = 1;   // exp(-kappa_d dt)
  double disl_prob_ = 0;    // P(dislocation starts in a step)
  double disl_size_ = 0;
  double ou_ = 0;
  double dislocation_ = 0;
  uint64_t count_ = 0;
};

} // namespace xarb::sim
