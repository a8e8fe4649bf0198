#pragma once
// The node's side of the web API (web/control_api.hpp): the runtime state
// operators change (engine on/off, trade mode, each pair's parameters), the
// control commands delivered to the actors, and the documents the API
// serves (symbols, config with secrets masked).
//
// Runtime changes outlive actor restarts: a restarted pair trader is spawned
// from runtime_pairs, not from the config file. They do not outlive the
// process: a restart of the node starts from the config again (each change
// is logged and stored as an event).

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "actors/pair_trader.hpp"
#include "actors/scanner.hpp"
#include "monitoring/scan_board.hpp"
#include "nodes/config.hpp"
#include "nodes/config_save.hpp"
#include "web/api_token.hpp"
#include "web/control_api.hpp"

namespace xarb {

class name_registry;
class status_board;
struct node_config;

namespace risk {
class rate_limit_registry;
}
namespace storage {
class store;
}

/// Every pair's spawn configuration with the operator's runtime changes.
/// Thread-safe (HTTP threads change it, supervisors read it on restart).
class runtime_pairs {
public:
  explicit runtime_pairs(std::vector<pair_config> pairs);

  /// The pair's config as a new trader must start with it.
  pair_config get(const std::string& id) const;
  std::vector<std::string> ids() const;
  bool contains(const std::string& id) const;

  void set_enabled(bool on);
  void set_mode(strategy::trade_mode m);
  /// Validates `patch` (nodes/config.hpp patch_params_json) over the pair's
  /// current parameters and stores the result when valid.
  params_result update_params(const std::string& id, std::string_view patch);
  /// The pair's parameters as JSON (config keys).
  std::string params_json(const std::string& id) const;

private:
  mutable std::mutex mtx_;
  std::map<std::string, pair_config, std::less<>> pairs_;
};

struct node_api_inputs {
  const node_config* cfg = nullptr;
  name_registry* registry = nullptr;
  status_board* board = nullptr;
  risk::rate_limit_registry* limits = nullptr;
  std::shared_ptr<storage::store> store;
  std::shared_ptr<runtime_pairs> pairs;
  std::string token; ///< bearer token ("" = control disabled)
  const scan_board* scan = nullptr; ///< the scanner's results (null: no scanner)
  /// POST /api/config, GET /api/config/file (null: those routes answer 503).
  std::shared_ptr<config_editor> config;
};

/// [scanner] as the scanner actor, the scan_board and the detector take it.
scanner::signal_params signal_params_of(const scanner_section& c);
scanner_settings scanner_settings_of(const scanner_section& c);
/// Watches every enabled venue.
scanner_config scanner_config_of(const node_config& cfg);

/// GET /api/history/{symbol} from the store: samples with from <= ts < to
/// (defaults: the 24 h before now), at most q.limit, as JSON
/// (monitoring/scan_json.hpp write_history). Errors: parse_error for bad
/// times.
expected<std::string> history_json(const storage::store& store, const history_query& q,
                                   int32_t basis_hours, timestamp_ns now);

/// The control API of a running node: commands to the risk guard and the
/// pair traders (found by name, so restarted actors are reached), exports
/// from the store, parameter changes, documents.
std::shared_ptr<const control_api> make_control_api(const node_api_inputs& in);

/// The contracts of the enabled simulated venues (fixed for the process).
std::vector<instrument_spec> sim_instruments(const node_config& cfg);

/// GET /api/symbols: per canonical symbol, each venue's contract (native
/// symbol, tick, lot, minimums, multiplier, fees, leverage, funding
/// interval): the simulated venues' `sim` plus what real venues listed
/// (`live`, status_board::instruments()). A JSON array sorted by symbol.
std::string symbols_json(const std::vector<instrument_spec>& sim,
                         const std::map<std::string, std::vector<instrument_spec>, std::less<>>& live);

} // namespace xarb
