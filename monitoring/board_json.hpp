#pragma once
// JSON of the status board's records, shared by /api/status, the other
// /api/* read routes and the /ws/stream topics so that one record always
// has one shape (documented in docs/API.md). Money, prices, quantities and
// ratios are exact decimal strings; times are integer ns (`*_ns`) or
// seconds as numbers (`*_s`); statistics (z-scores, latencies) are numbers.

#include <string>

#include "messages/market.hpp"
#include "monitoring/json_writer.hpp"
#include "monitoring/status_board.hpp"

namespace xarb::board_json {

/// {"name","version","start_ts_ns","uptime_s","data","execution",
///  "engine_running","trade_mode","live_order_enabled"} (no "ready").
void write_node(json::writer& w, const node_status& n, timestamp_ns now);

/// {"venue","qty","avg_entry","realized","fees","funding","funding_accrued",
///  "unrealized","funding_rate"}
void write_leg(json::writer& w, const leg_status& l);

/// A pair row: ids, spreads and z, phase, positions, P&L, legs.
void write_pair(json::writer& w, const pair_status& p);

/// The spread fields of a pair only (spreads topic, top spreads):
/// {"id","symbol","venue_a","venue_b","spread_ab","spread_ba",
///  "spread_ab_bps","spread_ba_bps","z_ab","z_ba","valid","ts_ns"}
void write_spread(json::writer& w, const pair_status& p);

/// One book: {"symbol","synced","seq","last_update_ns","age_s",
///  "bid","bid_qty","ask","ask_qty"}
void write_book(json::writer& w, const book_status& b, timestamp_ns now);

/// A venue with its books and its session figures (/api/venues adds the
/// rate-limit headroom itself).
void write_venue(json::writer& w, const venue_status& v, timestamp_ns now,
                 bool with_books = true);

/// One book's top for the tops topic: {"venue","symbol","bid","bid_qty",
///  "ask","ask_qty","synced","ts_ns"}
void write_top(json::writer& w, const std::string& venue, const book_status& b);

/// The log records; `seq` (the board log's sequence, 0 = omitted) first.
void write_order(json::writer& w, const order_update& u, uint64_t seq = 0);
void write_fill(json::writer& w, const fill_record& f, uint64_t seq = 0);
void write_event(json::writer& w, const event& e, uint64_t seq = 0);

/// One equity curve point (GET /api/pnl/equity, the equity topic):
/// {"seq","ts_ns","realized","fees","funding","unrealized","net"}
void write_equity(json::writer& w, const equity_point& p);

/// Basis points of a ratio (1 bp = 0.0001), as a number for sorting and
/// display; the exact ratio stays available as a string.
double to_bps(ratio r) noexcept;

} // namespace xarb::board_json
