// The per-client token bucket of the HTTP server, on an injected clock.
#include <doctest/doctest.h>

#include <string>

#include "web/client_limiter.hpp"

using namespace xarb;
using namespace std::chrono_literals;

namespace {

struct fake_clock {
  client_limiter::clock::time_point now{} ;
  client_limiter::clock_fn fn() {
    return [this] { return now; };
  }
};

} // namespace

TEST_SUITE("client_limiter") {

TEST_CASE("a burst passes, then the client waits for the refill") {
  fake_clock clk;
  client_limiter lim{2, 3, 4096, clk.fn()};
  CHECK(lim.enabled());
  for (int i = 0; i < 3; ++i)
    CHECK(lim.acquire("10.0.0.1").allowed);
  auto refused = lim.acquire("10.0.0.1");
  CHECK_FALSE(refused.allowed);
  CHECK(refused.retry_after_s == 1); // 0.5 s rounds up, never 0
  // Another address has its own bucket.
  CHECK(lim.acquire("10.0.0.2").allowed);

  clk.now += 499ms;
  CHECK_FALSE(lim.acquire("10.0.0.1").allowed);
  clk.now += 2ms; // 0.501 s since the burst: one token back
  CHECK(lim.acquire("10.0.0.1").allowed);
  CHECK_FALSE(lim.acquire("10.0.0.1").allowed);
  // Refill is capped at the burst.
  clk.now += 1h;
  for (int i = 0; i < 3; ++i)
    CHECK(lim.acquire("10.0.0.1").allowed);
  CHECK_FALSE(lim.acquire("10.0.0.1").allowed);
}

TEST_CASE("Retry-After is whole seconds until the next token") {
  fake_clock clk;
  client_limiter slow{0.1, 1, 4096, clk.fn()};
  CHECK(slow.acquire("a").allowed);
  auto r = slow.acquire("a");
  CHECK_FALSE(r.allowed);
  CHECK(r.retry_after_s == 10);
  clk.now += 2500ms;
  r = slow.acquire("a");
  CHECK_FALSE(r.allowed);
  CHECK(r.retry_after_s == 8); // 7.5 s rounded up
  CHECK(r.retry_after_s >= 1);
}

TEST_CASE("zero rate means no limit; a small burst means at least one request") {
  fake_clock clk;
  client_limiter off{0, 0, 4096, clk.fn()};
  CHECK_FALSE(off.enabled());
  for (int i = 0; i < 1000; ++i)
    CHECK(off.acquire("a").allowed);
  CHECK(off.size() == 0);
  client_limiter tiny{5, 0, 4096, clk.fn()}; // burst < 1: max(1, rps) = 5
  for (int i = 0; i < 5; ++i)
    CHECK(tiny.acquire("a").allowed);
  CHECK_FALSE(tiny.acquire("a").allowed);
}

TEST_CASE("the map stays bounded under a flood of addresses") {
  fake_clock clk;
  client_limiter lim{1, 2, 16, clk.fn()};
  for (int i = 0; i < 1000; ++i)
    CHECK(lim.acquire("192.0.2." + std::to_string(i)).allowed);
  CHECK(lim.size() == 16);
  CHECK(lim.evictions() == 1000 - 16);
  // Recent clients keep their (drained) buckets.
  CHECK(lim.acquire("192.0.2.999").allowed);
  CHECK_FALSE(lim.acquire("192.0.2.999").allowed);
  // Refilled buckets are the same as none: dropped without counting.
  clk.now += 3s;
  CHECK(lim.acquire("fresh").allowed);
  CHECK(lim.size() == 1);
  CHECK(lim.evictions() == 1000 - 16);
}

}
