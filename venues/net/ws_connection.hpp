#pragma once
// A reconnecting WebSocket client (ws:// or wss://, optionally through an
// HTTP proxy) living on an io_thread. Beast stays in ws_connection.cpp.
//
// Life: start() connects; when the connection is up on_open(generation)
// runs and the owner (re)sends its subscriptions from there, so every
// reconnect resubscribes. Whatever ends a connection or an attempt (refused,
// TLS verification, server close, silence, ...) is reported once through
// on_close, then the client waits a jittered exponential back-off
// (backoff.hpp) and tries again, until close() or destruction.
//
// Heartbeats (venues::heartbeat_rules): every ping_interval_ns the client
// sends ping_text, or a WS ping frame when ws_ping_frames; server WS pings
// are always answered (Beast). No frame at all (data or control) for the
// silence timeout drops the connection and reconnects.
//
// Pacing: outgoing frames (subscriptions, app pings, WS pings) queue and
// leave at most max_msgs_per_s per second, evenly spaced, so a burst of
// subscriptions never trips a venue's client-message limit (Beast's
// automatic pong answers to server pings are not paced). Frames queued
// when the connection goes down are dropped: the next on_open resends.
//
// Threading: callbacks run on the io thread, one at a time. send_text(),
// close() and note_lag() are thread-safe; stats are atomics readable from
// any thread. The destructor stops the connection and guarantees that no
// callback runs after it returns (it may be called from a callback). An
// exception escaping a callback is logged and swallowed.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "messages/expected.hpp"
#include "messages/market.hpp"
#include "venues/common/md_codec.hpp"
#include "venues/net/backoff.hpp"
#include "venues/net/tls.hpp"
#include "venues/net/ws_stats.hpp"

namespace xarb::net {

class io_thread;

namespace detail {
class ws_core;
} // namespace detail

/// Spare capacity at the end of every payload string handed to on_frame, so
/// a simdjson parse can pad it in place without reallocating.
inline constexpr std::size_t frame_padding = 64;

struct ws_config {
  std::string name = "ws";     ///< in logs: "<venue>/<stream>"
  std::string url;             ///< ws://host[:port]/path or wss://...
  std::string proxy;           ///< "" or http://[user:pass@]host:port (proxy.hpp)
  tls_options tls;             ///< wss only
  venues::heartbeat_rules heartbeat;
  int64_t default_silence_ns = 60'000'000'000; ///< when heartbeat.silence_ns == 0; 0 = never
  int64_t connect_timeout_ns = 10'000'000'000; ///< resolve + TCP + proxy + TLS
  int64_t handshake_timeout_ns = 10'000'000'000; ///< the WS upgrade (and the close)
  backoff_params backoff;
  backoff::random_fn jitter;   ///< tests pin it; empty = random
  int max_msgs_per_s = 0;      ///< outgoing frame pacing; 0 = unpaced
  std::size_t max_frame_bytes = 16u << 20; ///< bigger incoming messages drop the connection
  std::size_t max_queue = 4096; ///< outgoing frames waiting; beyond, dropped (counted)
  std::vector<std::pair<std::string, std::string>> headers; ///< extra handshake headers
  std::string user_agent = "xarb";
};

/// What on_close reports.
struct ws_close_info {
  disconnect_reason reason = disconnect_reason::io_error;
  std::string detail;       ///< human text: error, close code + reason, HTTP status ...
  uint64_t generation = 0;  ///< the generation that closed; 0 = it never opened
  int64_t retry_in_ns = -1; ///< the back-off before the next attempt; -1 = none (stopped)
};

struct ws_callbacks {
  /// The connection is open (generation 1, 2, ...): send subscriptions now.
  std::function<void(uint64_t generation)> on_open;
  /// A data frame; `payload` has frame_padding bytes of spare capacity.
  std::function<void(std::string&& payload, bool binary, timestamp_ns recv_ts)> on_frame;
  /// A connection or an attempt ended (also after close(), reason local_close).
  std::function<void(const ws_close_info&)> on_close;
};

class ws_connection {
public:
  /// `io` must outlive the connection.
  ws_connection(io_thread& io, ws_config cfg, ws_callbacks cb);
  ~ws_connection();

  ws_connection(const ws_connection&) = delete;
  ws_connection& operator=(const ws_connection&) = delete;

  /// Checks the configuration (URL is ws/wss without credentials, proxy URL,
  /// CA file) and starts connecting. Returns the configuration error
  /// (config_error) without starting, or an internal error when called twice.
  error_info start();

  /// Queues a text frame on the open connection (paced). Dropped and counted
  /// (stats().dropped_out) when the connection is not open.
  void send_text(std::string text);

  /// Closes the connection (WS close frame, 1000) and stops reconnecting.
  /// Final: start() cannot be called again.
  void close();

  /// Feeds the lag statistics: recv_ts - exchange_ts of a frame, in ns.
  void note_lag(int64_t lag_ns) noexcept;

  const ws_stats& stats() const noexcept;
  ws_stats_snapshot snapshot() const noexcept { return stats().snapshot(); }
  ws_state state() const noexcept { return stats().state(); }
  const ws_config& config() const noexcept;

private:
  io_thread& io_;
  std::shared_ptr<detail::ws_core> core_;
  std::atomic<bool> started_{false};
};

} // namespace xarb::net
