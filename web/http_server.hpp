#pragma once
// The HTTP/1.1 server of the web actor (Boost.Beast on its own io_context
// thread(s)). Beast and Asio stay in http_server.cpp: this header is cheap.
//
// Hardening: binds 127.0.0.1 unless told otherwise (literal IP addresses
// only), caps header and body sizes (431/413), answers malformed requests
// with 400 and closes, closes idle connections after a timeout, caps the
// number of concurrent connections, and never lets a handler exception
// escape the I/O thread.
//
// State-changing routes (web/routes.hpp) are served only with a control_api
// whose token is set; the token is checked per request, never logged.
//
// Per client address, requests beyond rate_limit_rps/burst are answered 429
// with Retry-After (web/client_limiter.hpp); /healthz and /metrics never are.
//
// /ws/stream (web/stream_hub.hpp has the protocol) upgrades to a WebSocket
// after, in this order: 426 not an upgrade request; 503 no stream_data (or
// stopping); 403 control_disabled (the control token is required); 401 a
// wrong Authorization: Bearer header (a right one authenticates at once,
// none means the client must send an auth op within auth_timeout); 503
// max_clients connected. One timer refreshes the hub per interval and then
// gives every client its messages; a client whose queue exceeds
// max_queue_bytes is closed (1008), stop() closes every client (1001).
// Any other GET/HEAD outside /api, /ws, /metrics, /healthz and /readyz is
// the browser console's (web/static_files.hpp), counted as route "ui".
// Metrics: web/web_metrics.hpp (when `tel` is not null).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "messages/expected.hpp"
#include "messages/market.hpp"
#include "web/control_api.hpp"
#include "web/stream.hpp"

namespace xarb {

class status_board;
class telemetry;

struct http_server_config {
  std::string host = "127.0.0.1";  ///< literal IPv4/IPv6 address
  uint16_t port = 8080;            ///< 0 = ephemeral (see start())
  unsigned threads = 1;            ///< io_context threads
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 16 * 1024;
  std::chrono::milliseconds idle_timeout{30'000}; ///< per read or write
  std::size_t max_connections = 256;
  /// Per client address (token bucket): requests per second and burst.
  /// Beyond them a request is answered 429 with Retry-After. 0 = no limit.
  double rate_limit_rps = 50;
  double rate_limit_burst = 100;
  /// /ws/stream: throttle, client limits (web/stream.hpp).
  stream_config stream;
  /// What /ws/stream serves; null = /ws/stream answers 503.
  std::shared_ptr<const stream_source> stream_data;
  /// Kill-switch commands and their bearer token; null = control routes
  /// answer 403 (safe by default). Shared with every I/O thread.
  std::shared_ptr<const control_api> control;
  /// The browser console's files (web/static_files.hpp), served for every
  /// GET/HEAD the API does not own; "" = no console (such paths are 404).
  /// The node passes resolve_ui_dir([web] ui_dir).
  std::string ui_dir;
};

class http_server {
public:
  /// Wall clock by default; tests inject a fixed one.
  using clock_fn = std::function<timestamp_ns()>;

  /// `board` must outlive the server; `tel` may be null (empty /metrics).
  http_server(http_server_config cfg, const status_board& board, telemetry* tel,
              clock_fn clock = {});
  ~http_server(); ///< stops

  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Binds, listens and starts the I/O thread(s). Returns the bound port (the
  /// real one when configured with port 0), or config_error for a bad
  /// address / io_error when the bind fails. Fails if already running.
  expected<uint16_t> start();

  /// Stops accepting, closes every connection and joins the threads.
  /// Idempotent; start() may be called again afterwards.
  void stop();

  bool running() const noexcept;
  uint16_t port() const noexcept; ///< 0 when not running

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace xarb
