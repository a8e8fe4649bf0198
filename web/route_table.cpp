// The route table: every route of the web actor, with its documentation.
// Adding a route here serves it (web/routes.cpp) and documents it
// (/api/openapi.json); docs/API.md describes the bodies in prose.
#include "web/route_table.hpp"

namespace xarb::web_detail {

namespace {

constexpr std::string_view reason_body =
  R"({"type":"object","additionalProperties":false,"properties":{"reason":{"type":"string","maxLength":200,"description":"operator's note, logged and passed to the risk guard"}}})";

constexpr query_doc q_reason{"reason", "string", "operator's note (at most 200 characters); also accepted in the JSON body"};
constexpr query_doc q_limit{"limit", "integer", "most recent entries to return (1..1000, default 100)"};
constexpr query_doc q_after{"after", "integer", "only entries with seq greater than this (poll with the last seq seen)"};
constexpr query_doc q_pair{"pair", "string", "only this pair id, e.g. BTC-PERP:sim-a/sim-b"};

constexpr route_spec table[] = {
  // -- system --------------------------------------------------------------------
  {"GET", "/healthz", "healthz", "system", "Liveness: 200 while the process runs", "",
   "", {}, "", content_type_text, 200, "", get_healthz},
  {"GET", "/readyz", "readyz", "system",
   "Readiness: 200 when every expected book is synced, else 503 with the reason", "", "",
   {}, "", content_type_json, 200, "503", get_readyz},
  {"GET", "/metrics", "metrics", "system", "Prometheus metrics (text exposition 0.0.4)",
   "Every family is prefixed xarb_; docs/METRICS.md lists them.", "", {}, "",
   content_type_metrics, 200, "", get_metrics},
  {"GET", "/api/openapi.json", "openapi", "system", "This document (OpenAPI 3.0)", "", "",
   {}, "", content_type_json, 200, "", get_openapi},
  {"GET", "/ws/stream", "stream", "system", "Live stream (WebSocket upgrade)",
   "Topics tops, spreads, pairs, orders, fills, events, risk, venues, rankings, signals, "
   "equity: a "
   "snapshot, then "
   "throttled deltas. Bearer token in the Authorization header of the upgrade or as the "
   "first message {\"op\":\"auth\",\"token\":\"...\"}. docs/API.md describes the protocol. "
   "A plain GET answers 426.",
   "", {}, "", content_type_json, 101, "401 403 426 503", get_ws_stream},
  {"GET", "/api/status", "status", "system",
   "Node, venues with their books, pairs, P&L per venue and the risk snapshot", "", "", {},
   "", content_type_json, 200, "", get_status},
  {"GET", "/api/config", "config", "system", "The effective configuration, secrets masked",
   "", "", {}, "", content_type_json, 200, "", get_config},
  {"GET", "/api/config/file", "config_file", "system",
   "The saved config file: its path, whether the node runs it, its config (secrets masked)",
   "The file POST /api/config writes: the --config file, or <data_dir>/xarb.toml when the "
   "node runs the embedded default (exists false until the first save). running_matches: "
   "the node runs what the file says (no restart pending). errors: why the file does not "
   "load (config null then).",
   "", {}, "", content_type_json, 200, "503", get_config_file},
  // -- market --------------------------------------------------------------------
  {"GET", "/api/symbols", "symbols", "market",
   "Instruments: per canonical symbol, each venue's contract and trading rules", "", "", {},
   "", content_type_json, 200, "", get_symbols},
  {"GET", "/api/market/top-spreads", "top_spreads", "market",
   "Cross-venue scanner: every common symbol x venue pair ranked by a key",
   "Both directions' executable spreads (bps), notional spread = spread x min leverage of "
   "the two venues, funding normalised to one interval, its differential (annualised) and "
   "the net expected carry. Rows of a stale venue (session not ready, old or unsynced "
   "quote) are listed under stale, never ranked.",
   "",
   {query_doc{"limit", "integer", "rows to return (1..500, default [scanner] top_n)"},
    query_doc{"sort", "string", "spread | notional | funding | carry (default [scanner] sort)"},
    query_doc{"symbol", "string", "only this canonical symbol, e.g. BTC-PERP"},
    query_doc{"venue", "string", "only rows with this venue"},
    query_doc{"include_stale", "boolean", "list stale rows (default true; never ranked)"},
    query_doc{"force_refresh", "boolean", "accepted for compatibility: rankings are always "
                                          "computed from the latest refresh"},
    query_doc{"*_fallback_leverage", "integer",
              "leverage (1..1000) used for that venue when it publishes none, e.g. "
              "paradex_fallback_leverage=2"}},
   "", content_type_json, 200, "400 503", get_top_spreads},
  {"GET", "/api/market/funding", "funding", "market",
   "Funding monitor: every common symbol's rates on each venue, normalised to one interval",
   "Largest differential first: the venue to short (pays most) and to long (pays least), "
   "in bps per [scanner] funding_basis_hours and annualised.",
   "",
   {query_doc{"limit", "integer", "symbols to return (1..5000, default 50)"},
    query_doc{"symbol", "string", "only this canonical symbol"}},
   "", content_type_json, 200, "400 503", get_funding},
  {"GET", "/api/arbitrage/signals", "signals", "market",
   "Persistent opportunities: the latest signals, newest first",
   "A signal is a spread at or above [scanner] signal_threshold_bps for signal_samples "
   "consecutive refreshes, then quiet for signal_cooldown_s; the latest 50 are kept.",
   "",
   {query_doc{"limit", "integer", "signals to return (1..1000, default all kept)"}, q_after},
   "", content_type_json, 200, "400 503", get_signals},
  {"GET", "/api/history/{symbol}", "history", "market",
   "Spread and funding history of one symbol, sampled by the scanner",
   "Per venue the sampled quotes and funding, per venue pair the spreads derived from them; "
   "oldest first, at most limit samples (next_from pages on).",
   "canonical symbol, e.g. BTC-PERP",
   {query_doc{"venue", "string", "only this venue (and the spreads it is part of)"},
    query_doc{"from", "string", "from this time, inclusive: ISO-8601 UTC or ns (default 24 h "
                                "before to)"},
    query_doc{"to", "string", "up to this time, exclusive: ISO-8601 UTC or ns (default now)"},
    query_doc{"limit", "integer", "samples at most (1..10000, default 2000)"}},
   "", content_type_json, 200, "400 404 503", get_history},
  {"GET", "/api/venues", "venues", "market",
   "Venues: state, book ages, order latency, reconnects, resyncs, request budget headroom",
   "", "", {}, "", content_type_json, 200, "", get_venues},
  // -- trading -------------------------------------------------------------------
  {"GET", "/api/pairs", "pairs", "trading",
   "Every pair: spread, z-score, phase, positions, P&L", "", "", {}, "", content_type_json,
   200, "", get_pairs},
  {"GET", "/api/pairs/{id}", "pair", "trading",
   "One pair with its legs and its strategy parameters", "",
   "pair id, URL-encoded: BTC-PERP%3Asim-a%2Fsim-b", {}, "", content_type_json, 200,
   "400 404", get_pair},
  {"GET", "/api/positions", "positions", "trading",
   "Positions per pair and leg, and net per venue and symbol", "", "", {}, "",
   content_type_json, 200, "", get_positions},
  {"GET", "/api/orders", "orders", "trading", "Order transitions, newest last",
   "The log holds the latest 2000 transitions; state=open lists the orders still working.",
   "",
   {q_limit, q_after, q_pair,
    query_doc{"state", "string", "open: only orders still working (latest transition each)"}},
   "", content_type_json, 200, "400", get_orders},
  {"GET", "/api/fills", "fills", "trading", "Fills booked, newest last",
   "The latest 2000; GET /api/export/fills.csv has the full history.", "",
   {q_limit, q_after, q_pair}, "", content_type_json, 200, "400", get_fills},
  {"GET", "/api/pnl", "pnl", "trading",
   "P&L: node total, per venue and per pair (realized, fees, funding, unrealized, net)",
   "Exact decimal strings in the quote currency; fees positive = paid.", "", {}, "",
   content_type_json, 200, "", get_pnl},
  {"GET", "/api/pnl/equity", "pnl_equity", "trading",
   "Equity curve: the /api/pnl total sampled every [web] equity_sample_s seconds",
   "Points {seq, ts_ns, realized, fees, funding, unrealized, net} (exact decimal strings), "
   "oldest first; the node keeps the latest 17280 (24 h at 5 s).",
   "",
   {query_doc{"limit", "integer", "newest points to return (1..20000, default 2000)"},
    q_after},
   "", content_type_json, 200, "400", get_pnl_equity},
  {"GET", "/api/events", "events", "trading", "Operational events, newest last",
   "The latest 2000 events of pair traders, the risk guard and the node.", "",
   {q_limit, q_after}, "", content_type_json, 200, "400", get_events},
  // -- risk ----------------------------------------------------------------------
  {"GET", "/api/risk", "risk", "risk",
   "Risk snapshot: limits, utilisation, states, breakers, capital layers", "", "", {}, "",
   content_type_json, 200, "503", get_risk},
  // -- export --------------------------------------------------------------------
  {"GET", "/api/export/{kind}.csv", "export", "export",
   "The store's records as CSV (xarb export over HTTP)", "",
   "fills, orders, events, spreads, funding or history (pair = the symbol for history)",
   {query_doc{"from", "string", "inclusive start: ISO-8601 UTC or integer ns"},
    query_doc{"to", "string", "exclusive end: ISO-8601 UTC or integer ns"}, q_pair},
   "", "text/csv; charset=utf-8", 200, "400 404 503", get_export},
  // -- control (bearer token) ----------------------------------------------------
  {"POST", "/api/engine/start", "engine_start", "control",
   "Trading on: every pair may open positions again", "", "", {q_reason}, reason_body,
   content_type_json, 202, "400 503", post_engine_start},
  {"POST", "/api/engine/stop", "engine_stop", "control",
   "Trading off: no pair opens anything; open positions stay managed and hedged", "", "",
   {q_reason}, reason_body, content_type_json, 202, "400 503", post_engine_stop},
  {"POST", "/api/mode", "mode", "control", "Every pair to normal_arb or zero_wear", "", "",
   {},
   R"({"type":"object","required":["mode"],"additionalProperties":false,"properties":{"mode":{"type":"string","enum":["normal_arb","zero_wear"]}}})",
   content_type_json, 202, "400 503", post_mode},
  {"POST", "/api/pairs/{id}/params", "pair_params", "control",
   "Change a pair's strategy parameters (validated; every problem listed on failure)",
   "The body is an object of [strategy] config keys (docs/CONFIG.md), with signal keys in "
   "a nested \"signal\" object; {\"params\":{...}} is accepted too. Keys not given keep "
   "their value. 400 invalid_params lists every problem; nothing changes then.",
   "pair id, URL-encoded",
   {},
   R"({"type":"object","description":"[strategy] keys, e.g. {\"min_profit_bps\":3,\"signal\":{\"z_entry\":2.5}}","additionalProperties":true})",
   content_type_json, 200, "400 404 415 503", post_pair_params},
  {"POST", "/api/pairs/{id}/flatten", "pair_flatten", "control",
   "Reduce-only unwind of one pair", "", "pair id, URL-encoded", {q_reason}, reason_body,
   content_type_json, 202, "400 404 503", post_pair_flatten},
  {"POST", "/api/flatten-all", "flatten_all", "control", "Reduce-only unwind of every pair",
   "", "", {q_reason}, reason_body, content_type_json, 202, "400 503", post_flatten_all},
  {"POST", "/api/halt", "halt", "control",
   "Kill switch: HALTED everywhere, every open order cancelled", "", "", {q_reason},
   reason_body, content_type_json, 202, "400 503", post_halt},
  {"POST", "/api/resume", "resume", "control",
   "Leave HALTED/REDUCING: everything, or one scope (pair id, venue or symbol)", "", "",
   {q_reason, query_doc{"scope", "string", "pair id, venue or symbol; omit for all"}},
   R"({"type":"object","additionalProperties":false,"properties":{"reason":{"type":"string","maxLength":200},"scope":{"type":"string","minLength":1,"maxLength":200}}})",
   content_type_json, 202, "400 404 503", post_resume},
  {"POST", "/api/runtime/order-execution", "order_execution", "control",
   "Live order switch",
   "Switching on needs market.execution = \"live\" in the config (409 otherwise) and "
   "confirm_text equal to the configured text (400 confirmation_required otherwise). "
   "Switching off always works.",
   "", {},
   R"({"type":"object","required":["live_order_enabled"],"additionalProperties":false,"properties":{"live_order_enabled":{"type":"boolean"},"confirm_text":{"type":"string"}}})",
   content_type_json, 200, "400 409 415 503", post_order_execution},
  {"POST", "/api/runtime/market-data-mode", "market_data_mode", "control",
   "Market data source: simulated or live",
   "Give either simulated_market_data (seed 000's form) or mode. Switching to a source "
   "this node is not configured for answers 409.",
   "", {},
   R"({"type":"object","additionalProperties":false,"properties":{"simulated_market_data":{"type":"boolean"},"mode":{"type":"string","enum":["sim","live"]}}})",
   content_type_json, 200, "400 409 415", post_market_data_mode},
  {"POST", "/api/config", "config_save", "control",
   "Save a config change (validated like the startup config; applied at the next start)",
   "The body is a partial config in the GET /api/config shape, merged onto the saved file: "
   "objects merge, arrays and values replace, null restores a key's default, \"<redacted>\" "
   "keeps a saved secret. 400 invalid_params lists every problem; nothing is written then. "
   "The file is written atomically with mode 0600; the running node is not changed "
   "(restart_required).",
   "", {query_doc{"dry_run", "boolean", "validate only, write nothing (default false)"}},
   R"({"type":"object","description":"partial config, e.g. {\"venues\":{\"sim-c\":{\"enabled\":false}}}","additionalProperties":true})",
   content_type_json, 200, "400 415 500 503", post_config},
};

} // namespace

std::span<const route_spec> route_table() {
  return table;
}

std::optional<std::string_view> match_template(std::string_view tmpl, std::string_view path) {
  auto open = tmpl.find('{');
  if (open == std::string_view::npos) {
    if (tmpl == path)
      return std::string_view{};
    return std::nullopt;
  }
  auto close = tmpl.find('}', open);
  auto prefix = tmpl.substr(0, open);
  auto suffix = tmpl.substr(close + 1);
  if (path.size() <= prefix.size() + suffix.size() || !path.starts_with(prefix)
      || !path.ends_with(suffix))
    return std::nullopt;
  auto value = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
  if (value.empty() || value.find('/') != std::string_view::npos)
    return std::nullopt;
  return value;
}

} // namespace xarb::web_detail
