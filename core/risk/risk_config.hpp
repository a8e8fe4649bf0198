#pragma once
// Every limit of the risk guard, with its default ([risk] in the node
// config; docs/RISK.md lists each with its metric and event).
//
// Notionals are in the quote currency (USDT), per leg where a pair is
// concerned; 0 switches a limit off. Exposure of a venue is the sum of the
// notionals of every position on it (gross) and its signed sum (net); of a
// symbol, the same over every venue.

#include <cstdint>
#include <string>
#include <vector>

#include "core/risk/breakers.hpp"
#include "core/risk/capital.hpp"
#include "core/risk/rate_limits.hpp"
#include "messages/decimal.hpp"

namespace xarb::risk {

/// Per-venue settings ([[risk.venues]]).
struct venue_risk_config {
  std::string venue;
  double max_leverage = 3;          ///< gross exposure / venue capital pool
  double margin_leverage = 10;      ///< leverage the positions use: margin = notional / this
  std::string key_id = "default";   ///< which API key's rate budget (shared by every pair on it)
  rate_limit_config rate_limits;    ///< that key's budgets
  friend bool operator==(const venue_risk_config&, const venue_risk_config&) = default;
};

struct risk_config {
  // -- per order ----------------------------------------------------------------
  money max_order_notional = money::from_units(5'000);
  double price_band_bps = 200;      ///< fat finger: order price vs the pair mid
  // -- exposure (notional; 0 = off) --------------------------------------------
  money max_pair_gross = money::from_units(10'000);    ///< per leg of one pair
  money max_pair_net = money::from_units(1'000);       ///< |qty A + qty B| x mark
  money max_symbol_gross = money::from_units(20'000);  ///< sum over every venue
  money max_symbol_net = money::from_units(2'000);
  money max_venue_gross = money::from_units(30'000);
  money max_venue_net = money::from_units(20'000);
  money max_total_gross = money::from_units(60'000);
  money max_total_net = money::from_units(5'000);
  double default_max_leverage = 3;  ///< venues not listed in [[risk.venues]]
  double default_margin_leverage = 10;
  /// Seed 001: no pair may open a position on a venue and symbol in the
  /// direction opposite to another pair's position there.
  bool direction_consistency = true;
  // -- permits -----------------------------------------------------------------
  int64_t lease_ns = 5'000'000'000; ///< a permit not renewed within this stops entries
  // -- position audit (core/risk/position_audit.hpp) -----------------------------
  int64_t audit_interval_ns = 5'000'000'000; ///< venue positions vs the pairs' books; 0 = off
  int audit_rounds = 3;             ///< consecutive rounds with a difference before REDUCING
  // -- parts -------------------------------------------------------------------
  breaker_config breakers;
  capital_config capital;
  rate_limit_config rate_limits;    ///< default budget of a venue key
  std::vector<venue_risk_config> venues;
  friend bool operator==(const risk_config&, const risk_config&) = default;
};

/// Every problem, one per line, each prefixed with `path` ("risk"); "" when valid.
std::string validate(const risk_config& c, const std::string& path = "risk");

/// The venue's settings, or defaults built from the config's defaults.
venue_risk_config venue_settings(const risk_config& c, const std::string& venue);

} // namespace xarb::risk
