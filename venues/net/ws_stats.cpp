#include "venues/net/ws_stats.hpp"

#include "venues/net/net_clock.hpp"

namespace xarb::net {

namespace {

constexpr int64_t ns_per_s = 1'000'000'000;

int64_t second_of(timestamp_ns t) noexcept {
  return t >= 0 ? t / ns_per_s : (t - ns_per_s + 1) / ns_per_s;
}

} // namespace

std::string_view to_string(ws_state s) noexcept {
  switch (s) {
    case ws_state::idle: return "idle";
    case ws_state::connecting: return "connecting";
    case ws_state::open: return "open";
    case ws_state::backing_off: return "backing_off";
    case ws_state::stopped: return "stopped";
  }
  return "unknown";
}

std::string_view to_string(disconnect_reason r) noexcept {
  switch (r) {
    case disconnect_reason::resolve: return "resolve";
    case disconnect_reason::connect: return "connect";
    case disconnect_reason::proxy: return "proxy";
    case disconnect_reason::tls: return "tls";
    case disconnect_reason::handshake: return "handshake";
    case disconnect_reason::timeout: return "timeout";
    case disconnect_reason::server_close: return "server_close";
    case disconnect_reason::io_error: return "io_error";
    case disconnect_reason::silence: return "silence";
    case disconnect_reason::too_big: return "too_big";
    case disconnect_reason::local_close: return "local_close";
  }
  return "unknown";
}

// -- rate_meter -------------------------------------------------------------------

void rate_meter::add(timestamp_ns now, uint64_t n) noexcept {
  auto sec = second_of(now);
  auto& b = buckets_[static_cast<std::size_t>(sec) % slots];
  if (b.sec.load(std::memory_order_relaxed) != sec) {
    // A reader may see the old second with the new count for an instant:
    // zero first, then claim, so the error is an undercount only.
    b.count.store(0, std::memory_order_relaxed);
    b.sec.store(sec, std::memory_order_relaxed);
  }
  b.count.fetch_add(n, std::memory_order_relaxed);
}

double rate_meter::per_second(timestamp_ns now, int window_s) const noexcept {
  if (window_s < 1)
    window_s = 1;
  if (window_s > static_cast<int>(slots) - 1)
    window_s = static_cast<int>(slots) - 1;
  auto cur = second_of(now);
  uint64_t total = 0;
  for (int k = 1; k <= window_s; ++k) {
    auto sec = cur - k;
    auto& b = buckets_[static_cast<std::size_t>(sec) % slots];
    if (b.sec.load(std::memory_order_relaxed) == sec)
      total += b.count.load(std::memory_order_relaxed);
  }
  return static_cast<double>(total) / window_s;
}

uint64_t rate_meter::this_second(timestamp_ns now) const noexcept {
  auto sec = second_of(now);
  auto& b = buckets_[static_cast<std::size_t>(sec) % slots];
  return b.sec.load(std::memory_order_relaxed) == sec ? b.count.load(std::memory_order_relaxed)
                                                      : 0;
}

// -- lag_meter --------------------------------------------------------------------

void lag_meter::note(int64_t lag_ns) noexcept {
  last_.store(lag_ns, std::memory_order_relaxed);
  auto m = max_.load(std::memory_order_relaxed);
  while (lag_ns > m && !max_.compare_exchange_weak(m, lag_ns, std::memory_order_relaxed)) {
  }
  auto first = n_.fetch_add(1, std::memory_order_relaxed) == 0;
  auto e = ewma_.load(std::memory_order_relaxed);
  for (;;) {
    auto next = first ? static_cast<double>(lag_ns)
                      : e + alpha * (static_cast<double>(lag_ns) - e);
    if (ewma_.compare_exchange_weak(e, next, std::memory_order_relaxed))
      break;
  }
}

// -- ws_stats ---------------------------------------------------------------------

void ws_stats::frame_in(std::size_t bytes, timestamp_ns now) noexcept {
  bump(frames_in_);
  bytes_in_.fetch_add(bytes, std::memory_order_relaxed);
  last_frame_ts_.store(now, std::memory_order_relaxed);
  rate_in_.add(now);
}

void ws_stats::frame_out(std::size_t bytes) noexcept {
  bump(frames_out_);
  bytes_out_.fetch_add(bytes, std::memory_order_relaxed);
}

void ws_stats::opened() noexcept {
  if (connects_.fetch_add(1, std::memory_order_relaxed) > 0)
    bump(reconnects_);
}

ws_stats_snapshot ws_stats::snapshot() const noexcept {
  constexpr auto r = std::memory_order_relaxed;
  ws_stats_snapshot s;
  s.state = state_.load(r);
  s.frames_in = frames_in_.load(r);
  s.bytes_in = bytes_in_.load(r);
  s.frames_out = frames_out_.load(r);
  s.bytes_out = bytes_out_.load(r);
  s.pings_out = pings_out_.load(r);
  s.pings_in = pings_in_.load(r);
  s.pongs_in = pongs_in_.load(r);
  s.dropped_out = dropped_out_.load(r);
  s.attempts = attempts_.load(r);
  s.connects = connects_.load(r);
  s.reconnects = reconnects_.load(r);
  for (std::size_t i = 0; i < disconnect_reason_count; ++i)
    s.disconnects[i] = disconnects_[i].load(r);
  s.last_frame_ts = last_frame_ts_.load(r);
  s.backoff_ns = backoff_ns_.load(r);
  s.msgs_per_s = rate_in_.per_second(net_now());
  s.lag_last_ns = lag_.last();
  s.lag_max_ns = lag_.max();
  s.lag_ewma_ns = lag_.ewma();
  s.lag_samples = lag_.samples();
  return s;
}

} // namespace xarb::net
