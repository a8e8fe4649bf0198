#pragma once
// pair_trader: one canonical symbol between two venues. Keeps the executable
// spread in both directions (depth-aware VWAP for the order size) and its
// rolling statistics; the trading strategy arrives with issue 3.

#include <chrono>
#include <functional>
#include <string>

#include "actors/interfaces.hpp"
#include "actors/venue_session.hpp"
#include "messages/decimal.hpp"

namespace xarb {

struct pair_config {
  std::string symbol;   ///< canonical, e.g. "BTC-PERP"
  std::string venue_a;
  std::string venue_b;
  money order_notional = money::from_units(1000); ///< size used for VWAP, quote ccy
  std::size_t window = 600;        ///< rolling window, samples
  std::size_t min_samples = 60;    ///< z-scores are reported as 0 before this
  int64_t sample_interval_ns = 250'000'000; ///< at most one statistics sample per interval
  int64_t max_book_age_ns = 5'000'000'000;  ///< older legs make the spread invalid
  std::function<timestamp_ns()> clock;      ///< default: system clock
};

/// "BTC-PERP:sim-a/sim-b"
std::string pair_id(const pair_config& cfg);

/// Registry name of a pair trader: "pair/BTC-PERP:sim-a/sim-b".
std::string pair_trader_name(const pair_config& cfg);

pair_trader_actor spawn_pair_trader(caf::actor_system& sys, pair_config cfg,
                                    actor_services services);

} // namespace xarb
