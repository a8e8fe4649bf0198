#pragma once
// JSON of the scanner's results, shared by the REST routes, the rankings
// and signals stream topics and `xarb scan` (docs/API.md has the shapes).
// Prices are exact decimal strings (canonical units); bps and percentages
// are numbers rounded to 4 decimals (statistics for display and ranking);
// unknown values are null.

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "core/scanner/ranking.hpp"
#include "core/scanner/scan_snapshot.hpp"
#include "core/scanner/signal_detector.hpp"
#include "messages/scanner.hpp"
#include "monitoring/json_writer.hpp"
#include "monitoring/scan_board.hpp"

namespace xarb::scan_json {

/// x rounded to 4 decimals (bps, %).
double round4(double x) noexcept;

/// The id of a row in the rankings topic: "BTC-PERP/sim-a/sim-b".
std::string row_id(const scanner::scan_snapshot& snap, const scanner::scan_row& row);

/// One row object; `rank` null for a stale row.
void write_row(json::writer& w, const scanner::scan_snapshot& snap,
               const scanner::ranked_row& r, std::optional<std::size_t> rank);

/// GET /api/market/top-spreads. `snap` null: the scanner has not refreshed
/// yet (empty lists, "ready": false).
void write_top_spreads(json::writer& w, const scanner::scan_snapshot* snap,
                       const scanner::ranking& ranked, const scanner::rank_query& q,
                       timestamp_ns now);

/// GET /api/market/funding: per symbol, every venue's rate normalised to
/// the basis interval, and the best short/long pair; largest differential
/// first, at most `limit`; only `symbol` if not empty.
void write_funding(json::writer& w, const scanner::scan_snapshot* snap, std::size_t limit,
                   std::string_view symbol, timestamp_ns now);

void write_signal(json::writer& w, const scanner::arb_signal& s);

/// GET /api/arbitrage/signals: newest first.
void write_signals(json::writer& w, const std::vector<scanner::arb_signal>& oldest_first,
                   const scanner_settings& settings);

/// GET /api/history/{symbol}: per venue the sampled quotes and funding,
/// and per venue pair the spreads derived from them (only pairs with
/// `venue` when not empty).
void write_history(json::writer& w, std::string_view symbol, std::string_view venue,
                   timestamp_ns from, timestamp_ns to, const std::vector<market_sample>& samples,
                   bool truncated, int32_t basis_hours);

} // namespace xarb::scan_json
