#pragma once
// Persistent-opportunity detector (seed 002's ArbitrageMonitor): a symbol on
// a venue pair in one direction becomes a signal when its executable spread
// stays at or above `threshold_bps` for `samples` consecutive scanner
// refreshes; the same (symbol, sell venue, buy venue) then stays quiet for
// `cooldown_ns`, and must hold the threshold for `samples` refreshes again
// after it. A stale row breaks the run (a frozen quote is no evidence). The
// latest `keep` signals are kept, newest last.
//
// Defaults are seed 002's: 0.6 % (60 bps), 3 samples, 30 s, 50 kept.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "core/scanner/scan_snapshot.hpp"

namespace xarb::scanner {

struct signal_params {
  double threshold_bps = 60;
  int32_t samples = 3;
  int64_t cooldown_ns = 30'000'000'000;
  std::size_t keep = 50;
  friend bool operator==(const signal_params&, const signal_params&) = default;
};

struct arb_signal {
  uint64_t seq = 0;             ///< 1, 2, ... per detector
  timestamp_ns ts = 0;          ///< the refresh that completed the run
  std::string symbol;
  std::string sell_venue;
  std::string buy_venue;
  double spread_bps = 0;        ///< at ts
  double notional_spread_bps = 0;
  int32_t leverage = 0;
  std::optional<double> funding_diff_bps;
  double carry_bps = 0;
  int32_t samples = 0;          ///< consecutive samples at or above the threshold
  friend bool operator==(const arb_signal&, const arb_signal&) = default;
};

class signal_detector {
public:
  explicit signal_detector(signal_params p = {}) : params_(p) {}

  const signal_params& params() const noexcept { return params_; }
  /// New parameters apply from the next sample; runs in progress restart.
  void set_params(signal_params p);

  /// Feeds one refresh; returns the signals it completes (oldest first).
  std::vector<arb_signal> observe(const scan_snapshot& snap);

  /// The latest signals, oldest first, at most params().keep.
  const std::deque<arb_signal>& recent() const noexcept { return recent_; }
  uint64_t total() const noexcept { return seq_; }
  /// Keys with a run in progress or in cooldown (bounded by the rows).
  std::size_t tracked() const noexcept { return runs_.size(); }

private:
  using key = std::tuple<std::string, std::string, std::string>; // symbol, sell, buy
  struct run_state {
    int32_t count = 0;
    uint64_t last_sample = 0;   ///< sample number of the last hit
    timestamp_ns quiet_until = 0;
  };

  signal_params params_;
  std::map<key, run_state> runs_;
  std::deque<arb_signal> recent_;
  uint64_t seq_ = 0;
  uint64_t sample_ = 0;
};

} // namespace xarb::scanner
