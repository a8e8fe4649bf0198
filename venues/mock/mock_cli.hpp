#pragma once
// `xarb mock-venue --venue NAME --listen HOST:PORT`: one mock venue
// standalone, so any client (ccxt, a user's script, xarb itself) can be
// pointed at it. The CLI wiring and the venue-name -> protocol registry are
// the caller's; this is the blocking body.

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "messages/expected.hpp"
#include "venues/mock/mock_server.hpp"
#include "venues/mock/venue_protocol.hpp"
#include "venues/sim/sim_config.hpp"

namespace xarb::mock {

struct mock_venue_options {
  std::unique_ptr<venue_protocol> protocol;   ///< required
  std::string listen = "127.0.0.1:0";         ///< HOST:PORT or [V6]:PORT; port 0 = pick one
  std::string tls_cert;                       ///< PEM; with tls_key: https + wss
  std::string tls_key;
  std::optional<uint64_t> seed;               ///< the world's seed otherwise
  int32_t tick_ms = 50;                       ///< market advance + delivery period (>= 1)
  std::vector<std::string> symbols;           ///< canonical symbols or bases; empty = all
  std::string sim_venue = "sim-a";            ///< which simulated venue the market trades like
  std::optional<sim::world_config> world;     ///< sim::default_world_config() otherwise
  bool control = true;                        ///< serve /__mock/fault and /__mock/stats
  bool handle_signals = true;                 ///< stop on SIGINT / SIGTERM
  /// Called on the calling thread once listening (tests: port, faults).
  std::function<void(mock_server&)> on_ready;
};

/// "127.0.0.1:8443" -> {"127.0.0.1", 8443}; "[::1]:0" -> {"::1", 0}. Literal
/// IP addresses only (no DNS for a bind address). parse_error otherwise.
expected<std::pair<std::string, uint16_t>> parse_listen(std::string_view text);

/// Starts the mock, prints one line to `out`:
///   mock <venue> listening on http://HOST:PORT (ws://HOST:PORT)
/// (https/wss with TLS), then blocks until SIGINT/SIGTERM (when
/// handle_signals) or `stop` is requested, and stops it. Returns the exit
/// code: 0 after a clean stop, 2 for bad options or when it cannot listen
/// (the reason on `err`).
int run_mock_venue(mock_venue_options opts, std::ostream& out, std::ostream& err,
                   std::stop_token stop = {});

} // namespace xarb::mock
