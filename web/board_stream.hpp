#pragma once
// The /ws/stream topics over the status board (web/stream.hpp): the same
// records, in the same JSON, as the read routes (monitoring/board_json.hpp).
//   tops     id "venue/symbol"  best bid/ask of every book
//   spreads  id pair id         spreads and z-scores
//   pairs    id pair id         the full pair row (phase, positions, P&L)
//   risk     id "risk"          the risk guard's snapshot (GET /api/risk)
//   venues   id venue           state, book ages, latency, reconnects
//   rankings id "symbol/venue_a/venue_b"  the scanner's top [scanner] top_n rows
//                                (default sort), as in /api/market/top-spreads
//   orders, fills, events       the board's logs (seq = the log's seq)
//   signals                     the scanner's signals (seq = the signal's seq)
//   equity                      the equity curve (GET /api/pnl/equity's points)

#include <functional>
#include <memory>

#include "messages/market.hpp"
#include "web/stream.hpp"

namespace xarb {

class status_board;
class scan_board;

/// `board` (and `scan`, null = no scanner) must outlive the source; `clock`
/// gives "now" for ages.
std::shared_ptr<const stream_source> make_board_stream(const status_board& board,
                                                       std::function<timestamp_ns()> clock,
                                                       const scan_board* scan = nullptr);

} // namespace xarb
