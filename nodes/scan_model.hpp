#pragma once
// The two scanner documents `xarb scan` reads, parsed leniently for display
// (contract: docs/API.md, GET /api/market/top-spreads and
// GET /api/arbitrage/signals). Only the fields the view shows are read;
// unknown fields are ignored.
//
// Every field is a `field<T>`: a value, null (the contract's "unknown") or
// bad (missing, or of the wrong type). A bad field is recorded in `problems`
// with its path ("rows[2].spread_bps: expected a number, got a string") and
// the view shows "?" for it: one odd field never hides the whole screen.
// Only a body that is not JSON, or not an object, is an error.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/expected.hpp"

namespace xarb::cli::scan {

template <class T>
struct field {
  std::optional<T> v; ///< nullopt: JSON null, or bad
  bool bad = false;   ///< missing or ill-typed (reported in problems)
};
using num = field<double>;
using text = field<std::string>;
using flag = field<bool>;
using stamp = field<int64_t>;

struct venue_status {
  text venue, state;
  num symbols, quotes;
  flag stale;
};

struct spread_row {
  num rank;
  text symbol, venue_a, venue_b, sell_venue, buy_venue;
  num spread_bps, notional_bps, leverage;
  flag leverage_fallback;
  num funding_diff_bps, funding_apr_pct, carry_bps;
  num age_ms_a, age_ms_b;
  std::vector<std::string> stale_venues;
};

struct top_spreads {
  std::optional<bool> ready; ///< optional "ready" (false: no snapshot yet)
  stamp ts;
  num age_ms, refresh_ms;
  text sort;
  num funding_basis_hours, carry_horizon_hours;
  num symbols, ranked, stale_rows;
  std::vector<venue_status> venues;
  std::vector<spread_row> rows;  ///< ranked, best first (at most max_rows)
  std::vector<spread_row> stale; ///< examples of stale rows (at most max_stale)
};

struct signal {
  stamp ts;
  text symbol, sell_venue, buy_venue;
  num spread_bps, notional_bps, carry_bps;
};

struct signals_doc {
  num threshold_bps, samples, cooldown_s, kept;
  std::vector<signal> signals; ///< newest first (at most max_signals)
};

/// Problems found while parsing: the first `keep` texts, and how many in all.
struct problems {
  static constexpr std::size_t keep = 20;
  std::vector<std::string> items;
  std::size_t total = 0;
  void add(std::string what);
};

/// Errors (parse_error): "malformed JSON (...)" or "expected a JSON object".
expected<top_spreads> parse_top_spreads(std::string_view json, std::size_t max_rows,
                                        std::size_t max_stale, problems& found);
expected<signals_doc> parse_signals(std::string_view json, std::size_t max_signals,
                                    problems& found);

/// Text from the network made safe for a terminal: every byte outside
/// printable ASCII (controls, escape sequences, non-ASCII) becomes '?'.
std::string printable(std::string_view s);

} // namespace xarb::cli::scan
