#pragma once
// The node configuration: one TOML file (deploy/xarb.example.toml documents
// every key), validated strictly, with a few environment overrides.
//
// Precedence, lowest to highest:
//   1. built-in defaults: default_config() == deploy/xarb.example.toml
//   2. the TOML file: --config, else <data_dir>/xarb.toml when it exists
//      (saved by POST /api/config: nodes/config_save.hpp, nodes/main.cpp).
//      A missing section or key keeps its default; [[sim.symbols]] /
//      [[sim.venues]] / [[pairs]] replace the whole list.
//   3. environment: XARB_LISTEN -> web.listen, XARB_DATA_DIR -> node.data_dir,
//      XARB_LOG_LEVEL -> node.log_level (an empty variable counts as unset)
//   4. command-line flags (nodes/main.cpp), then validate() once more.
//
// Strictness: unknown keys (anywhere), wrong types, out-of-range values, bad
// listen addresses, duplicate venue/symbol names, pairs naming unknown venues
// or symbols and decimals that do not parse are all errors. Every error is
// collected and reported together, one per line, as
//   FILE:LINE:COLUMN: toml.path: what is wrong
// Exact decimals (prices, fees, sizes) are TOML strings ("0.0002") or
// integers; TOML floats are rejected for them because they are inexact.
//
// Strategy: [strategy] and [strategy.signal] hold core/strategy/params.hpp's
// pair_params, the defaults of every pair; a [[pairs]] entry starts from them
// and overrides any strategy key it gives (signal keys in [pairs.signal]).
// Durations are keys in ms or s (leg_timeout_ms, max_hold_s), integers or
// floats; the signal window is given in samples (window) or seconds
// (window_s, converted with that table's sample_interval_ms).
//
// Risk: [risk] and its sub-tables hold core/risk/risk_config.hpp's
// risk_config (breaker durations as _ms / _s keys, capital shares as exact
// ratio strings). A [[risk.venues]] entry starts from [risk]'s
// default_max_leverage / default_margin_leverage and [risk.rate_limits], and
// overrides what it gives; [[risk.venues]] and [[risk.capital.pools]] must
// name a venue ([[sim.venues]] or a live [venues.<name>]).
//
// Venues: [venues.<name>] switches a venue off (enabled = false: no session,
// no pairs; an explicit [[pairs]] entry on it is skipped with a warning) and
// holds its market data mode and credentials. With market_data = "sim" the
// name is a [[sim.venues]] name; with market_data = "live" the venue is a real
// one (issue 9): its protocol is `adapter` (a venues/common codec name; "" =
// the table's name), on `network` mainnet or testnet, with optional endpoint
// overrides (a mock on loopback), books to watch, an HTTP proxy, a CA bundle
// and fee overrides. Everything that names a venue ([[pairs]], [[risk.venues]],
// capital pools, [scanner.fallback_leverage]) accepts both kinds. At least one
// venue must stay enabled.
//
// Secrets: the venue credentials (api_key, api_secret, passphrase) and the
// user:pass of a proxy URL. to_toml() writes them (it is the file format: the
// config file and POST /api/config need them); describe() never prints them,
// config_to_json() shows "" for an unset credential and "<redacted>" for a
// set one (a proxy as http://<redacted>@host:port), redact_secrets() masks
// them before the config is stored. Error messages never quote their values.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/risk/risk_config.hpp"
#include "core/strategy/params.hpp"
#include "messages/decimal.hpp"
#include "messages/error_code.hpp"
#include "messages/expected.hpp"
#include "venues/common/units.hpp"
#include "venues/sim/sim_config.hpp"

namespace xarb {

struct node_section {
  std::string name = "xarb";        ///< node name in logs, /api/status, metrics
  std::string data_dir = "./data";  ///< created if missing
  std::string log_level = "info";   ///< trace|debug|info|warn|error|critical|off
  bool log_json = false;            ///< one JSON object per log line
};

struct web_section {
  std::string listen = "127.0.0.1:8080"; ///< HOST:PORT, literal IP; port 0 = any free port
  /// The bearer token's file when XARB_API_TOKEN is unset ("" =
  /// <data_dir>/api_token); created 0600 with a random token if missing.
  std::string token_file;
  int threads = 2;                ///< HTTP I/O threads (1..16)
  int max_body_bytes = 16384;     ///< request body limit (413 beyond)
  double rate_limit_rps = 50;     ///< per client address; 0 = no limit
  double rate_limit_burst = 100;  ///< bucket size
  int stream_interval_ms = 250;   ///< /ws/stream delta throttle (10..10000)
  int ws_max_clients = 256;       ///< WebSocket clients at most
  int ws_queue_bytes = 4194304;   ///< per client: a slower one is dropped
  /// What an operator must type to switch live orders on.
  std::string live_confirm_text = "ENABLE_LIVE_ORDER";
  std::string ui_dir;       ///< the console's build output; "" = the compiled-in web/ui/dist
  int equity_sample_s = 5;  ///< equity curve sample interval (1..3600 s)
};

struct scheduler_section {
  int max_threads = 0;              ///< CAF worker threads; 0 = number of cores
  std::string policy = "stealing";  ///< "stealing" | "sharing"
  bool low_latency = false;         ///< workers spin instead of sleeping (burns CPU)
  /// Pair decisions run inside the venue sessions' handlers, without an
  /// actor hop after the book update (actors/engine_host.hpp).
  bool inline_decisions = false;
};

struct supervision_section {
  int max_restarts = 5;             ///< restarts allowed within period_s, then escalate
  int period_s = 30;
  int backoff_initial_ms = 100;     ///< first restart delay, doubled up to backoff_max_ms
  int backoff_max_ms = 10'000;
};

struct shutdown_section {
  int grace_ms = 5'000;             ///< per stage, before actors are killed
};

struct market_section {
  std::string data = "sim";         ///< only "sim" in this version (per venue: [venues.<name>] market_data)
  std::string execution = "paper";  ///< only "paper" in this version
  /// REST snapshot vs WebSocket book comparison, every this many seconds
  /// per book (0 = off); a mismatch trips risk.breakers.book_consistency.
  double consistency_check_s = 60;
  /// [market.canonical_units]: base asset (upper case) -> coins per
  /// canonical unit of real venues' instruments, over the built-in table
  /// (venues/common/units.hpp unit_table::defaults(); canonical_unit_table()).
  std::map<std::string, int64_t, std::less<>> canonical_units;
  friend bool operator==(const market_section&, const market_section&) = default;
};

/// Retention per column family of the store (issue 5), in days; 0 = kept
/// forever. Applied by compaction.
struct storage_retention {
  int orders = 0;
  int fills = 0;
  int positions = 0;
  int events = 30;
  int spreads = 7;
  int market = 1;
  int config = 0;
  int history = 30;  ///< the scanner's market samples (one per symbol per interval)
  friend bool operator==(const storage_retention&, const storage_retention&) = default;
};

/// [scanner]: the cross-venue scanner and funding monitor (actors/scanner.hpp).
struct scanner_section {
  bool enabled = true;
  int refresh_ms = 500;              ///< one refresh (and one signal sample) this often
  int top_n = 20;                    ///< default limit of top-spreads, size of the rankings topic
  std::string sort = "notional";     ///< default key: spread | notional | funding | carry
  int stale_after_ms = 5000;         ///< a quote older than this is stale (never ranked)
  int funding_basis_hours = 8;       ///< funding rates shown per this many hours
  int carry_horizon_hours = 8;       ///< funding counted in the net expected carry
  /// Leverage of a venue that publishes none, by venue ([scanner.fallback_leverage]).
  std::map<std::string, int, std::less<>> fallback_leverage;
  int default_fallback_leverage = 1; ///< for venues not listed there
  double signal_threshold_bps = 60;  ///< a signal: spread >= this (0.6 %) ...
  int signal_samples = 3;            ///< ... for this many consecutive refreshes,
  int signal_cooldown_s = 30;        ///< then quiet this long per symbol and direction
  int signals_kept = 50;             ///< the latest signals kept for the API
  int history_interval_s = 60;       ///< one sample per symbol to storage; 0 = none
  friend bool operator==(const scanner_section&, const scanner_section&) = default;
};

/// [storage]: the RocksDB store at node.data_dir + "/db" (actors/storage).
struct storage_section {
  bool sync_journal = true;     ///< fsync each order-journal write (write-ahead)
  int batch_max = 1000;         ///< storage sink: flush at this many records
  int flush_ms = 50;            ///< storage sink: flush at least this often
  bool record_market = false;   ///< keep book snapshots/deltas for replay
  /// The simulated venues keep their order flow in node.data_dir + "/sim"
  /// and are rebuilt from it after a restart (they keep our positions,
  /// orders and fills like real venues). Off: every start is a new exchange.
  bool sim_history = true;
  storage_retention retention_days;
  friend bool operator==(const storage_section&, const storage_section&) = default;
};

/// [venues.<name>]: per venue whether the node uses it and with which
/// market data, endpoints and credentials. A venue without a table has the
/// defaults. A simulated venue's name is a [[sim.venues]] name; a live one's
/// is any name (its protocol is `adapter`, or the name itself). The keys from
/// adapter to taker_fee are for live venues only (a simulated venue must keep
/// their defaults). Credentials and a proxy's user:pass are secrets:
/// describe() never prints them, config_to_json() masks them,
/// redact_secrets() blanks them for storage.
struct venue_section {
  bool enabled = true;              ///< false: no session, no pairs, not in readiness or the scanner
  std::string market_data = "sim";  ///< "sim" | "live"
  /// live: the venue protocol, one of venues::codec_names(); "" = the table's name.
  std::string adapter;
  std::string network = "mainnet";  ///< live: "mainnet" | "testnet" (the adapter's base URLs)
  std::string ws_url;               ///< live: ws[s]://host[:port][/path] over the network's; "" = the network's
  std::string rest_url;             ///< live: http[s]://host[:port][/path] over the network's; "" = the network's
  /// live: canonical symbols ("BTC-PERP") to watch; empty = the symbols of
  /// the [[pairs]] on this venue (resolved by the node).
  std::vector<std::string> symbols;
  std::string proxy;                ///< live: "" | "http://[user:pass@]host:port" (user:pass is a secret)
  std::string ca_file;              ///< live: "" = the system CA store, else a PEM bundle (must exist)
  std::optional<ratio> maker_fee;   ///< live: nullopt ("" in the file) = the venue's base tier
  std::optional<ratio> taker_fee;   ///< live: nullopt ("" in the file) = the venue's base tier
  std::string api_key;              ///< "" = unset
  std::string api_secret;           ///< "" = unset
  std::string passphrase;           ///< "" = unset
  friend bool operator==(const venue_section&, const venue_section&) = default;
};

/// One explicitly configured pair ([[pairs]]).
struct pair_entry {
  std::string symbol;
  std::string venue_a;
  std::string venue_b;
  /// [strategy] overridden by the strategy keys given in this [[pairs]]
  /// table (nested ones under [pairs.signal]).
  strategy::pair_params params;
  friend bool operator==(const pair_entry&, const pair_entry&) = default;
};

struct node_config {
  node_section node;
  web_section web;
  scheduler_section scheduler;
  supervision_section supervision;
  shutdown_section shutdown;
  market_section market;
  storage_section storage;          ///< [storage]
  scanner_section scanner;          ///< [scanner]
  strategy::pair_params strategy;   ///< [strategy]: the defaults of every pair
  sim::world_config sim;            ///< venues/sim/sim_config.hpp
  std::vector<pair_entry> pairs;    ///< empty = every venue pair of every symbol
  risk::risk_config risk;           ///< [risk]: core/risk/risk_config.hpp
  /// [venues.<name>] tables given in the file; venue_of() fills in defaults.
  std::map<std::string, venue_section, std::less<>> venues;
};

/// The [venues.<name>] settings of `venue` (the defaults when it has no table).
const venue_section& venue_of(const node_config& cfg, std::string_view venue);

/// True unless [venues.<venue>] enabled = false.
bool venue_enabled(const node_config& cfg, std::string_view venue);

/// True when [venues.<venue>] has market_data = "live" (enabled or not).
bool venue_is_live(const node_config& cfg, std::string_view venue);

/// The live venue's protocol: [venues.<venue>] adapter, or the name itself
/// when adapter is "" (a codec name once the config is valid).
std::string venue_adapter(const node_config& cfg, std::string_view venue);

/// The enabled live venues, sorted by name.
std::vector<std::string> live_venues(const node_config& cfg);

/// The venues the node uses (enabled): the [[sim.venues]] names that stay
/// simulated, in configuration order, then live_venues().
std::vector<std::string> enabled_venues(const node_config& cfg);

/// The node's market data source as GET /api/status and
/// /api/runtime/market-data-mode report it: "live" when every enabled venue
/// reads a real venue, "mixed" when some do, else market.data ("sim").
std::string effective_data_mode(const node_config& cfg);

/// True for a [[sim.venues]] name that stays simulated or a live venue.
bool venue_known(const node_config& cfg, std::string_view venue);

/// The canonical unit table of real venues' instruments:
/// unit_table::defaults() with [market.canonical_units] added or overriding.
venues::unit_table canonical_unit_table(const node_config& cfg);

/// `url` with the user:pass of its authority replaced by "<redacted>"
/// ("http://<redacted>@host:3128"); unchanged when it has none.
std::string redact_url_credentials(std::string_view url);

/// The explicit [[pairs]] that name a disabled venue, as "pairs[i] SYMBOL:A/B
/// (venue X is disabled)": the node skips them (a warning and an event).
std::vector<std::string> skipped_pairs(const node_config& cfg);

/// `cfg` with every credential that is set replaced by "<redacted>" and a
/// proxy's user:pass masked (redact_url_credentials), for the stored config
/// history and anything else that leaves the process.
node_config redact_secrets(node_config cfg);

/// The embedded default (sim section: sim::default_world_config()).
node_config default_config();

/// Parses and validates TOML text. `source` names the text in messages.
expected<node_config> load_config_string(std::string_view text,
                                         std::string_view source = "<config>");

/// Reads, parses and validates a TOML file.
expected<node_config> load_config_file(const std::string& path);

/// Looks up an environment variable; nullopt if unset.
using env_lookup = std::function<std::optional<std::string>(const char* name)>;

/// The process environment (::getenv).
std::optional<std::string> process_env(const char* name);

/// Applies XARB_LISTEN, XARB_DATA_DIR and XARB_LOG_LEVEL. Returns the
/// problems with the values that were applied ("env XARB_LISTEN: ..."), or
/// no error. Callers run validate() afterwards anyway.
error_info apply_env_overrides(node_config& cfg, const env_lookup& env = process_env);

/// Semantic validation of a config built in code or changed after loading
/// (ranges, names, cross references); every problem, one per line.
error_info validate(const node_config& cfg);

/// One line for the start-up log: the effective settings, sim and pairs
/// summarized. Secrets are never shown (only which venues have credentials).
std::string describe(const node_config& cfg);

/// POST /api/pairs/{id}/params: a JSON object of [strategy] keys (signal
/// keys in a nested "signal" object; {"params":{...}} is accepted too)
/// applied over `base`, read by the config file's reader and checked by
/// the same rules. `errors` holds every problem ("params.KEY: ..."), empty
/// when `params` is the new, valid set.
struct params_patch {
  strategy::pair_params params;
  std::vector<std::string> errors;
};
params_patch patch_params_json(const strategy::pair_params& base, std::string_view patch);

/// Every [strategy] key of `p` as one JSON object (signal keys in "signal"),
/// in the config file's keys and units.
std::string params_to_json(const strategy::pair_params& p);

/// True for a config key whose value must never be shown: one containing
/// secret, password, passphrase, private, api_key, token or signing, unless
/// it names a location (ends in _file, _path or _dir).
bool is_secret_key(std::string_view key) noexcept;

/// GET /api/config: the effective configuration as JSON, every secret-like
/// key (secret, password, passphrase, private, api_key, token, signing)
/// replaced by "<redacted>" wherever it appears (is_secret_key), unless it
/// is "" (unset stays "", so a reader can tell set from unset); proxy,
/// ws_url and rest_url with their user:pass masked (redact_url_credentials).
/// Lists venues.<name> for every [[sim.venues]] entry, defaults included,
/// and every live venue.
std::string config_to_json(const node_config& cfg);

/// The complete effective configuration as TOML that load_config_string()
/// reads back to an identical config (check-config --print, drift tests).
std::string to_toml(const node_config& cfg);

} // namespace xarb
