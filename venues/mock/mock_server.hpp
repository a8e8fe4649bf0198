#pragma once
// A loopback mock venue: one HTTP + WebSocket server on one port (Beast, on
// its own io_context thread) hosting one venue_protocol (the venue's wire
// format) and one mock_market (the simulated market), plain or TLS.
// Beast and Asio stay in mock_server.cpp: this header is cheap.
//
// REST: every request that is not a WebSocket upgrade and not a control
// request goes to protocol.rest() as a rest_call (path and query decoded).
// WebSocket: an upgrade on any path opens a client (ws_client{target}),
// protocol.on_open() may greet it, each client text frame goes to
// protocol.on_client_text() and its answers are sent back. A book whose
// snapshot is due (ws_client::snapshot_due) gets snapshot_frames(
// book(native, snapshot_depth)) at once. Every tick the market advances to
// the clock's now and each client gets what it subscribed, in exchange order:
// book_frames() per delta (called right after the delta is applied, so
// book() in it is the book after that delta), top_frames() per best bid/ask
// change, mark_frames() every mark_interval, server_ping() every
// ping_interval when the protocol has one. WS ping frames are answered (by
// Beast). Each client has its own send queue; one that outgrows
// max_queue_bytes is closed (1008), never waited for.
//
// Faults (thread-safe; each call returns once the server thread applied it):
//   gap        the next delta of a symbol (or of every symbol) is encoded for
//              every client (per-connection counters advance) but sent to
//              nobody, so the next delta exposes the hole in whatever
//              numbering the protocol uses;
//   disconnect every WebSocket client is closed now: the TCP connection is
//              dropped (or, graceful, a 1001 close frame is sent first);
//   stall      the WebSocket side freezes for `duration` (or until resume):
//              nothing at all is written to any WS client, old or new - no
//              data, no replies, no pongs - and nothing is read; TCP stays
//              open. The market keeps running and frames queue up (a client
//              over max_queue_bytes is dropped); at resume they are released
//              in order, like a TCP stall that recovers. REST keeps working;
//   malformed  one junk text frame (default `{"broken":`) to every client;
//   rest_error the next `count` REST answers (control requests excepted) are
//              `status` with a small JSON error body (429 adds Retry-After: 1).
// The same faults over HTTP, for standalone use (server_config::control):
//   POST /__mock/fault?kind=gap[&symbol=NATIVE]
//   POST /__mock/fault?kind=disconnect[&graceful=1]
//   POST /__mock/fault?kind=stall[&ms=N]       (no ms: until resume)
//   POST /__mock/fault?kind=resume
//   POST /__mock/fault?kind=malformed[&text=...]
//   POST /__mock/fault?kind=rest_error&status=429|500[&count=N]
//   GET  /__mock/stats                         (to_json(mock_stats))
// Answers are JSON: {"ok":true,...} or 400 {"ok":false,"error":"..."}.
//
// Threading: one server thread runs every socket, the tick, the protocol and
// the market; nothing else touches them (inspect() runs a function there).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "messages/error_code.hpp"
#include "messages/expected.hpp"
#include "messages/market.hpp"
#include "venues/mock/mock_market.hpp"
#include "venues/mock/venue_protocol.hpp"

namespace xarb::mock {

struct server_config {
  std::string host = "127.0.0.1";     ///< literal IPv4/IPv6 address
  uint16_t port = 0;                  ///< 0 = pick a free port (start() returns it)
  /// PEM certificate chain and private key: both set = TLS (https, wss)
  /// for every connection; both empty = plain.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::chrono::milliseconds tick{50};            ///< market advance + delivery period
  std::chrono::milliseconds mark_interval{1000}; ///< mark_frames() cadence
  std::chrono::milliseconds ping_interval{5000}; ///< server_ping() cadence
  std::size_t snapshot_depth = 50;               ///< levels per side in WS snapshots
  std::size_t max_queue_bytes = 16u << 20;       ///< per client; over it the client is closed
  std::size_t max_message_bytes = 1u << 20;      ///< largest client frame / HTTP body
  bool control = true;                           ///< serve /__mock/* (faults, stats)
  /// Exchange clock (epoch ns); the system clock when empty.
  std::function<timestamp_ns()> clock;
};

struct mock_stats {
  std::size_t clients = 0;            ///< WebSocket clients connected now
  uint64_t ws_connections = 0;        ///< WebSocket clients accepted since construction
  uint64_t frames_in = 0;             ///< client frames received
  /// Frames written, by kind: reply, snapshot, delta, top, mark, ping, malformed.
  std::map<std::string, uint64_t, std::less<>> frames_sent;
  uint64_t frames_withheld = 0;       ///< encoded but not sent (gap fault)
  /// Subscriptions over all clients now: books, tops, marks.
  std::map<std::string, uint64_t, std::less<>> subscriptions;
  /// Faults applied, by kind: gap, disconnect, stall, resume, malformed, rest_error.
  std::map<std::string, uint64_t, std::less<>> faults;
  /// REST requests by path (control requests not counted).
  std::map<std::string, uint64_t, std::less<>> rest_requests;
  uint64_t rest_faulted = 0;          ///< REST answers replaced by a rest_error fault
  uint64_t clients_dropped_slow = 0;  ///< closed for an outgrown send queue
  uint64_t ticks = 0;
  bool stalled = false;
  /// Exceptions thrown by the protocol (or a broken market) and caught; the
  /// last one's message.
  uint64_t errors = 0;
  std::string last_error;
};

/// {"clients":..,"ws_connections":..,"frames_in":..,"frames_sent":{..},...}
std::string to_json(const mock_stats& s);

class mock_server {
public:
  /// Builds the market (throws std::invalid_argument like mock_market).
  /// `protocol` must not be null.
  mock_server(std::unique_ptr<venue_protocol> protocol, market_config market = {},
              server_config cfg = {});
  ~mock_server(); ///< stops

  mock_server(const mock_server&) = delete;
  mock_server& operator=(const mock_server&) = delete;

  /// Loads the TLS files, binds, listens, advances the market to now and
  /// starts the server thread. Returns the bound port, config_error for a
  /// bad address or unusable certificate/key, io_error when the bind fails.
  expected<uint16_t> start();

  /// Closes every connection and joins the thread. Idempotent; start() may
  /// be called again.
  void stop();

  bool running() const noexcept;
  uint16_t port() const noexcept;     ///< 0 when not running
  bool tls() const noexcept;
  std::string_view venue() const noexcept;
  std::string http_url() const;       ///< "http://127.0.0.1:PORT" (https with TLS)
  std::string ws_url() const;         ///< "ws://127.0.0.1:PORT" (wss with TLS)

  // -- faults (thread-safe; an empty error_info = applied) ---------------------

  /// `native` empty = the next delta of every symbol; unknown_symbol otherwise.
  error_info inject_gap(std::string_view native = {});
  error_info disconnect(bool graceful = false);
  /// duration 0 = until resume().
  error_info stall(std::chrono::milliseconds duration = {});
  error_info resume();
  error_info send_malformed(std::string text = R"({"broken":)");
  /// status in 400..599, count >= 1.
  error_info fail_rest(int status, uint32_t count = 1);

  mock_stats stats() const;

  /// Runs `fn` on the server thread with the market and waits for it (or
  /// directly when not running). Never call it from inside the server thread.
  void inspect(const std::function<void(const mock_market&)>& fn);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace xarb::mock
