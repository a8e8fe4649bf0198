#pragma once
// The control surface the HTTP routes drive: operator commands for the risk
// guard (kill switch, docs/RISK.md) and the bearer token that guards them.
// Pure (no CAF, no Beast): the node supplies `send`, which forwards the
// command to the risk guard actor; tests supply a recording fake.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/expected.hpp"

namespace xarb {

class scan_board;

enum class control_kind {
  halt,         ///< HALTED everywhere, every open order cancelled
  flatten_all,  ///< reduce-only unwind of every pair
  flatten_pair, ///< reduce-only unwind of `target` (a pair id)
  resume,       ///< back to ACTIVE everywhere
  resume_scope, ///< resume only `target` (a pair id, a venue or a symbol)
  engine_start, ///< every pair trades again (entries allowed)
  engine_stop,  ///< no pair opens anything; positions stay managed
  set_mode,     ///< every pair to mode `target` (normal_arb | zero_wear)
  live_orders,  ///< live order switch: target "on" | "off" (already confirmed)
};

/// Stable snake_case name ("flatten_pair"), used as "command" in replies.
constexpr std::string_view to_string(control_kind k) noexcept {
  switch (k) {
    case control_kind::halt: return "halt";
    case control_kind::flatten_all: return "flatten_all";
    case control_kind::flatten_pair: return "flatten_pair";
    case control_kind::resume: return "resume";
    case control_kind::resume_scope: return "resume_scope";
    case control_kind::engine_start: return "engine_start";
    case control_kind::engine_stop: return "engine_stop";
    case control_kind::set_mode: return "set_mode";
    case control_kind::live_orders: return "live_orders";
  }
  return "unknown";
}

struct control_command {
  control_kind kind = control_kind::halt;
  std::string target; ///< pair id (flatten_pair) or scope (resume_scope), else ""
  std::string reason; ///< operator's text, "" = the guard's default
  friend bool operator==(const control_command&, const control_command&) = default;
};

/// GET /api/export/{kind}.csv: what to export (raw query texts, decoded).
struct export_query {
  std::string kind;  ///< fills, orders, events, spreads, funding
  std::string from;  ///< "" = no bound; ISO-8601 UTC or integer ns
  std::string to;    ///< "" = no bound (exclusive)
  std::string pair;  ///< "" = every pair
};

/// GET /api/history/{symbol}: which samples (raw query texts, decoded).
struct history_query {
  std::string symbol;
  std::string venue;          ///< "" = every venue
  std::string from;           ///< "" = 24 h before `to`; ISO-8601 UTC or integer ns
  std::string to;             ///< "" = now (exclusive)
  std::size_t limit = 2000;   ///< samples at most (oldest first; next_from pages on)
};

/// POST /api/pairs/{id}/params: the outcome of a parameter change.
struct params_result {
  /// Every problem, "KEY: what is wrong" (nothing changed); empty = applied.
  std::vector<std::string> errors;
  /// The pair's full parameters after the change (JSON object), when applied.
  std::string params_json;
  /// Non-empty: the change could not be delivered (503), e.g. no trader.
  std::string unavailable;
};

/// The live-order switch's preconditions (POST /api/runtime/order-execution).
struct live_order_policy {
  /// The config allows live orders at all (market.execution = "live").
  bool configured = false;
  /// The exact text an operator must send as confirm_text to switch on.
  std::string confirm_text = "ENABLE_LIVE_ORDER";
};

/// POST /api/config: the outcome of saving a config change.
struct config_save_result {
  /// Every problem, "venues.sim-c.market_data: what is wrong" (400, nothing
  /// saved); empty = valid.
  std::vector<std::string> errors;
  /// Non-empty: valid, but the file could not be written (500).
  std::string failure;
  bool saved = false;             ///< the file was written (false on a dry run)
  std::string path;               ///< the file (absolute)
  /// Dotted keys whose value differs from the config the node started from.
  std::vector<std::string> changed;
  bool restart_required = false;  ///< changed is not empty: applied at the next start
  std::string config_json;        ///< the saved config, secrets masked
};

/// GET /api/config/file: the saved config file.
struct config_file_info {
  std::string path;               ///< where POST /api/config writes (absolute)
  bool exists = false;
  /// The file (or, without one, the embedded default) gives the config the
  /// node started from: no restart pending.
  bool running_matches = false;
  std::string config_json;        ///< its effective config, secrets masked; "" if invalid
  std::vector<std::string> errors; ///< why the file does not load (empty if it does)
};

struct control_api {
  /// Required as `Authorization: Bearer <token>` on every state-changing
  /// request. Empty = control disabled (every POST answers 403).
  std::string token;
  /// Delivers a command; returns "" when handed over, else why not (the
  /// route answers 503). Called on an HTTP I/O thread: must be thread-safe
  /// and must not block.
  std::function<std::string(const control_command&)> send;
  /// The store's records as CSV (`xarb export` over HTTP). An error with
  /// code parse_error or config_error is the request's fault (400), any
  /// other the node's (500). Null: the export route answers 503. Called on
  /// an HTTP I/O thread: must be thread-safe.
  std::function<expected<std::string>(const export_query&)> export_csv;
  /// Validates a parameter patch (a JSON object of [strategy] keys, with an
  /// optional "signal" object) against the pair's current parameters and,
  /// if valid, applies it. Null: the params route answers 503. Thread-safe.
  std::function<params_result(const std::string& pair_id, std::string_view patch_json)>
    update_params;
  /// GET /api/config: the effective config as JSON, secrets masked.
  std::string config_json;
  /// POST /api/config: merges a partial config (JSON, the GET /api/config
  /// shape) onto the saved file, validates it like the startup loader and,
  /// unless `dry_run`, writes it. Null: the route answers 503. Thread-safe.
  std::function<config_save_result(std::string_view patch_json, bool dry_run)> config_save;
  /// GET /api/config/file. Null: the route answers 503. Thread-safe.
  std::function<config_file_info()> config_file;
  /// GET /api/symbols: instruments per symbol and venue (JSON array).
  std::string symbols_json;
  /// The same computed per request (real venues list at runtime); when set
  /// it is used instead of symbols_json. Thread-safe.
  std::function<std::string()> symbols_source;
  /// GET /api/venues: the request budget headroom of one venue as a JSON
  /// object ("" = none known). Thread-safe.
  std::function<std::string(const std::string& venue)> rate_limit_json;
  live_order_policy live_orders;
  /// The scanner's results (top-spreads, funding, signals); null = no
  /// scanner in this node (those routes answer 503).
  const scan_board* scan = nullptr;
  /// Spread and funding history from the store (JSON); errors as for
  /// export_csv. Null: the history route answers 503. Thread-safe.
  std::function<expected<std::string>(const history_query&)> history;
  /// Market data modes this build can switch to ("sim"; "live" once venue
  /// adapters exist and are configured).
  std::vector<std::string> data_modes{"sim"};
};

/// True iff `a == b`, in time that depends only on the sizes (never on
/// where the first difference is), so a token cannot be guessed bytewise.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

/// True iff `authorization` (an Authorization header value) is
/// "Bearer <token>" (scheme case-insensitive) with exactly `token`.
/// Always false for an empty `token`.
bool bearer_matches(std::string_view authorization, std::string_view token) noexcept;

} // namespace xarb
