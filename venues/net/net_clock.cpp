#include "venues/net/net_clock.hpp"

#include <atomic>
#include <chrono>

namespace xarb::net {

namespace {

std::atomic<clock_fn> test_clock{nullptr};

} // namespace

timestamp_ns net_now() noexcept {
  if (auto fn = test_clock.load(std::memory_order_relaxed))
    return fn();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

void set_net_clock(clock_fn fn) noexcept {
  test_clock.store(fn, std::memory_order_relaxed);
}

} // namespace xarb::net
