#pragma once
// The web actor: owns the HTTP server (web/http_server.hpp) so that the
// supervisor controls its lifetime. The server starts when the actor starts
// (a bind failure makes the actor quit with a config/io error, which the
// supervisor reports or retries), and stops when the actor terminates, so a
// restart rebinds cleanly.
//
// Protocol (dynamically typed, handle is caf::actor):
//   (atom::status) -> uint16_t   the bound TCP port (useful with port 0)
//   (atom::tick)                 internal: the equity curve's sampling timer
//
// The HTTP threads read the status board and telemetry directly (both are
// thread-safe); they never touch the actor. The actor itself only samples
// the equity curve (status_board::sample_equity) when it starts and then
// every equity_interval, handing each point to on_equity (the store).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "monitoring/equity_ring.hpp"
#include "web/http_server.hpp"

namespace xarb {

class status_board;
class telemetry;

struct web_config {
  /// HOST:PORT (web/listen_address.hpp); overrides http.host and http.port.
  /// Empty = use http.host/http.port as they are.
  std::string listen = "127.0.0.1:8080";
  http_server_config http; ///< threads, limits, timeouts, control API (null = none)
  /// Equity curve sampling ([web] equity_sample_s); zero = no sampling.
  std::chrono::seconds equity_interval{5};
  /// Called with every equity point sampled (e.g. to persist it); may be empty.
  std::function<void(const equity_point&)> on_equity;
};

struct web_state {
  static inline const char* name = "web";
  std::unique_ptr<http_server> server;
  uint16_t port = 0;
  web_state();
  ~web_state(); ///< stops the server: runs whenever the actor terminates
};

/// `board` and `tel` must outlive the actor (they live in main).
caf::behavior web_actor(caf::stateful_actor<web_state>* self, web_config cfg,
                        status_board* board, telemetry* tel);

} // namespace xarb
