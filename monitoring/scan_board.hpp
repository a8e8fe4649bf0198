#pragma once
// scan_board: where the scanner actor leaves its results for the web
// threads (REST routes, the rankings and signals stream topics, `xarb scan`)
// without either side waiting for the other: the latest immutable snapshot
// (swapped under a mutex, ranked by readers per request), the latest
// signals, and the scanner's settings. Thread-safe.

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/scanner/ranking.hpp"
#include "core/scanner/scan_snapshot.hpp"
#include "core/scanner/signal_detector.hpp"

namespace xarb {

/// What the scanner is configured to do ([scanner]), for the API.
struct scanner_settings {
  bool enabled = false;
  std::size_t top_n = 20;                          ///< default limit, rankings topic size
  scanner::sort_key sort = scanner::sort_key::notional; ///< default sort
  int64_t refresh_ms = 500;
  int64_t history_interval_s = 60;                 ///< 0 = no history sampled
  scanner::signal_params signals;
};

class scan_board {
public:
  void set_settings(scanner_settings s);
  scanner_settings settings() const;

  void publish(std::shared_ptr<const scanner::scan_snapshot> snap);
  /// The latest snapshot; null before the first refresh.
  std::shared_ptr<const scanner::scan_snapshot> snapshot() const;

  /// Instruments the scanner left out and why (units not verified ...).
  void set_problems(std::vector<std::string> problems);
  std::vector<std::string> problems() const;

  /// Keeps the newest settings().signals.keep signals.
  void add_signal(const scanner::arb_signal& s);
  /// Signals with seq > after, oldest first; the newest `limit` of them.
  std::vector<scanner::arb_signal> signals(uint64_t after, std::size_t limit) const;

private:
  mutable std::mutex mtx_;
  scanner_settings settings_;
  std::shared_ptr<const scanner::scan_snapshot> snap_;
  std::vector<std::string> problems_;
  std::deque<scanner::arb_signal> signals_;
};

} // namespace xarb
