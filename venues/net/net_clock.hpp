#pragma once
// The transport's wall clock: receive timestamps (epoch ns, system_clock)
// and the message-rate buckets read it through net_now(), so a test can pin
// time with set_net_clock(). Everything else (timeouts, pacing, back-off
// timers) runs on Asio's steady clock.

#include "messages/market.hpp"

namespace xarb::net {

using clock_fn = timestamp_ns (*)() noexcept;

/// Nanoseconds since the Unix epoch (std::chrono::system_clock), or the
/// test clock when one is set. Thread-safe.
timestamp_ns net_now() noexcept;

/// Replaces the clock process-wide; nullptr restores system_clock. Tests only.
void set_net_clock(clock_fn fn) noexcept;

} // namespace xarb::net
