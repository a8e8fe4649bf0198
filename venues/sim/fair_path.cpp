#include "venues/sim/fair_path.hpp"

#include <algorithm>
#include <cmath>

#include "venues/sim/world_generator.hpp"

namespace xarb::sim {

fair_path::fair_path(const world_config& cfg)
  : rng_(mix_seed(cfg.seed, fnv1a("fair-path"))) {
  const double rho = std::clamp(cfg.correlation, 0.0, 1.0);
  sqrt_rho_ = std::sqrt(rho);
  sqrt_idio_ = std::sqrt(1.0 - rho);
  const double dt = static_cast<double>(cfg.step_ms) / 1000.0;
  for (const auto& s : world_symbols(cfg)) { // generated ones too: one path per world
    const double sigma = s.vol_per_sqrt_s * std::sqrt(dt);
    start_.push_back(s.start_price.to_double());
    sigma_.push_back(sigma);
    drift_.push_back(-0.5 * sigma * sigma);
    log_.push_back(0.0);
  }
  shocks_.resize(log_.size());
}

void fair_path::advance_to(int64_t target) {
  while (step_ < target)
    step_once();
}

void fair_path::step_once() {
  // One common factor plus idiosyncratic noise: corr(shock_i, shock_j) = rho.
  // Always the same number of draws per step, whatever the prices do.
  const double common = rng_.normal();
  for (std::size_t i = 0; i < log_.size(); ++i) {
    const double z = sqrt_rho_ * common + sqrt_idio_ * rng_.normal();
    log_[i] += drift_[i] + sigma_[i] * z;
  }
  ++step_;
}

double fair_path::price(std::size_t i) const {
  return start_.at(i) * std::exp(log_.at(i));
}

} // namespace xarb::sim
