#include <doctest/doctest.h>

#include <atomic>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/risk/rate_limits.hpp"

using namespace xarb;
using namespace xarb::risk;

namespace {

constexpr timestamp_ns ms = 1'000'000;
constexpr timestamp_ns sec = 1'000'000'000;
constexpr timestamp_ns t0 = 1'000 * sec;

/// Big budgets everywhere except what a test sets.
rate_limit_config roomy() {
  rate_limit_config c;
  c.orders_per_s = 1'000;
  c.orders_burst = 1'000;
  c.cancels_per_s = 1'000;
  c.cancels_burst = 1'000;
  c.weight_per_min = 100'000;
  c.weight_burst = 100'000;
  return c;
}

int take_all(venue_rate_limiter& l, endpoint e, timestamp_ns now, int limit = 100'000) {
  int n = 0;
  while (n < limit && l.acquire(e, now))
    ++n;
  return n;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

} // namespace

TEST_CASE("endpoint names") {
  CHECK(to_string(endpoint::new_order) == "new_order");
  CHECK(to_string(endpoint::cancel) == "cancel");
  CHECK(to_string(endpoint::snapshot) == "snapshot");
  CHECK(to_string(endpoint::query) == "query");
}

TEST_CASE("exact burst then exact refill") {
  auto c = roomy();
  c.orders_per_s = 10;
  c.orders_burst = 20;
  venue_rate_limiter l{"binance", "k1", c, t0};
  for (int i = 0; i < 20; ++i)
    REQUIRE(l.acquire(endpoint::new_order, t0));
  const auto d = l.acquire(endpoint::new_order, t0);
  CHECK_FALSE(d);
  CHECK(d.code == error_code::rate_limited);
  CHECK(d.reason == "orders budget empty");
  CHECK(d.retry_at == t0 + 100 * ms);
  // One nanosecond early is still too early; exactly 100 ms gives one.
  CHECK_FALSE(l.acquire(endpoint::new_order, t0 + 100 * ms - 1));
  CHECK_FALSE(l.would_allow(endpoint::new_order, t0 + 100 * ms - 1));
  CHECK(l.would_allow(endpoint::new_order, t0 + 100 * ms));
  CHECK(l.acquire(endpoint::new_order, t0 + 100 * ms));
  CHECK_FALSE(l.acquire(endpoint::new_order, t0 + 100 * ms));
  // After 2 s the bucket is full again, not fuller.
  CHECK(take_all(l, endpoint::new_order, t0 + 10 * sec) == 20);
  CHECK(l.snapshot(t0 + 10 * sec).refused == 4);
}

TEST_CASE("orders and cancels have separate budgets") {
  auto c = roomy();
  c.orders_per_s = 5;
  c.orders_burst = 5;
  c.cancels_per_s = 3;
  c.cancels_burst = 3;
  venue_rate_limiter l{"okx", "k", c, t0};
  CHECK(take_all(l, endpoint::new_order, t0) == 5);
  // Exhausted orders leave every cancel.
  CHECK(take_all(l, endpoint::cancel, t0) == 3);
  const auto d = l.acquire(endpoint::cancel, t0);
  CHECK(d.reason == "cancels budget empty");
  CHECK(d.retry_at == t0 + (sec + 2) / 3);  // 1/3 s, rounded up to the ns
  // Snapshots and queries need no order/cancel token.
  CHECK(l.acquire(endpoint::snapshot, t0));
  CHECK(l.acquire(endpoint::query, t0));
}

TEST_CASE("endpoint weights share one weight bucket") {
  auto c = roomy();
  c.weight_per_min = 60;  // 1 per second
  c.weight_burst = 50;
  c.weight_snapshot = 20;
  c.weight_new_order = 1;
  venue_rate_limiter l{"binance", "k", c, t0};
  CHECK(l.acquire(endpoint::snapshot, t0));
  CHECK(l.acquire(endpoint::snapshot, t0));
  const auto d = l.acquire(endpoint::snapshot, t0);
  CHECK_FALSE(d);
  CHECK(d.reason == "weight budget empty");
  CHECK(d.retry_at == t0 + 10 * sec);  // 10 weight short at 1/s
  // 10 weight left: orders still go, one weight each, until it runs out.
  CHECK(take_all(l, endpoint::new_order, t0) == 10);
  const auto o = l.acquire(endpoint::new_order, t0);
  CHECK(o.reason == "weight budget empty");
  CHECK(o.retry_at == t0 + sec);
  const auto s = l.snapshot(t0);
  CHECK(s.weight_available == 0);
  CHECK(s.weight_capacity == 50);
  CHECK(s.orders_available == 990);
}

TEST_CASE("a refused acquire takes nothing from any bucket") {
  auto c = roomy();
  c.orders_per_s = 1;
  c.orders_burst = 5;
  c.weight_per_min = 60;
  c.weight_burst = 3;
  c.weight_new_order = 2;
  venue_rate_limiter l{"v", "k", c, t0};
  CHECK(l.acquire(endpoint::new_order, t0));  // orders 4, weight 1
  auto s = l.snapshot(t0);
  CHECK(s.orders_available == 4);
  CHECK(s.weight_available == 1);
  // Short of weight: the order token must stay.
  for (int i = 0; i < 3; ++i)
    CHECK_FALSE(l.acquire(endpoint::new_order, t0));
  s = l.snapshot(t0);
  CHECK(s.orders_available == 4);
  CHECK(s.weight_available == 1);
  CHECK(s.refused == 3);

  // The other way round: orders empty, weight plenty -> weight untouched.
  auto c2 = roomy();
  c2.orders_per_s = 1;
  c2.orders_burst = 1;
  c2.weight_burst = 10;
  c2.weight_per_min = 60;
  venue_rate_limiter l2{"v", "k2", c2, t0};
  CHECK(l2.acquire(endpoint::new_order, t0));
  CHECK_FALSE(l2.acquire(endpoint::new_order, t0));
  CHECK(l2.snapshot(t0).weight_available == 9);
  // Both short: retry when both are there (the longer wait), named by it.
  c2.weight_new_order = 10;
  venue_rate_limiter l3{"v", "k3", c2, t0};
  CHECK(l3.acquire(endpoint::new_order, t0));
  const auto d = l3.acquire(endpoint::new_order, t0);
  CHECK(d.reason == "weight budget empty");
  CHECK(d.retry_at == t0 + 10 * sec);
}

TEST_CASE("429 back-off escalates, caps, and resets after a quiet period") {
  auto c = roomy();
  c.backoff_initial_ms = 1'000;
  c.backoff_max_ms = 5'000;
  c.backoff_reset_s = 60;
  c.ban_guard_count = 100;  // keep the ban guard out of the way
  venue_rate_limiter l{"v", "k", c, t0};

  timestamp_ns t = t0;
  const int64_t expect_ms[] = {1'000, 2'000, 4'000, 5'000, 5'000};
  for (int i = 0; i < 5; ++i) {
    l.on_http_429(t);
    const auto d = l.acquire(endpoint::query, t);
    CHECK_FALSE(d);
    CHECK(d.code == error_code::rate_limited);
    CHECK(d.retry_at == t + expect_ms[i] * ms);
    CHECK(d.reason.find("backing off after 429") == 0);
    auto s = l.snapshot(t);
    CHECK(s.backing_off);
    CHECK_FALSE(s.stopped);
    CHECK(s.backoff_level == i + 1);
    CHECK(s.blocked_until == t + expect_ms[i] * ms);
    CHECK(s.state_reason == d.reason);
    // Blocked until exactly then (the weight bucket was drained, so use a
    // cancel: weight 1 refills in 0.6 ms).
    CHECK_FALSE(l.would_allow(endpoint::cancel, t + expect_ms[i] * ms - 1));
    CHECK(l.would_allow(endpoint::cancel, t + expect_ms[i] * ms));
    t += expect_ms[i] * ms + 10 * sec;  // 429s 11..15 s apart: within reset
  }
  CHECK(l.snapshot(t).http_429 == 5);
  // Quiet for exactly backoff_reset: still the same escalation.
  const timestamp_ns last = t - 5'000 * ms - 10 * sec;
  CHECK(l.snapshot(last + 60 * sec).backoff_level == 5);
  CHECK(l.snapshot(last + 60 * sec + 1).backoff_level == 0);
  // More than backoff_reset later: starts over at 1 s.
  const timestamp_ns t2 = last + 61 * sec;
  l.on_http_429(t2);
  CHECK(l.acquire(endpoint::cancel, t2).retry_at == t2 + 1'000 * ms);
  CHECK(l.snapshot(t2).backoff_level == 1);
  // Not blocked after it ends: fields back to "".
  const auto s = l.snapshot(t2 + sec);
  CHECK_FALSE(s.backing_off);
  CHECK(s.blocked_until == 0);
  CHECK(s.state_reason.empty());
}

TEST_CASE("a 429 drains the weight bucket") {
  auto c = roomy();
  c.weight_per_min = 60;
  c.weight_burst = 50;
  venue_rate_limiter l{"v", "k", c, t0};
  CHECK(l.snapshot(t0).weight_available == 50);
  l.on_http_429(t0);
  CHECK(l.snapshot(t0).weight_available == 0);
  // After the 1 s back-off, one weight has refilled.
  CHECK(l.snapshot(t0 + sec).weight_available == 1);
  CHECK(l.acquire(endpoint::query, t0 + sec).reason == "weight budget empty");
}

TEST_CASE("ban guard stops the key before the venue bans it") {
  rate_limit_config c = roomy();  // defaults: 3 x 429 within 60 s -> 300 s
  venue_rate_limiter l{"binance", "main", c, t0};
  l.on_http_429(t0);
  CHECK(l.acquire(endpoint::new_order, t0).retry_at == t0 + 1 * sec);
  l.on_http_429(t0 + 30 * sec);
  CHECK(l.acquire(endpoint::new_order, t0 + 30 * sec).retry_at == t0 + 32 * sec);
  CHECK_FALSE(l.snapshot(t0 + 30 * sec).stopped);
  l.on_http_429(t0 + 60 * sec);  // third within 60 s (inclusive)
  const auto d = l.acquire(endpoint::new_order, t0 + 60 * sec);
  CHECK_FALSE(d);
  CHECK(d.reason.find("ban guard: 3 x 429 within 60 s") == 0);
  CHECK(d.retry_at == t0 + 360 * sec);
  auto s = l.snapshot(t0 + 100 * sec);
  CHECK(s.stopped);
  CHECK_FALSE(s.backing_off);
  CHECK(s.blocked_until == t0 + 360 * sec);
  CHECK(s.state_reason == d.reason);
  CHECK(s.http_429 == 3);
  CHECK(s.refused == 3);
  CHECK_FALSE(l.acquire(endpoint::cancel, t0 + 360 * sec - 1));
  CHECK(l.acquire(endpoint::cancel, t0 + 360 * sec));
  // A ban-guard stop that would end before a running (longer) back-off
  // does not shorten it.
  auto c2 = c;
  c2.backoff_initial_ms = 400'000;
  c2.backoff_max_ms = 400'000;
  venue_rate_limiter l2{"binance", "b", c2, t0};
  l2.on_http_429(t0);
  l2.on_http_429(t0 + 1 * sec);
  l2.on_http_429(t0 + 2 * sec);
  const auto s2 = l2.snapshot(t0 + 2 * sec);
  CHECK(s2.blocked_until == t0 + 401 * sec);
  CHECK(s2.backing_off);
  CHECK_FALSE(s2.stopped);
}

TEST_CASE("429s spread over more than the window do not trip the ban guard") {
  rate_limit_config c = roomy();
  venue_rate_limiter l{"v", "k", c, t0};
  l.on_http_429(t0);
  l.on_http_429(t0 + 31 * sec);
  l.on_http_429(t0 + 62 * sec);  // the first is 62 s old now
  auto s = l.snapshot(t0 + 62 * sec);
  CHECK(s.backing_off);
  CHECK_FALSE(s.stopped);
  CHECK(s.blocked_until == t0 + 66 * sec);  // level 3: 4 s
}

TEST_CASE("a block never shortens a longer one") {
  rate_limit_config c = roomy();
  venue_rate_limiter l{"v", "k", c, t0};
  l.on_http_418(t0);
  l.on_http_429(t0 + sec);  // 1 s back-off inside a 600 s stop
  const auto s = l.snapshot(t0 + 2 * sec);
  CHECK(s.stopped);
  CHECK(s.blocked_until == t0 + 600 * sec);
  CHECK(s.state_reason.find("418") != std::string::npos);
}

TEST_CASE("418 stops the key for ban_pause") {
  rate_limit_config c = roomy();
  venue_rate_limiter l{"v", "k", c, t0};
  l.on_http_418(t0);
  const auto d = l.acquire(endpoint::cancel, t0 + 599 * sec);
  CHECK_FALSE(d);
  CHECK(d.retry_at == t0 + 600 * sec);
  CHECK(d.reason.find("banned by venue (418)") == 0);
  const auto s = l.snapshot(t0);
  CHECK(s.stopped);
  CHECK(s.http_418 == 1);
  CHECK(s.http_429 == 0);
  CHECK(l.acquire(endpoint::cancel, t0 + 600 * sec));
}

TEST_CASE("snapshot fields") {
  auto c = roomy();
  c.orders_per_s = 10;
  c.orders_burst = 20;
  c.cancels_per_s = 20;
  c.cancels_burst = 40;
  c.weight_per_min = 1200;
  c.weight_burst = 1200;
  venue_rate_limiter l{"bybit", "acct-1", c, t0};
  CHECK(l.venue() == "bybit");
  CHECK(l.config() == c);
  for (int i = 0; i < 3; ++i)
    CHECK(l.acquire(endpoint::new_order, t0));
  CHECK(l.acquire(endpoint::cancel, t0));
  CHECK(l.acquire(endpoint::snapshot, t0));
  const auto s = l.snapshot(t0);
  CHECK(s.venue == "bybit");
  CHECK(s.key_id == "acct-1");
  CHECK(s.orders_available == 17);
  CHECK(s.orders_capacity == 20);
  CHECK(s.cancels_available == 39);
  CHECK(s.cancels_capacity == 40);
  CHECK(s.weight_available == 1200 - 3 - 1 - 20);
  CHECK(s.weight_capacity == 1200);
  CHECK_FALSE(s.backing_off);
  CHECK_FALSE(s.stopped);
  CHECK(s.blocked_until == 0);
  CHECK(s.backoff_level == 0);
  CHECK(s.refused == 0);
  CHECK(s.http_429 == 0);
  CHECK(s.http_418 == 0);
  CHECK(s.state_reason.empty());
}

TEST_CASE("registry shares a limiter per (venue, key)") {
  rate_limit_registry reg;
  CHECK(reg.find("binance") == nullptr);
  auto c = roomy();
  c.orders_per_s = 1;
  c.orders_burst = 2;
  auto a = reg.get("binance", "main", c, t0);
  auto b = reg.get("binance", "main", roomy(), t0);  // cfg ignored: exists
  CHECK(a == b);
  CHECK(b->config() == c);
  CHECK(a->acquire(endpoint::new_order, t0));
  CHECK(b->acquire(endpoint::new_order, t0));
  CHECK_FALSE(a->acquire(endpoint::new_order, t0));  // the pair shares 2
  auto other = reg.get("binance", "second", c, t0);
  CHECK(other != a);
  CHECK(other->acquire(endpoint::new_order, t0));
  auto okx = reg.get("okx", "main", c, t0);
  CHECK(okx != a);
  CHECK(reg.find("okx") == okx);
  CHECK(reg.find("binance") != nullptr);
  CHECK(reg.find("binance")->venue() == "binance");
  CHECK(reg.find("bybit") == nullptr);
  CHECK(reg.find("bin") == nullptr);
  const auto all = reg.snapshot(t0);
  REQUIRE(all.size() == 3);
  CHECK(all[0].venue == "binance");
  CHECK(all[0].key_id == "main");
  CHECK(all[0].orders_available == 0);
  CHECK(all[0].refused == 1);
  CHECK(all[1].venue == "binance");
  CHECK(all[1].key_id == "second");
  CHECK(all[1].orders_available == 1);
  CHECK(all[2].venue == "okx");
  CHECK(all[2].orders_available == 2);
}

TEST_CASE("validate") {
  CHECK(validate(rate_limit_config{}, "risk.rate_limits").empty());
  rate_limit_config c;
  c.orders_per_s = 0;
  c.cancels_burst = -1;
  c.weight_burst = 100;
  c.weight_snapshot = 101;
  c.weight_query = -1;
  c.weight_cancel = 0;  // fine: the venue does not count it
  c.backoff_initial_ms = 70'000;
  c.ban_guard_count = 0;
  const auto lines = lines_of(validate(c, "risk.rate_limits"));
  REQUIRE(lines.size() == 6);
  CHECK(lines[0] == "risk.rate_limits.orders_per_s: must be >= 1 (got 0)");
  CHECK(lines[1] == "risk.rate_limits.cancels_burst: must be >= 1 (got -1)");
  CHECK(lines[2] == "risk.rate_limits.weight_snapshot: must be between 0 and 100 (got 101)");
  CHECK(lines[3] == "risk.rate_limits.weight_query: must be between 0 and 100 (got -1)");
  CHECK(lines[4] == "risk.rate_limits.backoff_initial_ms: must be <= backoff_max_ms (60000) "
                    "(got 70000)");
  CHECK(lines[5] == "risk.rate_limits.ban_guard_count: must be >= 1 (got 0)");
  rate_limit_config z;
  z.ban_pause_s = 0;
  CHECK(validate(z, "") == "ban_pause_s: must be >= 1 (got 0)");
}

TEST_CASE("weight 0 endpoints cost no weight") {
  auto c = roomy();
  c.weight_burst = 1;
  c.weight_per_min = 1;
  c.weight_cancel = 0;
  c.weight_new_order = 1;
  venue_rate_limiter l{"v", "k", c, t0};
  CHECK(l.acquire(endpoint::new_order, t0));
  CHECK_FALSE(l.acquire(endpoint::new_order, t0));
  CHECK(take_all(l, endpoint::cancel, t0) == 1'000);
}

TEST_CASE("two threads never get more than the burst together") {
  auto c = roomy();
  c.orders_per_s = 1;
  c.orders_burst = 5'000;
  c.weight_burst = 1'000'000;
  c.weight_per_min = 1;
  rate_limit_registry reg;
  std::atomic<int> granted[2] = {0, 0};
  std::atomic<bool> go{false};
  const auto run = [&](int i) {
    auto l = reg.get("v", "k", c, t0);  // both fetch the same limiter
    while (!go.load())
      std::this_thread::yield();
    int refusals_in_a_row = 0;
    while (refusals_in_a_row < 50) {
      if (l->acquire(endpoint::new_order, t0)) {
        granted[i].fetch_add(1);
        refusals_in_a_row = 0;
      } else {
        ++refusals_in_a_row;
      }
    }
  };
  std::thread a{run, 0};
  std::thread b{run, 1};
  go = true;
  a.join();
  b.join();
  CHECK(granted[0] + granted[1] == 5'000);
  const auto s = reg.find("v")->snapshot(t0);
  CHECK(s.orders_available == 0);
  CHECK(s.refused == 100);
}
