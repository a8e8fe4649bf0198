#pragma once
// `xarb scan`: a refreshing terminal table of the cross-venue scanner's top
// spreads and latest signals, read from a running node's API
// (GET /api/market/top-spreads, GET /api/arbitrage/signals) or, with
// --standalone, from an in-process node on the embedded default.
//
// The loop only needs a `scan_fetch` (target -> body), so the view is the
// same whichever way the documents arrive: over HTTP (http_scan_fetch) or
// from an in-process node (run_scan_standalone, nodes/scan_standalone.cpp).

#include <chrono>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include "messages/expected.hpp"
#include "nodes/scan_view.hpp"

namespace CLI {
class App;
}

namespace xarb::cli {

/// Fetches a path + query like "/api/market/top-spreads?limit=20&sort=notional"
/// and returns the body (HTTP 200) or an error_info with a clear message.
using scan_fetch = std::function<xarb::expected<std::string>(const std::string& target)>;

/// The sort keys the node accepts.
inline constexpr std::string_view scan_sort_keys[] = {"spread", "notional", "funding", "carry"};
inline constexpr int scan_max_limit = 500;

/// "/api/market/top-spreads?limit=N&sort=KEY&VENUE_fallback_leverage=N..."
/// with every key and value percent-encoded (RFC 3986 unreserved kept).
std::string top_spreads_target(const scan_options& opts);

/// "/api/arbitrage/signals?limit=5": the newest signals the view shows.
std::string signals_target(const scan_options& opts);

/// Percent-encodes everything but ALPHA / DIGIT / "-" / "." / "_" / "~".
std::string percent_encode(std::string_view s);

/// "VENUE=N" from --fallback-leverage: VENUE non-empty printable ASCII,
/// N a positive decimal number ("5", "2.5"). Errors (parse_error) say why.
expected<std::pair<std::string, std::string>> parse_fallback_leverage(std::string_view text);

/// Checks what the CLI validators check (for callers that build options by
/// hand): sort key, limit 1..500, interval > 0, fallback entries well formed
/// and venues unique, url parseable unless standalone. nullopt if valid.
std::optional<std::string> validate_scan_options(const scan_options& opts);

/// Adds `scan` and its options to the app, validated at parse time (a bad
/// value is a CLI11 parse error: usage, exit 2). Fills `opts` when parsed.
CLI::App* add_scan_subcommand(CLI::App& app, scan_options& opts);

/// The loop: fetch both documents, render, print (clear the screen unless
/// plain), sleep interval_s, until `iterations` frames are done or SIGINT /
/// SIGTERM (handlers that only set a flag, restored on return). Returns the
/// exit code: 0 ok; 1 if the first fetch fails (the message on `err`); a
/// later failure is shown above the last good frame and retried.
/// Plain when opts.plain or `out` is not a terminal's std::cout; width from
/// opts.width, else the terminal's (TIOCGWINSZ), else 120.
int run_scan(const scan_options& opts, const scan_fetch& fetch, std::ostream& out,
             std::ostream& err);

/// A scan_fetch over HTTP to `url` (see parse_http_url; plain http only).
/// A non-200 answer is an error quoting the body's "error"/"message"; a
/// refused connection says how to start a node. A bad URL makes every
/// fetch fail with the parse error.
scan_fetch http_scan_fetch(const std::string& url, std::chrono::milliseconds timeout);

/// Timeout per request of `xarb scan` against a node.
inline constexpr std::chrono::milliseconds scan_http_timeout{3000};

/// `xarb scan --standalone`: runs the embedded default (or opts.config_file)
/// in-process and shows its scanner. Defined in nodes/scan_standalone.cpp.
int run_scan_standalone(const scan_options& opts, std::ostream& out, std::ostream& err);

} // namespace xarb::cli
