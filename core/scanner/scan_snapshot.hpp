#pragma once
// What one scanner refresh knows about the market: for every canonical
// symbol listed on at least two venues, each venue's quote and funding, and
// one row per venue pair with the executable spreads in both directions.
//
// A snapshot is immutable once published (shared_ptr<const scan_snapshot>):
// the web threads rank it per request (ranking.hpp) while the scanner builds
// the next one.
//
// Units: prices are canonical (core/instrument_registry.hpp), so 1000PEPE on
// one venue and PEPE on another compare like with like. Spreads, funding and
// fees are statistics for ranking and display (doubles, bps); the quotes
// themselves stay exact.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "messages/decimal.hpp"
#include "messages/event.hpp"
#include "messages/market.hpp"

namespace xarb::scanner {

/// How the scanner judges and normalises what it sees ([scanner] config).
struct scanner_params {
  /// A quote older than this (since it was received) is stale.
  int64_t stale_after_ns = 5'000'000'000;
  /// Funding rates are shown per this many hours (venues pay every 1 h,
  /// 4 h, 8 h ...): rate x basis / interval.
  int32_t funding_basis_hours = 8;
  /// Expected holding time for the net carry: funding earned over it.
  int32_t carry_horizon_hours = 8;
  /// Leverage of a venue that publishes none (its instruments say 0),
  /// by venue name; `default_fallback_leverage` for the others.
  std::map<std::string, int32_t, std::less<>> fallback_leverage;
  int32_t default_fallback_leverage = 1;
  friend bool operator==(const scanner_params&, const scanner_params&) = default;
};

/// One venue's side of a symbol at refresh time.
struct venue_quote {
  uint16_t venue = 0;          ///< index into scan_snapshot::venues
  bool has_quote = false;      ///< a top was ever received
  bool synced = false;         ///< the venue's book is usable (not resyncing)
  price bid;
  price ask;
  int64_t age_ns = 0;          ///< refresh time - receive time of the top
  bool stale = false;          ///< !synced, too old, or the session not ready
  bool funding_known = false;
  ratio funding_rate;          ///< per the venue's interval
  int32_t funding_interval_s = 0;
  timestamp_ns next_funding_ts = 0;
  double funding_basis_bps = 0; ///< rate normalised to funding_basis_hours, bps
  int32_t leverage = 0;        ///< the venue's max leverage; 0 = not published
  ratio taker_fee;
  std::string native_symbol;
  std::string quote_asset;
};

/// A canonical symbol listed on two venues or more.
struct symbol_quotes {
  std::string symbol;
  std::vector<venue_quote> venues; ///< by venue index, only venues listing it
};

/// One symbol on one pair of venues (a before b in venue order).
///   spread_ab = (bid_a - ask_b) / mid : sell on A, buy on B
///   spread_ba = (bid_b - ask_a) / mid : sell on B, buy on A
/// mid = the average of both venues' mids.
struct scan_row {
  uint32_t symbol = 0;         ///< index into scan_snapshot::symbols
  uint16_t a = 0;              ///< index into symbols[symbol].venues
  uint16_t b = 0;
  double spread_ab_bps = 0;
  double spread_ba_bps = 0;
  double fees_bps = 0;         ///< round trip: taker fee on both legs, in and out
  bool stale = false;          ///< either side stale: shown, never ranked
};

struct venue_summary {
  std::string name;
  health_state state = health_state::starting;
  uint32_t symbols = 0;        ///< instruments the venue lists
  uint32_t quotes = 0;         ///< of those, with a fresh usable quote
  bool stale = false;          ///< the session is not ready, or none of its quotes is fresh
  timestamp_ns last_update = 0; ///< receive time of its newest top
};

struct scan_snapshot {
  timestamp_ns ts = 0;         ///< refresh time
  double refresh_ms = 0;       ///< how long building it took
  uint64_t seq = 0;            ///< refresh counter
  scanner_params params;
  std::vector<venue_summary> venues;  ///< sorted by name
  std::vector<symbol_quotes> symbols; ///< sorted by symbol
  std::vector<scan_row> rows;
  std::size_t stale_rows = 0;

  const venue_quote& quote_a(const scan_row& r) const { return symbols[r.symbol].venues[r.a]; }
  const venue_quote& quote_b(const scan_row& r) const { return symbols[r.symbol].venues[r.b]; }
  const std::string& venue_name(const venue_quote& q) const { return venues[q.venue].name; }
};

} // namespace xarb::scanner
