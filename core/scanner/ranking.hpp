#pragma once
// Ranking a scan_snapshot for one question: top-N rows by a key, with the
// caller's fallback leverage per venue (seed 000's
// `?paradex_fallback_leverage=2` query). Pure and cheap (one pass over the
// rows plus a partial sort), so the web threads rank per request.
//
// For each row both directions are evaluated; the row shows the direction
// the sort key prefers:
//   spread    the executable spread, bps;
//   notional  spread x leverage, where leverage = min of the two venues'
//             (seed 000's notional spread |spread| x min leverage: for the
//             better direction the spread is positive whenever there is an
//             opportunity; a negative one keeps its sign so it never ranks
//             above a real one);
//   funding   funding earned per basis interval: short the venue paying
//             more, long the one paying less (rates normalised to one
//             interval), and its annualised value;
//   carry     net expected carry = spread - round-trip taker fees +
//             funding over the carry horizon.
// Stale rows (a venue not ready, an old or unsynced quote) are returned
// apart, marked, and never ranked.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/scanner/scan_snapshot.hpp"
#include "messages/expected.hpp"

namespace xarb::scanner {

enum class sort_key : uint8_t { spread, notional, funding, carry };

std::string_view to_string(sort_key k) noexcept;
/// "spread" | "notional" | "funding" | "carry"; parse_error otherwise.
expected<sort_key> parse_sort_key(std::string_view s);

struct rank_query {
  sort_key sort = sort_key::notional;
  std::size_t limit = 20;
  /// Overrides scanner_params::fallback_leverage for these venues.
  std::map<std::string, int32_t, std::less<>> fallback_leverage;
  std::string symbol;           ///< only this symbol (empty: all)
  std::string venue;            ///< only rows on this venue (empty: all)
  std::size_t stale_limit = 20; ///< stale rows returned at most (0: none)
};

/// One row as the query sees it.
struct ranked_row {
  const scan_row* row = nullptr;
  bool sell_a = true;           ///< direction: sell on A, buy on B
  double spread_bps = 0;        ///< in this direction
  int32_t leverage_a = 0;
  int32_t leverage_b = 0;
  int32_t leverage = 0;         ///< min of the two
  bool leverage_fallback = false;
  double notional_bps = 0;
  std::optional<double> funding_diff_bps; ///< earned per basis interval; unknown if either rate is
  std::optional<double> funding_apr_pct;
  double carry_bps = 0;
  double key = 0;               ///< the sort key's value
};

struct ranking {
  std::vector<ranked_row> rows;  ///< best first, at most limit
  std::vector<ranked_row> stale; ///< marked, not ranked (at most stale_limit)
  std::size_t rows_total = 0;    ///< rows matching the filters
  std::size_t ranked = 0;        ///< of those, not stale
  std::size_t stale_rows = 0;
};

/// The leverage used for a venue quote: its own if published, else the
/// query's fallback, else the scanner's.
int32_t leverage_for(const scan_snapshot& snap, const venue_quote& q, const rank_query& query,
                     bool& fallback);

/// Evaluates one row in its best direction for `sort`.
ranked_row evaluate(const scan_snapshot& snap, const scan_row& row, const rank_query& query);

ranking rank(const scan_snapshot& snap, const rank_query& query);

} // namespace xarb::scanner
