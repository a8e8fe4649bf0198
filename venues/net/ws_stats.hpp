#pragma once
// Per-connection counters of the WS client, written on the io thread and
// read from any thread (relaxed atomics: each value is exact, a snapshot of
// several is not one instant). The owner feeds the lag (recv - exchange).

#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>

#include "messages/market.hpp"

namespace xarb::net {

enum class ws_state : uint8_t {
  idle,        ///< constructed, start() not called
  connecting,  ///< resolve / TCP / proxy / TLS / WS handshake under way
  open,        ///< frames flow
  backing_off, ///< down, waiting the back-off delay before the next attempt
  stopped,     ///< close() or destroyed: no more attempts
};

std::string_view to_string(ws_state s) noexcept;

/// Why a connection (or an attempt) ended.
enum class disconnect_reason : uint8_t {
  resolve,      ///< DNS lookup failed
  connect,      ///< TCP connect failed (refused, unreachable)
  proxy,        ///< the proxy refused the tunnel (407, 403 ...) or broke
  tls,          ///< TLS handshake failed (verification, protocol)
  handshake,    ///< the WS upgrade was refused or malformed
  timeout,      ///< connect or handshake took too long
  server_close, ///< the server closed (close frame or EOF)
  io_error,     ///< read or write failed (reset ...)
  silence,      ///< no frame for the silence timeout
  too_big,      ///< a message over max_frame_bytes
  local_close,  ///< close() was called
};
inline constexpr std::size_t disconnect_reason_count = 11;

std::string_view to_string(disconnect_reason r) noexcept;

/// Messages per second in one-second buckets of net_now() time. One writer
/// (the io thread), any number of readers.
class rate_meter {
public:
  void add(timestamp_ns now, uint64_t n = 1) noexcept;
  /// Average over the `window_s` (1..7) whole seconds before the current one.
  double per_second(timestamp_ns now, int window_s = 5) const noexcept;
  /// Count in the current (incomplete) second.
  uint64_t this_second(timestamp_ns now) const noexcept;

private:
  static constexpr std::size_t slots = 8;
  struct bucket {
    std::atomic<int64_t> sec{-1};
    std::atomic<uint64_t> count{0};
  };
  std::array<bucket, slots> buckets_;
};

/// recv_ts - exchange_ts of the frames, fed by the owner (thread-safe).
class lag_meter {
public:
  static constexpr double alpha = 0.05; ///< EWMA weight of a new sample

  void note(int64_t lag_ns) noexcept;
  int64_t last() const noexcept { return last_.load(std::memory_order_relaxed); }
  /// 0 before the first sample.
  int64_t max() const noexcept {
    auto m = max_.load(std::memory_order_relaxed);
    return m == INT64_MIN ? 0 : m;
  }
  double ewma() const noexcept { return ewma_.load(std::memory_order_relaxed); }
  uint64_t samples() const noexcept { return n_.load(std::memory_order_relaxed); }

private:
  std::atomic<int64_t> last_{0};
  std::atomic<int64_t> max_{INT64_MIN};
  std::atomic<double> ewma_{0.0};
  std::atomic<uint64_t> n_{0};
};

/// A plain copy of ws_stats.
struct ws_stats_snapshot {
  ws_state state = ws_state::idle;
  uint64_t frames_in = 0, bytes_in = 0;   ///< data frames (text + binary)
  uint64_t frames_out = 0, bytes_out = 0; ///< text frames sent (subscriptions, app pings)
  uint64_t pings_out = 0;                 ///< WS ping frames sent
  uint64_t pings_in = 0, pongs_in = 0;    ///< WS control frames received
  uint64_t dropped_out = 0;               ///< frames discarded: not open, queue full, went down
  uint64_t attempts = 0;                  ///< connection attempts started
  uint64_t connects = 0;                  ///< attempts that reached open
  uint64_t reconnects = 0;                ///< opens after the first
  std::array<uint64_t, disconnect_reason_count> disconnects{};
  timestamp_ns last_frame_ts = 0;         ///< net_now() of the last data frame, 0 = none
  int64_t backoff_ns = 0;                 ///< the current / last back-off delay
  double msgs_per_s = 0;                  ///< data frames, last 5 whole seconds
  int64_t lag_last_ns = 0, lag_max_ns = 0;
  double lag_ewma_ns = 0;
  uint64_t lag_samples = 0;

  uint64_t disconnects_for(disconnect_reason r) const noexcept {
    return disconnects[static_cast<std::size_t>(r)];
  }
};

class ws_stats {
public:
  ws_stats_snapshot snapshot() const noexcept;

  ws_state state() const noexcept { return state_.load(std::memory_order_relaxed); }
  const rate_meter& rate_in() const noexcept { return rate_in_; }
  const lag_meter& lag() const noexcept { return lag_; }
  uint64_t disconnects(disconnect_reason r) const noexcept {
    return disconnects_[static_cast<std::size_t>(r)].load(std::memory_order_relaxed);
  }

  // -- writers (the connection; note_lag from anyone) ------------------------
  void note_lag(int64_t lag_ns) noexcept { lag_.note(lag_ns); }
  void set_state(ws_state s) noexcept { state_.store(s, std::memory_order_relaxed); }
  void frame_in(std::size_t bytes, timestamp_ns now) noexcept;
  void frame_out(std::size_t bytes) noexcept;
  void ping_out() noexcept { bump(pings_out_); }
  void ping_in() noexcept { bump(pings_in_); }
  void pong_in() noexcept { bump(pongs_in_); }
  void dropped(uint64_t n = 1) noexcept {
    dropped_out_.fetch_add(n, std::memory_order_relaxed);
  }
  void attempt() noexcept { bump(attempts_); }
  void opened() noexcept;
  void disconnected(disconnect_reason r) noexcept {
    bump(disconnects_[static_cast<std::size_t>(r)]);
  }
  void set_backoff(int64_t ns) noexcept { backoff_ns_.store(ns, std::memory_order_relaxed); }

private:
  static void bump(std::atomic<uint64_t>& a) noexcept { a.fetch_add(1, std::memory_order_relaxed); }

  std::atomic<ws_state> state_{ws_state::idle};
  std::atomic<uint64_t> frames_in_{0}, bytes_in_{0}, frames_out_{0}, bytes_out_{0};
  std::atomic<uint64_t> pings_out_{0}, pings_in_{0}, pongs_in_{0}, dropped_out_{0};
  std::atomic<uint64_t> attempts_{0}, connects_{0}, reconnects_{0};
  std::array<std::atomic<uint64_t>, disconnect_reason_count> disconnects_{};
  std::atomic<timestamp_ns> last_frame_ts_{0};
  std::atomic<int64_t> backoff_ns_{0};
  rate_meter rate_in_;
  lag_meter lag_;
};

} // namespace xarb::net
