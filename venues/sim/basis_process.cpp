#include "venues/sim/basis_process.hpp"

#include <cmath>

namespace xarb::sim {

basis_process::basis_process(const venue_config& cfg, double dt_s, uint64_t seed)
  : rng_(seed),
    mean_(cfg.basis_mean_bps),
    disl_size_(cfg.dislocation_bps),
    ou_(cfg.basis_mean_bps) {
  const double k = cfg.basis_reversion;
  ou_decay_ = std::exp(-k * dt_s);
  // Exact discretisation: Var = sigma^2 (1 - e^{-2k dt}) / 2k; k -> 0 is a
  // plain random walk.
  ou_noise_ = k > 1e-12
                ? cfg.basis_vol_bps * std::sqrt((1.0 - std::exp(-2.0 * k * dt_s)) / (2.0 * k))
                : cfg.basis_vol_bps * std::sqrt(dt_s);
  disl_decay_ = std::exp(-cfg.dislocation_reversion * dt_s);
  disl_prob_ = cfg.dislocation_per_hour * dt_s / 3600.0;
}

void basis_process::step() {
  ou_ = mean_ + (ou_ - mean_) * ou_decay_ + ou_noise_ * rng_.normal();
  dislocation_ *= disl_decay_;
  if (rng_.uniform() < disl_prob_) {
    const double sign = rng_.uniform() < 0.5 ? -1.0 : 1.0;
    dislocation_ += sign * disl_size_ * (0.5 + rng_.uniform());
    ++count_;
  }
}

} // namespace xarb::sim
