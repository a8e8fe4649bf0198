#pragma once
// Entry/exit signal of one pair from its spread series (doubles: statistics
// only). Four models, selected by signal_params::model; docs/STRATEGY.md
// ("Signal models") gives the formulas.
//
// Input per direction d (0 = "ab": sell A / buy B, 1 = "ba") is x_d, the net
// entry edge in bps: the executable spread for opening d after both legs'
// fees (larger = more attractive to open d). A position opened in d is
// closed by trading 1 - d; exit[d] says it should be closed because x_d has
// reverted.
//
// add() feeds one statistics sample (at most once per sample_interval_ns,
// the caller's job); read() evaluates the current x against the statistics
// and may run on every book update (O(1), no allocation). No entry is ever
// reported before the window is full.

#include <cstddef>
#include <cstdint>

#include "core/rolling_stats.hpp"
#include "core/strategy/params.hpp"
#include "messages/market.hpp"

namespace xarb::strategy {

inline constexpr int dir_ab = 0; ///< sell on venue A, buy on venue B
inline constexpr int dir_ba = 1; ///< sell on venue B, buy on venue A

/// What read() reports, per direction [dir_ab, dir_ba].
struct signal_reading {
  bool warm = false;                 ///< window full; entry is false until then
  bool entry[2] = {false, false};    ///< open direction d now
  bool exit[2] = {false, false};     ///< close a position opened in d now
  double strength[2] = {0, 0};       ///< 1.0 = at the entry threshold; 0 when not warm
  double z[2] = {0, 0};              ///< (x - mean) / max(std, min_std_bps), every model
  double mean[2] = {0, 0};           ///< window mean of x_d, bps
  double std[2] = {0, 0};            ///< window population std of x_d, bps (no floor)
  double entry_threshold_bps[2] = {0, 0}; ///< x_d level at which entry triggers
};

class spread_signal {
public:
  /// A window of 0 is treated as 1 (validate() rejects it anyway).
  explicit spread_signal(const signal_params& p);

  /// One statistics sample for both directions. A non-finite value drops
  /// the whole sample (returns false) so both windows stay aligned.
  bool add(timestamp_ns ts, double x_ab, double x_ba) noexcept;

  /// Evaluates the current values. Cheap: O(1), no allocation.
  signal_reading read(timestamp_ns ts, double x_ab, double x_ba) const noexcept;

  /// The engine opened a position in `dir` at `ts`. persistent: starts the
  /// cooldown (both directions) and resets the persistence counters; the
  /// other models ignore it.
  void on_entry(int dir, timestamp_ns ts) noexcept;

  /// Tranche k (0-based) needs strength >= 1 + k * tranche_step.
  bool tranche_allowed(double strength, std::size_t k) const noexcept;
  /// How many of the first `max_tranches` tranches `strength` allows.
  std::size_t tranches_for(double strength, std::size_t max_tranches) const noexcept;

  /// Clears statistics, counters and cooldown: warm-up starts again.
  void reset() noexcept;

  bool warm() const noexcept { return stats_[0].full(); }
  std::size_t count() const noexcept { return stats_[0].count(); }
  std::size_t window() const noexcept { return stats_[0].window(); }
  const signal_params& params() const noexcept { return p_; }
  /// Timestamp of the last accepted sample (0 before any).
  timestamp_ns last_sample_ts() const noexcept { return last_sample_ts_; }
  /// True when no sample was taken yet or sample_interval_ns has passed.
  bool sample_due(timestamp_ns ts) const noexcept;
  /// persistent: consecutive samples with x_d >= threshold_bps.
  std::size_t persist_count(int dir) const noexcept { return run_[dir & 1]; }
  /// persistent: no entry while ts < cooldown_until() (0 = none yet).
  timestamp_ns cooldown_until() const noexcept { return cooldown_until_; }

private:
  signal_params p_;
  rolling_stats stats_[2];
  std::size_t run_[2] = {0, 0};
  timestamp_ns last_sample_ts_ = 0;
  bool sampled_ = false;
  bool cooling_ = false;
  timestamp_ns cooldown_until_ = 0;
};

} // namespace xarb::strategy
