// venues/net pure parts: jittered exponential back-off, rate and lag meters,
// the overridable clock.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "venues/net/backoff.hpp"
#include "venues/net/net_clock.hpp"
#include "venues/net/ws_stats.hpp"

using namespace xarb;
using namespace xarb::net;

namespace {

constexpr int64_t ms = 1'000'000;
constexpr int64_t sec = 1'000'000'000;

/// Replays `values` (then repeats the last one).
backoff::random_fn replay(std::vector<double> values) {
  auto i = std::make_shared<std::size_t>(0);
  return [values, i] { return values[std::min(values.size() - 1, (*i)++)]; };
}

backoff_params params(jitter_kind j) {
  backoff_params p;
  p.base_ns = 100 * ms;
  p.factor = 2.0;
  p.cap_ns = 1000 * ms;
  p.jitter = j;
  p.stable_ns = 10 * sec;
  return p;
}

} // namespace

TEST_CASE("backoff: the ceiling doubles up to the cap") {
  backoff b{params(jitter_kind::none)};
  std::vector<int64_t> got;
  for (int i = 0; i < 7; ++i)
    got.push_back(b.next_delay_ns());
  CHECK(got == std::vector<int64_t>{100 * ms, 200 * ms, 400 * ms, 800 * ms, 1000 * ms,
                                    1000 * ms, 1000 * ms});
  CHECK(b.attempts() == 7);
  CHECK(b.ceiling_ns() == 1000 * ms);
}

TEST_CASE("backoff: full jitter spans [0, ceiling]") {
  backoff lo{params(jitter_kind::full), replay({0.0})};
  CHECK(lo.next_delay_ns() == 0);
  CHECK(lo.next_delay_ns() == 0);
  backoff hi{params(jitter_kind::full), replay({1.0})};
  CHECK(hi.next_delay_ns() == 100 * ms);
  CHECK(hi.next_delay_ns() == 200 * ms);
  backoff mid{params(jitter_kind::full), replay({0.25, 0.5, 0.75})};
  CHECK(mid.next_delay_ns() == 25 * ms);
  CHECK(mid.next_delay_ns() == 100 * ms);
  CHECK(mid.next_delay_ns() == 300 * ms);
  // Out-of-range random values are clamped, never produce negative delays.
  backoff wild{params(jitter_kind::full), replay({-3.0, 7.0})};
  CHECK(wild.next_delay_ns() == 0);
  CHECK(wild.next_delay_ns() == 200 * ms);
}

TEST_CASE("backoff: equal jitter spans [ceiling/2, ceiling]") {
  backoff lo{params(jitter_kind::equal), replay({0.0})};
  CHECK(lo.next_delay_ns() == 50 * ms);
  CHECK(lo.next_delay_ns() == 100 * ms);
  CHECK(lo.next_delay_ns() == 200 * ms);
  backoff hi{params(jitter_kind::equal), replay({1.0})};
  CHECK(hi.next_delay_ns() == 100 * ms);
  CHECK(hi.next_delay_ns() == 200 * ms);
}

TEST_CASE("backoff: random jitter stays within bounds and varies") {
  for (auto kind : {jitter_kind::full, jitter_kind::equal}) {
    backoff b{params(kind)};
    std::vector<int64_t> first;
    for (int i = 0; i < 200; ++i) {
      auto ceiling = b.ceiling_ns();
      auto d = b.next_delay_ns();
      CHECK(d <= ceiling);
      CHECK(d >= (kind == jitter_kind::equal ? ceiling / 2 : 0));
      CHECK(d <= 1000 * ms);
      if (i == 0 || b.attempts() > 5)
        first.push_back(d);
      if (i % 10 == 9)
        b.reset();
    }
    std::sort(first.begin(), first.end());
    CHECK(first.front() != first.back()); // not constant
  }
}

TEST_CASE("backoff: a stable connection resets the run, a short one does not") {
  backoff b{params(jitter_kind::none)};
  b.next_delay_ns();
  b.next_delay_ns();
  b.next_delay_ns();
  CHECK(b.attempts() == 3);
  b.connected(100 * sec);
  CHECK_FALSE(b.disconnected(100 * sec + 9 * sec)); // up 9 s < stable 10 s
  CHECK(b.attempts() == 3);
  CHECK(b.next_delay_ns() == 800 * ms);
  b.connected(200 * sec);
  CHECK(b.disconnected(200 * sec + 10 * sec));
  CHECK(b.attempts() == 0);
  CHECK(b.next_delay_ns() == 100 * ms);
  // disconnected() without connected() never resets.
  CHECK_FALSE(b.disconnected(1000 * sec));
  CHECK(b.attempts() == 1);
}

TEST_CASE("backoff: silly parameters are sanitised") {
  backoff_params p;
  p.base_ns = -5;
  p.factor = 0.5;
  p.cap_ns = -1;
  p.jitter = jitter_kind::none;
  backoff b{p};
  CHECK(b.next_delay_ns() == 0);
  backoff_params huge = params(jitter_kind::none);
  huge.factor = 1e300; // would overflow without the cap in double
  backoff h{huge};
  h.next_delay_ns();
  CHECK(h.next_delay_ns() == 1000 * ms);
  CHECK(h.next_delay_ns() == 1000 * ms);
}

TEST_CASE("rate_meter: whole seconds, averaged over the window") {
  rate_meter r;
  const timestamp_ns t0 = 1'700'000'000 * sec;
  for (int i = 0; i < 10; ++i)
    r.add(t0 + i * 10 * ms); // 10 in second 0
  for (int i = 0; i < 20; ++i)
    r.add(t0 + sec + i * 10 * ms); // 20 in second 1
  CHECK(r.this_second(t0 + sec + 500 * ms) == 20);
  CHECK(r.per_second(t0 + sec + 500 * ms, 1) == doctest::Approx(10.0));
  CHECK(r.per_second(t0 + 2 * sec, 1) == doctest::Approx(20.0));
  CHECK(r.per_second(t0 + 2 * sec, 2) == doctest::Approx(15.0));
  CHECK(r.per_second(t0 + 2 * sec, 5) == doctest::Approx(6.0));
  // Old buckets age out; a reused slot forgets its old count.
  CHECK(r.per_second(t0 + 20 * sec, 5) == doctest::Approx(0.0));
  r.add(t0 + 8 * sec); // same slot as second 0
  CHECK(r.per_second(t0 + 9 * sec, 1) == doctest::Approx(1.0));
  CHECK(r.this_second(t0 + 9 * sec) == 0);
}

TEST_CASE("lag_meter: last, max and EWMA") {
  lag_meter l;
  CHECK(l.samples() == 0);
  CHECK(l.max() == 0);
  l.note(10 * ms);
  CHECK(l.last() == 10 * ms);
  CHECK(l.max() == 10 * ms);
  CHECK(l.ewma() == doctest::Approx(10.0 * ms));
  l.note(30 * ms);
  l.note(-2 * ms); // clock skew can make it negative: kept as is
  CHECK(l.last() == -2 * ms);
  CHECK(l.max() == 30 * ms);
  double e = 10.0 * ms;
  e += lag_meter::alpha * (30.0 * ms - e);
  e += lag_meter::alpha * (-2.0 * ms - e);
  CHECK(l.ewma() == doctest::Approx(e));
  CHECK(l.samples() == 3);
}

namespace {
timestamp_ns pinned() noexcept {
  return 42 * sec + 7;
}
} // namespace

TEST_CASE("net_now: system clock by default, overridable") {
  auto real = net_now();
  CHECK(real > 1'600'000'000 * sec); // after 2020
  set_net_clock(&pinned);
  CHECK(net_now() == 42 * sec + 7);
  set_net_clock(nullptr);
  CHECK(net_now() >= real);
}

TEST_CASE("ws_stats: counters and snapshot") {
  ws_stats s;
  s.attempt();
  s.opened();
  s.attempt();
  s.opened();
  s.disconnected(disconnect_reason::silence);
  s.disconnected(disconnect_reason::silence);
  s.disconnected(disconnect_reason::tls);
  s.frame_in(100, 5 * sec);
  s.frame_in(50, 6 * sec);
  s.frame_out(7);
  s.ping_out();
  s.dropped(3);
  s.set_backoff(250 * ms);
  s.set_state(ws_state::backing_off);
  s.note_lag(4 * ms);
  auto snap = s.snapshot();
  CHECK(snap.attempts == 2);
  CHECK(snap.connects == 2);
  CHECK(snap.reconnects == 1);
  CHECK(snap.disconnects_for(disconnect_reason::silence) == 2);
  CHECK(snap.disconnects_for(disconnect_reason::tls) == 1);
  CHECK(snap.disconnects_for(disconnect_reason::io_error) == 0);
  CHECK(snap.frames_in == 2);
  CHECK(snap.bytes_in == 150);
  CHECK(snap.last_frame_ts == 6 * sec);
  CHECK(snap.frames_out == 1);
  CHECK(snap.bytes_out == 7);
  CHECK(snap.pings_out == 1);
  CHECK(snap.dropped_out == 3);
  CHECK(snap.backoff_ns == 250 * ms);
  CHECK(snap.state == ws_state::backing_off);
  CHECK(snap.lag_last_ns == 4 * ms);
  CHECK(snap.lag_samples == 1);
  CHECK(to_string(ws_state::backing_off) == "backing_off");
  CHECK(to_string(disconnect_reason::server_close) == "server_close");
}
