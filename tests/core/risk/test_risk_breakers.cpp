// Issue 4 point 4: the breaker board, its detectors and breaker_config, with
// deterministic time and exact boundaries.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <deque>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "core/risk/breakers.hpp"

using namespace xarb;
using namespace xarb::risk;

namespace {

constexpr int64_t ms = 1'000'000;
constexpr int64_t sec = 1'000'000'000;
constexpr int64_t day = 86'400 * sec;
constexpr timestamp_ns t0 = 1'700'000'000 * sec; // an arbitrary epoch time

money m(const char* text) { return money::from_string(text).value(); }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

// Exactly one problem, and it starts with `expected`.
void check_single(const breaker_config& c, const std::string& expected) {
  const auto text = validate(c, "risk.breakers");
  INFO("validate: " << text);
  auto lines = lines_of(text);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].rfind(expected, 0) == 0);
}

} // namespace

TEST_SUITE("risk breakers") {

// -- vocabulary -------------------------------------------------------------------------

TEST_CASE("names round trip and scopes, states") {
  for (auto k : all_breaker_kinds) {
    breaker_kind back = breaker_kind::manual;
    CHECK(to_string(k) != "invalid");
    REQUIRE(parse(to_string(k), back));
    CHECK(back == k);
  }
  CHECK(to_string(breaker_kind::error_rate) == "error_rate");
  for (auto a : {breaker_action::freeze, breaker_action::reduce, breaker_action::halt,
                 breaker_action::safe_mode}) {
    breaker_action back = breaker_action::freeze;
    REQUIRE(parse(to_string(a), back));
    CHECK(back == a);
  }
  breaker_action a = breaker_action::reduce;
  CHECK_FALSE(parse("pause", a));
  CHECK(a == breaker_action::reduce);
  CHECK(to_string(static_cast<breaker_action>(9)) == "invalid");

  CHECK(default_scope(breaker_kind::consecutive_failures) == breaker_scope::pair);
  CHECK(default_scope(breaker_kind::error_rate) == breaker_scope::venue);
  CHECK(default_scope(breaker_kind::stale_book) == breaker_scope::book);
  CHECK(default_scope(breaker_kind::fast_market) == breaker_scope::symbol);
  CHECK(default_scope(breaker_kind::daily_loss) == breaker_scope::node);
  CHECK(default_scope(breaker_kind::venue_drawdown) == breaker_scope::venue);

  CHECK(state_of(breaker_action::freeze) == trade_state::active);
  CHECK(state_of(breaker_action::safe_mode) == trade_state::active);
  CHECK(state_of(breaker_action::reduce) == trade_state::reducing);
  CHECK(state_of(breaker_action::halt) == trade_state::halted);
  CHECK(blocks_entries(breaker_action::freeze));
  CHECK_FALSE(blocks_entries(breaker_action::safe_mode));

  CHECK(book_scope("sim-a", "BTC-PERP") == "sim-a|BTC-PERP");
  CHECK(format_duration(300 * sec) == "300 s");
  CHECK(format_duration(500 * ms) == "500 ms");
  CHECK(format_duration(1500 * ms) == "1500 ms");
  CHECK(format_duration(2'000) == "2 us");
  CHECK(format_duration(7) == "7 ns");
}

// -- failure_streak -------------------------------------------------------------------------

TEST_CASE("failure streak trips at the limit and resets on success") {
  failure_streak s{3};
  CHECK(s.on_failure() == 1);
  CHECK(s.on_failure() == 2);
  CHECK_FALSE(s.tripped());
  s.on_success();
  CHECK(s.count() == 0);
  s.on_failure();
  s.on_failure();
  CHECK_FALSE(s.tripped());
  CHECK(s.on_failure() == 3);
  CHECK(s.tripped());
  s.on_failure();
  CHECK(s.tripped());
  s.on_success();
  CHECK_FALSE(s.tripped());
  CHECK(s.count() == 0);

  failure_streak off{0}; // limit 0 never trips
  for (int i = 0; i < 10; ++i)
    off.on_failure();
  CHECK_FALSE(off.tripped());
}

// -- error_window -------------------------------------------------------------------------------

TEST_CASE("error window: the 5th error within 60 s trips, spread over 61 s does not") {
  SUBCASE("5 within 60 s, boundary inclusive") {
    error_window w; // default seed 003: 5 in 60 s
    CHECK(w.limit() == 5);
    CHECK(w.window_ns() == 60 * sec);
    for (int i = 0; i < 4; ++i)
      CHECK(w.add(t0 + i * 15 * sec) == static_cast<std::size_t>(i + 1));
    CHECK_FALSE(w.exceeded(t0 + 45 * sec));
    CHECK(w.add(t0 + 60 * sec) == 5); // 0, 15, 30, 45, 60 s
    CHECK(w.exceeded(t0 + 60 * sec));
    // One ns later the error at 0 s is older than 60 s.
    CHECK(w.count(t0 + 60 * sec + 1) == 4);
    CHECK_FALSE(w.exceeded(t0 + 60 * sec + 1));
  }
  SUBCASE("5 spread over 61 s") {
    error_window w{5, 60 * sec};
    for (int i = 0; i < 4; ++i)
      w.add(t0 + i * 15 * sec);
    CHECK(w.add(t0 + 61 * sec) == 4);
    CHECK_FALSE(w.exceeded(t0 + 61 * sec));
  }
  SUBCASE("a burst trips at once; the count decays as errors age") {
    error_window w{5, 60 * sec};
    for (int i = 0; i < 5; ++i)
      w.add(t0 + i * ms);
    CHECK(w.exceeded(t0 + 4 * ms));
    CHECK(w.count(t0 + 60 * sec + 2 * ms) == 3); // 2, 3, 4 ms still within
    CHECK(w.count(t0 + 120 * sec) == 0);
  }
  SUBCASE("an out-of-order error is kept in order") {
    error_window w{3, 10 * sec};
    w.add(t0 + 5 * sec);
    w.add(t0 + 1 * sec);
    w.add(t0 + 3 * sec);
    CHECK(w.count(t0 + 5 * sec) == 3);
    CHECK(w.count(t0 + 11 * sec + 1) == 2); // 1 s dropped, 3 s and 5 s kept
    CHECK(w.count(t0 + 13 * sec + 1) == 1);
    w.reset();
    CHECK(w.count(t0 + 13 * sec) == 0);
  }
}

// -- latency_monitor ---------------------------------------------------------------------------

TEST_CASE("latency trips above 500 ms, not at it, and clears after 30 s without a breach") {
  latency_monitor l; // 500 ms, 30 s
  CHECK(l.last_sample() == -1);
  CHECK_FALSE(l.on_sample(500 * ms, t0));
  CHECK_FALSE(l.breached(t0));
  CHECK(l.on_sample(501 * ms, t0 + sec));
  CHECK(l.breached(t0 + sec));
  // Good samples do not clear it early.
  CHECK_FALSE(l.on_sample(10 * ms, t0 + 2 * sec));
  CHECK(l.breached(t0 + 2 * sec));
  CHECK(l.breached(t0 + 31 * sec - 1));
  CHECK_FALSE(l.breached(t0 + 31 * sec));
  CHECK(l.last_sample() == 10 * ms);
  CHECK(l.max_sample() == 501 * ms);
  CHECK(l.samples() == 3);
  CHECK(l.last_breach() == t0 + sec);

  // A new breach restarts the 30 s.
  l.on_sample(900 * ms, t0 + 40 * sec);
  l.on_sample(600 * ms, t0 + 50 * sec);
  CHECK(l.breached(t0 + 79 * sec));
  CHECK_FALSE(l.breached(t0 + 80 * sec));
  CHECK(l.max_sample() == 900 * ms);

  l.reset();
  CHECK_FALSE(l.breached(t0 + 50 * sec));
  CHECK(l.samples() == 0);
  CHECK(l.max_sample() == -1);
}

// -- fast_market_detector -----------------------------------------------------------------------

TEST_CASE("fast market: 0.51 % within 1 s trips, across 1.1 s does not, 0.5 % does not") {
  SUBCASE("0.51 % within 1 s (boundary inclusive)") {
    fast_market_detector f; // 0.5 % in 1 s
    CHECK(f.on_mid(t0, 100.0) == 0);
    CHECK_FALSE(f.tripped());
    f.on_mid(t0 + 1 * sec, 100.51);
    CHECK(f.move_pct() == doctest::Approx(0.51));
    CHECK(f.tripped());
    // The low leaves the window 1 ns later.
    CHECK(f.advance(t0 + 1 * sec + 1) == 0);
    CHECK_FALSE(f.tripped());
  }
  SUBCASE("0.51 % across 1.1 s") {
    fast_market_detector f{0.5, sec};
    f.on_mid(t0, 100.0);
    f.on_mid(t0 + 1100 * ms, 100.51);
    CHECK(f.move_pct() == 0);
    CHECK_FALSE(f.tripped());
  }
  SUBCASE("exactly 0.5 % does not trip; a fall counts like a rise") {
    fast_market_detector f{0.5, sec};
    f.on_mid(t0, 100.0);
    f.on_mid(t0 + 500 * ms, 100.5);
    CHECK(f.move_pct() == 0.5);
    CHECK_FALSE(f.tripped());
    fast_market_detector g{0.5, sec};
    g.on_mid(t0, 100.6);
    g.on_mid(t0 + 500 * ms, 100.0);
    CHECK(g.move_pct() == doctest::Approx(0.6));
    CHECK(g.tripped());
    CHECK(g.window_min() == 100.0);
    CHECK(g.window_max() == 100.6);
  }
  SUBCASE("invalid mids are ignored; time going back is clamped") {
    fast_market_detector f{0.5, sec};
    f.on_mid(t0, 100.0);
    f.on_mid(t0 + 100 * ms, 0.0);
    f.on_mid(t0 + 100 * ms, -5.0);
    f.on_mid(t0 + 100 * ms, std::numeric_limits<double>::quiet_NaN());
    f.on_mid(t0 + 100 * ms, std::numeric_limits<double>::infinity());
    CHECK(f.move_pct() == 0);
    CHECK(f.window_min() == 100.0);
    f.on_mid(t0 + 900 * ms, 101.0);
    f.on_mid(t0 + 200 * ms, 101.5); // stale timestamp: taken as 900 ms
    CHECK(f.window_max() == 101.5);
    f.advance(t0 + 1900 * ms); // 101 and 101.5 (both at 900 ms) stay, 100 left
    CHECK(f.window_min() == 101.0);
    f.reset();
    CHECK(f.move_pct() == 0);
    CHECK(f.window_min() == 0);
  }
  SUBCASE("monotonic deques agree with a brute-force window") {
    fast_market_detector f{0.5, 300 * ms};
    std::deque<std::pair<timestamp_ns, double>> all;
    uint64_t seed = 42;
    double mid = 1000;
    timestamp_ns now = t0;
    for (int i = 0; i < 5000; ++i) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      now += static_cast<int64_t>((seed >> 33) % 40) * ms; // 0..39 ms, repeats allowed
      mid *= 1.0 + (static_cast<double>((seed >> 20) % 2001) - 1000.0) * 1e-6;
      const double move = f.on_mid(now, mid);
      all.emplace_back(now, mid);
      while (now - all.front().first > 300 * ms)
        all.pop_front();
      double lo = all.front().second;
      double hi = lo;
      for (const auto& [ts, x] : all) {
        lo = std::min(lo, x);
        hi = std::max(hi, x);
      }
      REQUIRE(f.window_min() == lo);
      REQUIRE(f.window_max() == hi);
      REQUIRE(move == (hi - lo) * 100.0 / lo);
    }
  }
}

// -- equity_tracker ------------------------------------------------------------------------------

TEST_CASE("drawdown is measured from the equity peak, not from the start") {
  equity_tracker e;
  CHECK_FALSE(e.has_value());
  CHECK(e.drawdown_pct() == 0);
  e.on_equity(m("10000"), t0);
  e.on_equity(m("12000"), t0 + sec);
  e.on_equity(m("10900"), t0 + 2 * sec);
  CHECK(e.peak() == m("12000"));
  CHECK(e.peak_ts() == t0 + sec);
  CHECK(e.equity() == m("10900"));
  CHECK(e.drawdown() == m("1100"));
  CHECK(e.drawdown_pct() == doctest::Approx(9.1667).epsilon(1e-4));
  CHECK_FALSE(e.exceeded(10));
  CHECK(e.exceeded(9.16));

  // Exactly 10 % of the peak trips a 10 % limit.
  e.on_equity(m("10800"), t0 + 3 * sec);
  CHECK(e.drawdown_pct() == 10.0);
  CHECK(e.exceeded(10));
  CHECK_FALSE(e.exceeded(0)); // 0 = off

  // A new high moves the peak; a reset makes the current equity the peak.
  e.on_equity(m("12500.5"), t0 + 4 * sec);
  CHECK(e.drawdown().is_zero());
  e.on_equity(m("12000.5"), t0 + 5 * sec);
  CHECK(e.drawdown() == m("500"));
  e.reset_peak(t0 + 6 * sec);
  CHECK(e.peak() == m("12000.5"));
  CHECK(e.drawdown().is_zero());
  CHECK(e.peak_ts() == t0 + 6 * sec);

  equity_tracker broke; // no meaningful base
  broke.on_equity(m("0"), t0);
  broke.on_equity(m("-10"), t0 + sec);
  CHECK(broke.drawdown() == m("10"));
  CHECK(broke.drawdown_pct() == 0);
}

// -- daily_loss_tracker -------------------------------------------------------------------------

TEST_CASE("daily loss: baseline is the first equity of the UTC day, reset at midnight") {
  const timestamp_ns midnight = 19'700 * day; // a UTC midnight
  daily_loss_tracker d;
  CHECK_FALSE(d.has_value());
  CHECK(d.next_day_start() == 0);
  d.on_equity(m("10000"), midnight - 2 * 3600 * sec); // 22:00 the day before
  CHECK(d.day() == 19'699);
  CHECK(d.baseline() == m("10000"));
  CHECK(d.next_day_start() == midnight);
  d.on_equity(m("9600"), midnight - 60 * sec);
  CHECK(d.loss() == m("400"));
  CHECK_FALSE(d.exceeded(m("500")));
  d.on_equity(m("9500"), midnight - 1);
  CHECK(d.loss() == m("500"));
  CHECK(d.exceeded(m("500"))); // loss >= limit
  CHECK_FALSE(d.exceeded(m("0"))); // 0 = off

  // Midnight: the first observation of the new day is the new baseline.
  d.on_equity(m("9450"), midnight);
  CHECK(d.day() == 19'700);
  CHECK(d.baseline() == m("9450"));
  CHECK(d.loss().is_zero());
  d.on_equity(m("9700"), midnight + 3600 * sec);
  CHECK(d.loss() == m("-250")); // a gain
  CHECK_FALSE(d.exceeded(m("1")));
  // A late timestamp from the previous day does not reset the baseline back.
  d.on_equity(m("9600"), midnight - 5 * sec);
  CHECK(d.day() == 19'700);
  CHECK(d.baseline() == m("9450"));

  SUBCASE("with a day start offset (e.g. 08:00 UTC)") {
    daily_loss_tracker o{8 * 3600 * sec};
    o.on_equity(m("1000"), midnight + 7 * 3600 * sec); // 07:00: still yesterday's day
    o.on_equity(m("900"), midnight + 8 * 3600 * sec - 1);
    CHECK(o.loss() == m("100"));
    CHECK(o.next_day_start() == midnight + 8 * 3600 * sec);
    o.on_equity(m("880"), midnight + 8 * 3600 * sec);
    CHECK(o.baseline() == m("880"));
    CHECK(o.loss().is_zero());
  }
  SUBCASE("floor division before 1970") {
    CHECK(daily_loss_tracker::day_of(-1, 0) == -1);
    CHECK(daily_loss_tracker::day_of(0, 0) == 0);
    CHECK(daily_loss_tracker::day_of(day - 1, 0) == 0);
    CHECK(daily_loss_tracker::day_of(5, 10) == -1);
  }
}

// -- breaker_board ----------------------------------------------------------------------------

TEST_CASE("board: a trip emits one event, a refresh none and keeps since") {
  breaker_board b;
  std::vector<event> ev;
  CHECK(b.trip(breaker_kind::error_rate, "sim-a", breaker_action::freeze,
               "5 errors within 60 s (limit 5)", 5, 5, t0, 300 * sec, ev));
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].ts == t0);
  CHECK(ev[0].sev == severity::warning);
  CHECK(ev[0].source == "risk");
  CHECK(ev[0].text
        == "breaker error_rate on sim-a: 5 errors within 60 s (limit 5): freeze for 300 s");
  CHECK(b.tripped(breaker_kind::error_rate, "sim-a"));
  CHECK_FALSE(b.tripped(breaker_kind::error_rate, "sim-b"));
  CHECK_FALSE(b.tripped(breaker_kind::latency, "sim-a"));

  // Refresh: no event, since kept, later until taken, new reason and value.
  CHECK_FALSE(b.trip(breaker_kind::error_rate, "sim-a", breaker_action::freeze,
                     "6 errors within 60 s (limit 5)", 6, 5, t0 + 10 * sec, 300 * sec, ev));
  CHECK(ev.size() == 1);
  const auto* t = b.find(breaker_kind::error_rate, "sim-a");
  REQUIRE(t != nullptr);
  CHECK(t->since == t0);
  CHECK(t->until == t0 + 310 * sec);
  CHECK(t->value == 6);
  CHECK(t->reason == "6 errors within 60 s (limit 5)");
  // A shorter refresh does not shorten it.
  b.trip(breaker_kind::error_rate, "sim-a", breaker_action::freeze, "r", 7, 5,
         t0 + 20 * sec, 10 * sec, ev);
  CHECK(b.find(breaker_kind::error_rate, "sim-a")->until == t0 + 310 * sec);
  CHECK(b.trips_total(breaker_kind::error_rate) == 1);
  CHECK(b.active_count(breaker_kind::error_rate) == 1);

  // Severity by action; node scope text; latched text.
  ev.clear();
  b.trip(breaker_kind::daily_loss, "", breaker_action::reduce, "loss 512 (limit 500)", 512,
         500, t0, 0, ev);
  b.trip(breaker_kind::venue_drawdown, "sim-b", breaker_action::safe_mode, "", 5.5, 5, t0, 0,
         ev);
  b.trip(breaker_kind::rate_limit, "sim-c", breaker_action::halt, "ban guard", 3, 3, t0, 0, ev);
  REQUIRE(ev.size() == 3);
  CHECK(ev[0].sev == severity::critical);
  CHECK(ev[0].text == "breaker daily_loss: loss 512 (limit 500): reduce until cleared");
  CHECK(ev[1].sev == severity::warning);
  CHECK(ev[1].text == "breaker venue_drawdown on sim-b: safe_mode until cleared");
  CHECK(ev[2].sev == severity::critical);
}

TEST_CASE("board: active() sorted by (kind, scope); counters count new trips only") {
  breaker_board b;
  std::vector<event> ev;
  b.trip(breaker_kind::latency, "sim-b", breaker_action::freeze, "", 0, 0, t0, 0, ev);
  b.trip(breaker_kind::error_rate, "sim-b", breaker_action::freeze, "", 0, 0, t0, sec, ev);
  b.trip(breaker_kind::latency, "sim-a", breaker_action::freeze, "", 0, 0, t0, 0, ev);
  b.trip(breaker_kind::consecutive_failures, "BTC-PERP:sim-a/sim-b", breaker_action::freeze,
         "", 0, 0, t0, 0, ev);
  const auto& a = b.active();
  REQUIRE(a.size() == 4);
  CHECK(a[0].kind == breaker_kind::consecutive_failures);
  CHECK(a[1].kind == breaker_kind::error_rate);
  CHECK(a[2].kind == breaker_kind::latency);
  CHECK(a[2].scope == "sim-a");
  CHECK(a[3].scope == "sim-b");
  CHECK(b.active_count(breaker_kind::latency) == 2);
  CHECK(b.active_count(breaker_kind::manual) == 0);

  b.clear(breaker_kind::latency, "sim-a", "good again", t0 + sec, ev);
  b.trip(breaker_kind::latency, "sim-a", breaker_action::freeze, "", 0, 0, t0 + 2 * sec, 0, ev);
  CHECK(b.trips_total(breaker_kind::latency) == 3);
  CHECK(b.active_count(breaker_kind::latency) == 2);
  CHECK(b.trips_total(breaker_kind::manual) == 0);
}

TEST_CASE("board: timed trips expire at until, latched ones only by clear or resume") {
  breaker_board b;
  std::vector<event> ev;
  b.trip(breaker_kind::fast_market, "BTC-PERP", breaker_action::freeze, "0.6 % in 1 s", 0.6,
         0.5, t0, 30 * sec, ev);
  b.trip(breaker_kind::drawdown, "", breaker_action::reduce, "", 11, 10, t0, 0, ev);
  CHECK(b.next_expiry() == t0 + 30 * sec);
  ev.clear();
  b.expire(t0 + 30 * sec - 1, ev);
  CHECK(ev.empty());
  CHECK(b.tripped(breaker_kind::fast_market, "BTC-PERP"));
  b.expire(t0 + 30 * sec, ev);
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].sev == severity::info);
  CHECK(ev[0].text == "breaker fast_market on BTC-PERP cleared: hold of 30 s expired");
  CHECK_FALSE(b.tripped(breaker_kind::fast_market, "BTC-PERP"));
  CHECK(b.next_expiry() == 0);

  // Latched: a year later still there.
  b.expire(t0 + 365 * day, ev);
  CHECK(b.tripped(breaker_kind::drawdown, ""));
  // A timed refresh of a latched trip keeps it latched.
  b.trip(breaker_kind::drawdown, "", breaker_action::reduce, "", 12, 10, t0 + sec, 5 * sec, ev);
  CHECK(b.find(breaker_kind::drawdown, "")->until == 0);
  // A latched refresh of a timed trip latches it.
  b.trip(breaker_kind::book_consistency, "sim-a", breaker_action::freeze, "", 0, 0, t0,
         60 * sec, ev);
  b.trip(breaker_kind::book_consistency, "sim-a", breaker_action::freeze, "", 0, 0, t0, 0, ev);
  CHECK(b.find(breaker_kind::book_consistency, "sim-a")->until == 0);
}

TEST_CASE("board: a trip past its until before expire() is a new trip") {
  breaker_board b;
  std::vector<event> ev;
  b.trip(breaker_kind::consecutive_failures, "p", breaker_action::freeze, "", 3, 3, t0,
         60 * sec, ev);
  ev.clear();
  CHECK(b.trip(breaker_kind::consecutive_failures, "p", breaker_action::freeze, "", 3, 3,
               t0 + 60 * sec, 60 * sec, ev));
  REQUIRE(ev.size() == 2);
  CHECK(ev[0].text == "breaker consecutive_failures on p cleared: hold of 60 s expired");
  CHECK(ev[1].sev == severity::warning);
  CHECK(b.find(breaker_kind::consecutive_failures, "p")->since == t0 + 60 * sec);
  CHECK(b.trips_total(breaker_kind::consecutive_failures) == 2);
}

TEST_CASE("board: clear by condition") {
  breaker_board b;
  std::vector<event> ev;
  const auto book = book_scope("sim-a", "BTC-PERP");
  b.trip(breaker_kind::stale_book, book, breaker_action::freeze, "book 2.5 s old (budget 2 s)",
         2.5, 2, t0, 0, ev);
  ev.clear();
  CHECK_FALSE(b.clear(breaker_kind::stale_book, "sim-b|BTC-PERP", "fresh", t0, ev));
  CHECK_FALSE(b.clear(breaker_kind::liveness, book, "fresh", t0, ev));
  CHECK(ev.empty());
  CHECK(b.clear(breaker_kind::stale_book, book, "book fresh again", t0 + sec, ev));
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].ts == t0 + sec);
  CHECK(ev[0].sev == severity::info);
  CHECK(ev[0].text == "breaker stale_book on sim-a|BTC-PERP cleared: book fresh again");
  CHECK(b.empty());
  CHECK_FALSE(b.clear(breaker_kind::stale_book, book, "again", t0 + sec, ev));
  CHECK(ev.size() == 1);
}

TEST_CASE("board: resume all or by scope") {
  breaker_board b;
  std::vector<event> ev;
  b.trip(breaker_kind::daily_loss, "", breaker_action::reduce, "", 0, 0, t0, 0, ev);
  b.trip(breaker_kind::venue_drawdown, "sim-a", breaker_action::safe_mode, "", 0, 0, t0, 0, ev);
  b.trip(breaker_kind::liveness, "sim-a", breaker_action::freeze, "", 0, 0, t0, 0, ev);
  b.trip(breaker_kind::stale_book, "sim-a|BTC-PERP", breaker_action::freeze, "", 0, 0, t0, 0,
         ev);
  b.trip(breaker_kind::manual, "sim-b", breaker_action::halt, "operator", 0, 0, t0, 0, ev);
  ev.clear();

  const std::string venue = "sim-a";
  CHECK(b.resume(t0 + sec, ev, &venue) == 2);
  REQUIRE(ev.size() == 2);
  for (const auto& e : ev) {
    CHECK(e.sev == severity::info);
    CHECK(e.ts == t0 + sec);
    CHECK(e.text.find("on sim-a cleared: operator resume") != std::string::npos);
  }
  CHECK_FALSE(b.tripped(breaker_kind::liveness, "sim-a"));
  CHECK(b.tripped(breaker_kind::stale_book, "sim-a|BTC-PERP")); // exact scope only
  CHECK(b.active().size() == 3);

  const std::string none = "sim-z";
  CHECK(b.resume(t0 + sec, ev, &none) == 0);
  ev.clear();
  CHECK(b.resume(t0 + 2 * sec, ev) == 3);
  CHECK(ev.size() == 3);
  CHECK(ev[0].text == "breaker stale_book on sim-a|BTC-PERP cleared: operator resume");
  CHECK(ev[1].text == "breaker daily_loss cleared: operator resume");
  CHECK(b.empty());
  CHECK(b.trips_total(breaker_kind::daily_loss) == 1); // the metric survives a resume
  CHECK(b.resume(t0 + 3 * sec, ev) == 0);
}

// -- breaker_config -----------------------------------------------------------------------------

TEST_CASE("breaker_config defaults are the issue's and validate") {
  breaker_config c;
  CHECK(validate(c, "risk.breakers").empty());
  CHECK(c.consecutive_failures.limit == 3);
  CHECK(c.consecutive_failures.hold_ns == 60 * sec);
  CHECK(c.error_rate.limit == 5);
  CHECK(c.error_rate.window_ns == 60 * sec);
  CHECK(c.error_rate.hold_ns == 300 * sec);
  CHECK(c.stale_book.budget_ns == 2 * sec);
  CHECK(c.liveness.budget_ns == 5 * sec);
  CHECK(c.book_consistency.hold_ns == 60 * sec);
  CHECK(c.latency.limit_ns == 500 * ms);
  CHECK(c.latency.clear_after_ns == 30 * sec);
  CHECK(c.fast_market.move_pct == 0.5);
  CHECK(c.fast_market.window_ns == sec);
  CHECK(c.fast_market.hold_ns == 30 * sec);
  CHECK(c.daily_loss.limit == m("500"));
  CHECK(c.daily_loss.action == breaker_action::reduce);
  CHECK(c.daily_loss.hold_ns == 0);
  CHECK(c.drawdown.pct == 10);
  CHECK(c.drawdown.action == breaker_action::reduce);
  CHECK(c.venue_drawdown.pct == 5);
  CHECK(c.venue_drawdown.action == breaker_action::safe_mode);
  CHECK(c.balance_floor.floor.is_zero());
  CHECK(c.balance_floor.action == breaker_action::reduce);
  CHECK(c.rate_limit.action == breaker_action::halt);
  CHECK(c == breaker_config{});
  auto d = c;
  d.latency.limit_ns = 600 * ms;
  CHECK_FALSE(d == c);

  // The detectors' defaults match the config's.
  CHECK(error_window{}.limit() == c.error_rate.limit);
  CHECK(latency_monitor{}.limit_ns() == c.latency.limit_ns);
  CHECK(fast_market_detector{}.threshold_pct() == c.fast_market.move_pct);
  CHECK(fast_market_detector{}.window_ns() == c.fast_market.window_ns);
}

TEST_CASE("breaker_config validation messages") {
  const std::string p = "risk.breakers.";
  auto with = [](auto change) {
    breaker_config c;
    change(c);
    return c;
  };
  check_single(with([](auto& c) { c.consecutive_failures.limit = 0; }),
               p + "consecutive_failures.limit: must be > 0 (got 0)");
  check_single(with([](auto& c) { c.consecutive_failures.hold_ns = -1; }),
               p + "consecutive_failures.hold_ns: must be >= 0 (got -1)");
  check_single(with([](auto& c) { c.error_rate.limit = 0; }), p + "error_rate.limit: must be > 0");
  check_single(with([](auto& c) { c.error_rate.window_ns = 0; }),
               p + "error_rate.window_ns: must be > 0 (got 0)");
  check_single(with([](auto& c) { c.stale_book.budget_ns = -5; }),
               p + "stale_book.budget_ns: must be > 0 (got -5)");
  check_single(with([](auto& c) { c.liveness.budget_ns = 0; }), p + "liveness.budget_ns");
  check_single(with([](auto& c) { c.book_consistency.hold_ns = -1; }),
               p + "book_consistency.hold_ns");
  check_single(with([](auto& c) { c.latency.limit_ns = 0; }), p + "latency.limit_ns");
  check_single(with([](auto& c) { c.latency.clear_after_ns = 0; }), p + "latency.clear_after_ns");
  check_single(with([](auto& c) { c.fast_market.move_pct = 0; }),
               p + "fast_market.move_pct: must be > 0 and <= 100 (got 0)");
  check_single(with([](auto& c) { c.fast_market.move_pct = 100.5; }),
               p + "fast_market.move_pct: must be > 0 and <= 100");
  check_single(with([](auto& c) {
                 c.fast_market.move_pct = std::numeric_limits<double>::quiet_NaN();
               }),
               p + "fast_market.move_pct: must be a finite number");
  check_single(with([](auto& c) { c.fast_market.window_ns = 0; }), p + "fast_market.window_ns");
  check_single(with([](auto& c) { c.daily_loss.limit = m("-1"); }),
               p + "daily_loss.limit: must be >= 0 (got -1)");
  check_single(with([](auto& c) { c.daily_loss.day_start_offset_ns = day; }),
               p + "daily_loss.day_start_offset_ns");
  check_single(with([](auto& c) { c.drawdown.pct = -3; }), p + "drawdown.pct");
  check_single(with([](auto& c) { c.venue_drawdown.pct = 0; }), p + "venue_drawdown.pct");
  check_single(with([](auto& c) { c.balance_floor.floor = m("-0.5"); }),
               p + "balance_floor.floor: must be >= 0 (got -0.5)");
  check_single(with([](auto& c) { c.rate_limit.hold_ns = -1; }), p + "rate_limit.hold_ns");
  check_single(with([](auto& c) { c.rate_limit.action = static_cast<breaker_action>(7); }),
               p + "rate_limit.action: invalid value 7");
  // safe_mode only on venue-scoped breakers.
  check_single(with([](auto& c) { c.drawdown.action = breaker_action::safe_mode; }),
               p + "drawdown.action: safe_mode needs a venue scope (drawdown trips on a node)");
  check_single(with([](auto& c) { c.fast_market.action = breaker_action::safe_mode; }),
               p + "fast_market.action: safe_mode needs a venue scope");
  CHECK(validate(with([](auto& c) { c.latency.action = breaker_action::safe_mode; }), "x")
          .empty());
  // Zero means off where that makes sense.
  CHECK(validate(with([](auto& c) {
                   c.daily_loss.limit = money{};
                   c.balance_floor.floor = money{};
                 }),
                 "x")
          .empty());

  // Several problems: one line each; no prefix without a path.
  breaker_config bad;
  bad.error_rate.limit = 0;
  bad.drawdown.pct = 0;
  bad.latency.limit_ns = -1;
  const auto lines = lines_of(validate(bad, ""));
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].rfind("error_rate.limit: ", 0) == 0);
  CHECK(lines[1].rfind("latency.limit_ns: ", 0) == 0);
  CHECK(lines[2].rfind("drawdown.pct: ", 0) == 0);
}

} // TEST_SUITE
