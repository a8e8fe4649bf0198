#pragma once
// `xarb scan`'s screen: one frame rendered from the node's two scanner JSON
// documents (GET /api/market/top-spreads and GET /api/arbitrage/signals, the
// contract in docs/API.md). Pure: no I/O, no clock (`now_ns` is passed in),
// so a fixed document renders to fixed text.
//
// The documents come over the network, so the view trusts nothing: unknown
// fields are ignored, a missing or ill-typed field is shown as "?" and listed
// under "data problems", a malformed document becomes an error block, and
// text is stripped of control characters before it reaches the terminal.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xarb::cli {

/// What `xarb scan` was asked for (the CLI options, see nodes/scan_command.hpp).
struct scan_options {
  std::string url = "http://127.0.0.1:8080"; ///< node to read from
  bool standalone = false;                   ///< run the embedded default in-process
  std::string config_file;                   ///< standalone: config to run (default embedded)
  int limit = 20;                            ///< rows requested and shown, 1..500
  std::string sort = "notional";             ///< spread | notional | funding | carry
  /// --fallback-leverage VENUE=N, in the order given (VENUE unique, N > 0).
  std::vector<std::pair<std::string, std::string>> fallback_leverage;
  double interval_s = 1.0; ///< refresh period
  int iterations = 0;      ///< 0 = until SIGINT/SIGTERM; --once = 1
  bool plain = false;      ///< no ANSI clear/colour (auto when stdout is not a tty)
  int width = 0;           ///< columns; 0 = the terminal's when stdout is a tty, else 120
};

/// Columns used when the width is unknown, and the narrowest layout tried.
inline constexpr int scan_default_width = 120;
inline constexpr int scan_min_width = 20;
/// How many signals the view shows (the newest).
inline constexpr int scan_signals_shown = 5;

/// Renders one screen (lines ending in '\n') from the two JSON bodies, laid
/// out for opts.width columns (<= 0: 120). Ages are relative to `now_ns`.
/// Colours unless opts.plain. A malformed document gives an error block in
/// its place; never throws on bad input.
std::string render_scan(std::string_view top_spreads_json, std::string_view signals_json,
                        const scan_options& opts, int64_t now_ns);

/// A notice shown above a frame (e.g. a failed refresh): `text` wrapped to
/// the width at spaces, red unless opts.plain.
std::string render_notice(std::string_view text, const scan_options& opts);

/// "HH:MM:SS" (UTC) of a time in ns since the epoch.
std::string clock_utc(int64_t ts_ns);

} // namespace xarb::cli
