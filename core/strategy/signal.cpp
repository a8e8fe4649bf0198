#include "core/strategy/signal.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace xarb::strategy {

namespace {

/// num / den for a strength; a non-positive den (rejected by validate())
/// degrades to "at the threshold or not" instead of inf/NaN.
double strength_ratio(double num, double den) noexcept {
  if (den > 0)
    return num / den;
  return num >= 0 ? 1.0 : 0.0;
}

/// vol_adjusted: the minimum net edge for the window's std, linear between
/// (vol_low_bps, low_vol_min) and (vol_high_bps, high_vol_min), flat outside.
double vol_min_profit(const signal_params& p, double sd) noexcept {
  if (sd <= p.vol_low_bps)
    return p.low_vol_min_profit_bps;
  if (sd >= p.vol_high_bps || !(p.vol_high_bps > p.vol_low_bps))
    return p.high_vol_min_profit_bps;
  const double t = (sd - p.vol_low_bps) / (p.vol_high_bps - p.vol_low_bps);
  return p.low_vol_min_profit_bps
         + t * (p.high_vol_min_profit_bps - p.low_vol_min_profit_bps);
}

timestamp_ns saturating_add(timestamp_ns a, int64_t b) noexcept {
  timestamp_ns r = 0;
  if (__builtin_add_overflow(a, b, &r))
    return b > 0 ? std::numeric_limits<timestamp_ns>::max()
                 : std::numeric_limits<timestamp_ns>::min();
  return r;
}

} // namespace

spread_signal::spread_signal(const signal_params& p)
  : p_(p), stats_{rolling_stats{p.window}, rolling_stats{p.window}} {}

bool spread_signal::add(timestamp_ns ts, double x_ab, double x_ba) noexcept {
  // Reject before touching either window: one-sided adds would misalign them.
  if (!std::isfinite(x_ab) || !std::isfinite(x_ba))
    return false;
  const double x[2] = {x_ab, x_ba};
  for (int d = 0; d < 2; ++d) {
    stats_[d].add(x[d]);
    run_[d] = x[d] >= p_.threshold_bps ? run_[d] + 1 : 0;
  }
  last_sample_ts_ = ts;
  sampled_ = true;
  return true;
}

signal_reading spread_signal::read(timestamp_ns ts, double x_ab,
                                   double x_ba) const noexcept {
  signal_reading r;
  r.warm = warm();
  const double x[2] = {x_ab, x_ba};
  const bool cooling = cooling_ && ts < cooldown_until_;
  for (int d = 0; d < 2; ++d) {
    const rolling_stats& s = stats_[d];
    const double mean = s.mean();
    const double sd = s.stddev();
    const double sd_floor = std::max(sd, p_.min_std_bps);
    r.mean[d] = mean;
    r.std[d] = sd;

    double threshold = 0; // x level where entry triggers
    double strength = 0;
    bool entry = false;
    bool exit = false;
    const double xd = x[d];
    const double z = sd_floor > 0 ? (xd - mean) / sd_floor : 0.0;
    switch (p_.model) {
    case signal_model::zscore:
      threshold = mean + p_.z_entry * sd_floor;
      entry = z >= p_.z_entry;
      exit = z <= p_.z_exit;
      strength = strength_ratio(z, p_.z_entry);
      break;
    case signal_model::mean_offset:
      threshold = mean + p_.offset_bps;
      entry = xd >= threshold;
      exit = xd <= mean + p_.exit_offset_bps;
      strength = strength_ratio(xd - mean, p_.offset_bps);
      break;
    case signal_model::vol_adjusted:
      threshold = vol_min_profit(p_, sd);
      entry = xd >= threshold;
      exit = xd <= mean;
      strength = strength_ratio(xd, threshold);
      break;
    case signal_model::persistent:
      threshold = p_.threshold_bps;
      entry = run_[d] >= p_.persist_samples && xd >= threshold && !cooling;
      exit = xd <= mean + p_.persistent_exit_bps;
      strength = strength_ratio(xd, threshold);
      break;
    }
    r.entry_threshold_bps[d] = threshold;
    // Exit is judged as soon as there is a mean (a position may outlive a
    // reset()); entry and strength only once warm. Non-finite x: no signal.
    if (!std::isfinite(xd) || s.empty())
      continue;
    r.z[d] = z;
    r.exit[d] = exit;
    if (r.warm) {
      r.entry[d] = entry;
      r.strength[d] = strength;
    }
  }
  return r;
}

void spread_signal::on_entry(int /*dir*/, timestamp_ns ts) noexcept {
  if (p_.model != signal_model::persistent)
    return;
  // seed 002: one entry, then a pause for both directions and a fresh run.
  cooling_ = true;
  cooldown_until_ = saturating_add(ts, p_.cooldown_ns);
  run_[0] = run_[1] = 0;
}

bool spread_signal::tranche_allowed(double strength, std::size_t k) const noexcept {
  return strength >= 1.0 + static_cast<double>(k) * p_.tranche_step;
}

std::size_t spread_signal::tranches_for(double strength,
                                        std::size_t max_tranches) const noexcept {
  // Loop (max_tranches <= 3) so it agrees with tranche_allowed() exactly,
  // including rounding at the boundaries.
  std::size_t n = 0;
  while (n < max_tranches && tranche_allowed(strength, n))
    ++n;
  return n;
}

void spread_signal::reset() noexcept {
  stats_[0].clear();
  stats_[1].clear();
  run_[0] = run_[1] = 0;
  last_sample_ts_ = 0;
  sampled_ = false;
  cooling_ = false;
  cooldown_until_ = 0;
}

bool spread_signal::sample_due(timestamp_ns ts) const noexcept {
  return !sampled_ || ts - last_sample_ts_ >= p_.sample_interval_ns;
}

} // namespace xarb::strategy
