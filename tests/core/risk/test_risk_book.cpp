#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "core/risk/risk_book.hpp"

using namespace xarb;
using namespace xarb::risk;

namespace {

constexpr timestamp_ns ms = 1'000'000;
constexpr timestamp_ns sec = 1'000'000'000;
constexpr timestamp_ns day = 86'400 * sec;
constexpr timestamp_ns t0 = 20'000 * day + 3'600 * sec; // 01:00 UTC

money m(const char* text) {
  return money::from_string(text).value();
}
price px(const char* text) {
  return price::from_string(text).value();
}
quantity q(const char* text) {
  return quantity::from_string(text).value();
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// A flat pair on `a`/`b` trading `sym` at 100, one tranche = 300 per leg
/// (a grant is 306), fresh books.
pair_risk_report report(const std::string& id, const std::string& a = "A",
                        const std::string& b = "B", const std::string& sym = "BTC") {
  pair_risk_report r;
  r.pair_id = id;
  r.symbol = sym;
  r.venue_a = a;
  r.venue_b = b;
  r.mark_a = px("100");
  r.mark_b = px("100");
  r.tranche_notional = m("300");
  r.mode = "normal_arb";
  r.book_age_a_ns = 100 * ms;
  r.book_age_b_ns = 100 * ms;
  return r;
}

/// Holding `qty` in direction ab (short A, long B), hedged.
pair_risk_report holding(pair_risk_report r, const char* qty) {
  r.qty_a = -q(qty);
  r.qty_b = q(qty);
  r.target_a = -q(qty);
  return r;
}

/// Holding `qty` in direction ba (long A, short B), hedged.
pair_risk_report holding_ba(pair_risk_report r, const char* qty) {
  r.qty_a = q(qty);
  r.qty_b = -q(qty);
  r.target_a = q(qty);
  return r;
}

const risk_permit& permit_of(const risk_book& b, const std::string& id) {
  const auto* p = b.permit(id);
  REQUIRE(p != nullptr);
  return *p;
}

/// Reports every pair at `now` and evaluates.
void cycle(risk_book& b, const std::vector<pair_risk_report>& rs, timestamp_ns now) {
  for (auto r : rs) {
    r.ts = now;
    b.on_report(r, now);
  }
  b.evaluate(now);
}

std::size_t count_events(const std::vector<event>& es, const std::string& part) {
  std::size_t n = 0;
  for (const auto& e : es)
    if (has(e.text, part))
      ++n;
  return n;
}

venue_risk_config venue_cfg(const std::string& name, double max_leverage) {
  venue_risk_config v;
  v.venue = name;
  v.max_leverage = max_leverage;
  return v;
}

const venue_status& venue_of(const risk_snapshot& s, const std::string& name) {
  for (const auto& v : s.venues)
    if (v.venue == name)
      return v;
  FAIL("venue " << name << " missing");
  return s.venues.front();
}

const std::vector<std::string> ab{"A", "B"};
const std::vector<std::string> abcd{"A", "B", "C", "D"};

} // namespace

TEST_SUITE("risk book: permits") {

TEST_CASE("no permit before a report, one after the first evaluation") {
  risk_book b{risk_config{}, ab};
  b.evaluate(t0);
  CHECK(b.take_permits(t0).empty());
  CHECK(b.permit("P1") == nullptr);
  CHECK_FALSE(b.knows("P1"));
  b.on_report(report("P1"), t0);
  CHECK(b.knows("P1"));
  CHECK(b.permit("P1") == nullptr);   // not evaluated yet
  CHECK(b.take_permits(t0).empty());
  b.evaluate(t0);
  auto ps = b.take_permits(t0);
  REQUIRE(ps.size() == 1);
  const auto& p = ps[0];
  CHECK(p.pair_id == "P1");
  CHECK(p.version == 1);
  CHECK(p.state == trade_state::active);
  CHECK(p.entries);
  CHECK(p.reason == "");
  CHECK(p.cap_ab == m("306"));
  CHECK(p.cap_ba == m("306"));
  CHECK(p.max_order_notional == m("5000"));
  CHECK(p.price_band_bps == 200);
  CHECK(p.max_book_age_ns == 2 * sec);
  CHECK(p.fast_move_pct == 0.5);
  CHECK(p.fast_window_ns == 1 * sec);
  CHECK(p.fast_freeze_ns == 30 * sec);
  CHECK(p.ts == t0);
  CHECK(p.valid_until == t0 + 5 * sec);
}

TEST_CASE("a malformed report throws (the guard then fails closed)") {
  risk_book b{risk_config{}, ab};
  auto bad = report("");
  CHECK_THROWS_AS(b.on_report(bad, t0), std::invalid_argument);
  bad = report("P1", "A", "A");
  CHECK_THROWS_AS(b.on_report(bad, t0), std::invalid_argument);
  bad = report("P1", "A", "");
  CHECK_THROWS_AS(b.on_report(bad, t0), std::invalid_argument);
  bad = report("P1", "A", "B", "");
  CHECK_THROWS_AS(b.on_report(bad, t0), std::invalid_argument);
  CHECK_FALSE(b.knows("P1"));
  CHECK_NOTHROW(b.on_report(report("P1"), t0));
}

TEST_CASE("versions increase; renewal at lease/2 and only then when nothing changed") {
  risk_book b{risk_config{}, ab};
  cycle(b, {report("P1")}, t0);
  REQUIRE(b.take_permits(t0).size() == 1);
  // Nothing changed: nothing to send, before lease/2.
  cycle(b, {report("P1")}, t0 + 1 * sec);
  CHECK(b.take_permits(t0 + 1 * sec).empty());
  CHECK(b.take_permits(t0 + 2'500 * ms - 1).empty());
  // Lease/2 after the last send: a renewal with a new version and lease.
  auto renew = b.take_permits(t0 + 2'500 * ms);
  REQUIRE(renew.size() == 1);
  CHECK(renew[0].version == 2);
  CHECK(renew[0].valid_until == t0 + 7'500 * ms);
  CHECK(renew[0].cap_ab == m("306"));
  CHECK(b.take_permits(t0 + 2'600 * ms).empty());
  // A change goes out at once (the commitment moved the cap).
  cycle(b, {holding(report("P1"), "1")}, t0 + 2'700 * ms);
  auto changed = b.take_permits(t0 + 2'700 * ms);
  REQUIRE(changed.size() == 1);
  CHECK(changed[0].version == 3);
  CHECK(changed[0].cap_ab == m("406"));
  CHECK(b.snapshot(t0 + 3 * sec).permits_sent == 3);
}

TEST_CASE("allocation: commitment plus one tranche x 1.02, exact") {
  SUBCASE("commitment of a position") {
    risk_book b{risk_config{}, ab};
    cycle(b, {holding(report("P1"), "5")}, t0);
    const auto& p = permit_of(b, "P1");
    CHECK(p.cap_ab == m("806"));
    CHECK(p.cap_ba == m("806"));
    CHECK(p.entries);
    CHECK(p.reason == "");
  }
  SUBCASE("the commitment is the largest of the target and both legs") {
    risk_book b{risk_config{}, ab};
    auto r = holding(report("P1"), "2");
    r.target_a = q("-4"); // entering: the target leads the fills
    cycle(b, {r}, t0);
    CHECK(permit_of(b, "P1").cap_ab == m("706"));
  }
  SUBCASE("rounding down to the nano") {
    risk_book b{risk_config{}, ab};
    auto r = report("P1");
    r.tranche_notional = m("333.333333333");
    cycle(b, {r}, t0);
    CHECK(permit_of(b, "P1").cap_ab == m("339.999999999"));
  }
  SUBCASE("exact beyond 2^53 nanos (a double would round)") {
    risk_config c;
    c.max_pair_gross = c.max_pair_net = c.max_symbol_gross = c.max_symbol_net = money::zero();
    c.max_venue_gross = c.max_venue_net = c.max_total_gross = c.max_total_net = money::zero();
    c.default_max_leverage = 10;
    c.capital.default_pool = m("2000000");
    risk_book b{c, ab};
    auto r = report("P1");
    r.tranche_notional = m("9100000.000000001");
    auto r2 = report("P2", "A", "B", "ETH");
    r2.tranche_notional = m("8999999.999999999");
    cycle(b, {r}, t0);
    CHECK(permit_of(b, "P1").cap_ab == m("9282000.000000001"));
    risk_book b2{c, ab};
    cycle(b2, {r2}, t0);
    CHECK(permit_of(b2, "P2").cap_ab == m("9179999.999999998"));
  }
  SUBCASE("no tranche reported: no grant, the reason says so") {
    risk_book b{risk_config{}, ab};
    auto r = holding(report("P1"), "1");
    r.tranche_notional = money::zero();
    cycle(b, {r}, t0);
    const auto& p = permit_of(b, "P1");
    CHECK(p.cap_ab == m("100"));
    CHECK(p.reason == "pair has not reported its tranche size");
  }
}

TEST_CASE("refusals name the binding limit") {
  risk_config c;
  std::vector<pair_risk_report> rs{holding(report("P1"), "5")}; // commit 500
  std::string want;
  money commit = m("500");
  SUBCASE("pair gross") {
    c.max_pair_gross = m("700");
    want = "pair gross limit 700.00 (ab): 200.00 left, 306.00 needed";
  }
  SUBCASE("pair net") {
    rs[0].qty_b = q("16"); // net 11 x 100
    commit = m("1600");
    want = "pair net 1100.00 above 1000.00 (ab): 0.00 left, 306.00 needed";
  }
  SUBCASE("symbol gross (both legs)") {
    c.max_symbol_gross = m("1500");
    want = "symbol BTC gross limit 1500.00 (ab): 250.00 left, 306.00 needed";
  }
  SUBCASE("symbol net") {
    rs[0].qty_b = q("10"); // pair net 500 (limit 1000), symbol net 500
    commit = m("1000");
    c.max_symbol_net = m("400");
    want = "symbol BTC net 500.00 above 400.00 (ab): 0.00 left, 306.00 needed";
  }
  SUBCASE("venue gross") {
    c.max_venue_gross = m("700");
    want = "venue A gross limit 700.00 (ab): 200.00 left, 306.00 needed";
  }
  SUBCASE("venue leverage: pool x max_leverage") {
    c.capital.pools = {{"B", m("700")}};
    c.venues = {venue_cfg("B", 1)};
    want = "venue B leverage 1.00x of 700.00 (ab): 200.00 left, 306.00 needed";
  }
  SUBCASE("total gross") {
    c.max_total_gross = m("1500");
    want = "total gross limit 1500.00 (ab): 250.00 left, 306.00 needed";
  }
  SUBCASE("total net") {
    rs[0].qty_b = q("10");
    commit = m("1000");
    c.max_total_net = m("400");
    want = "total net 500.00 above 400.00 (ab): 0.00 left, 306.00 needed";
  }
  SUBCASE("capital: the pool is too small for the margin") {
    c.capital.pools = {{"A", m("70")}};
    c.venues = {venue_cfg("A", 100)};
    // 57.75 usable for normal_arb, the position's margin takes 50.
    want = "capital A: 7.75 available for normal_arb in L1+L2+L3+L5, 30.6 needed";
  }
  risk_book b{c, ab};
  cycle(b, rs, t0);
  const auto& p = permit_of(b, "P1");
  CHECK(p.state == trade_state::active);
  CHECK(p.entries);
  CHECK(p.reason == want);
  CHECK(p.cap_ab == commit);
  CHECK(p.cap_ba == commit);
  const auto snap = b.snapshot(t0);
  REQUIRE(snap.pairs.size() == 1);
  CHECK(snap.pairs[0].reason == want);
  // The refusal is an event, once.
  auto es = b.take_events();
  CHECK(count_events(es, "pair P1 entries refused: " + want) == 1);
  cycle(b, rs, t0 + 1 * sec);
  CHECK(count_events(b.take_events(), "entries refused") == 0);
}

TEST_CASE("venue net: the direction matters (ab sells A, buys B)") {
  risk_config c;
  c.max_venue_net = m("700");
  risk_book b{c, ab};
  // Short 500 on A, long 500 on B: ab would add to both, ba reduces both.
  cycle(b, {holding(report("P1"), "5")}, t0);
  CHECK(permit_of(b, "P1").cap_ab == m("500"));
  CHECK(permit_of(b, "P1").cap_ba == m("806"));
  // The mirror position: ba refused, ab granted.
  cycle(b, {holding_ba(report("P1"), "5")}, t0 + sec);
  CHECK(permit_of(b, "P1").cap_ab == m("806"));
  CHECK(permit_of(b, "P1").cap_ba == m("500"));
  // Flat: room for both.
  cycle(b, {report("P1")}, t0 + 2 * sec);
  CHECK(permit_of(b, "P1").cap_ab == m("306"));
  CHECK(permit_of(b, "P1").cap_ba == m("306"));
}

TEST_CASE("direction consistency across pairs on the same venue and symbol") {
  SUBCASE("one direction refused, the other granted") {
    risk_book b{risk_config{}, {"A", "B", "C"}};
    // P1 is long BTC on A (ba); P2 (A/C) may buy A (ba) but not sell it (ab).
    cycle(b, {holding_ba(report("P1"), "5"), report("P2", "A", "C")}, t0);
    CHECK(permit_of(b, "P2").cap_ab == m("0"));
    CHECK(permit_of(b, "P2").cap_ba == m("306"));
    // Another symbol on the same venue is independent.
    cycle(b, {holding_ba(report("P1"), "5"), report("P2", "A", "C", "ETH")}, t0 + sec);
    CHECK(permit_of(b, "P2").cap_ab == m("306"));
  }
  SUBCASE("both directions conflict: refused, the reason names the pair") {
    risk_book b{risk_config{}, abcd};
    cycle(b, {holding_ba(report("P1", "A", "B"), "5"), report("P2", "A", "D"),
              holding(report("P3", "A", "C"), "5")},
          t0);
    const auto& p = permit_of(b, "P2");
    CHECK(p.cap_ab == m("0"));
    CHECK(p.cap_ba == m("0"));
    CHECK(p.reason == "direction consistency: P1 is long BTC on A (ab): 0.00 left, 306.00 needed");
  }
  SUBCASE("switched off") {
    risk_config c;
    c.direction_consistency = false;
    risk_book b{c, {"A", "B", "C"}};
    cycle(b, {holding_ba(report("P1"), "5"), report("P2", "A", "C")}, t0);
    CHECK(permit_of(b, "P2").cap_ab == m("306"));
    CHECK(permit_of(b, "P2").cap_ba == m("306"));
  }
}

TEST_CASE("two pairs competing for the last headroom: one grant only") {
  risk_config c;
  c.max_venue_gross = m("500");
  risk_book b{c, ab};
  for (int i = 0; i < 3; ++i) {
    cycle(b, {report("P1"), report("P2")}, t0 + i * sec);
    b.take_permits(t0 + i * sec);
    CHECK(permit_of(b, "P1").cap_ab == m("306"));
    CHECK(permit_of(b, "P2").cap_ab == m("0"));
    CHECK(permit_of(b, "P2").cap_ba == m("0"));
    CHECK(permit_of(b, "P2").reason
          == "venue A gross limit 500.00 (ab): 194.00 left, 306.00 needed");
  }
}

TEST_CASE("an unacknowledged permit keeps its reservation (no double spend)") {
  risk_config c;
  c.max_venue_gross = m("500");
  risk_book b{c, ab};
  cycle(b, {report("P1"), report("P2")}, t0);
  REQUIRE(b.take_permits(t0).size() == 2); // P1 v1: 306; P2 v1: 0
  CHECK(b.capital().held("P1", "A") == m("30.6"));
  // P1 is told to flatten: its new permit has no grant, but P1 may still
  // be entering under v1 until it says it applied the new one.
  b.flatten_pair("P1", "ops", t0 + 1 * sec);
  cycle(b, {report("P1"), report("P2")}, t0 + 1 * sec);
  CHECK(permit_of(b, "P1").state == trade_state::reducing);
  CHECK(permit_of(b, "P1").cap_ab == m("0"));
  CHECK(permit_of(b, "P2").cap_ab == m("0"));
  auto sent = b.take_permits(t0 + 1 * sec);
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].version == 2);
  // The capital of v1 stays held too.
  CHECK(b.capital().held("P1", "A") == m("30.6"));
  // Renewal v3 (same content) goes out before P1 acknowledges anything.
  auto renewal = b.take_permits(t0 + 3'500 * ms);
  REQUIRE(renewal.size() == 2);
  CHECK(renewal[0].version == 3);
  // P1 acknowledges v1: still the v1 cap may be spent.
  auto r1 = report("P1");
  r1.permit_version = 1;
  cycle(b, {r1, report("P2")}, t0 + 4 * sec);
  CHECK(permit_of(b, "P2").cap_ab == m("0"));
  // P1 acknowledges v2 (v3 in flight, same cap): v1 is superseded, P2 gets it.
  r1.permit_version = 2;
  cycle(b, {r1, report("P2")}, t0 + 5 * sec);
  CHECK(permit_of(b, "P2").cap_ab == m("306"));
  CHECK(permit_of(b, "P2").cap_ba == m("306"));
  CHECK(b.capital().held("P1", "A") == m("0"));
  CHECK(b.capital().held("P2", "A") == m("30.6"));
  const auto snap = b.snapshot(t0 + 5 * sec);
  CHECK(snap.pairs[0].acked_version == 2);
  CHECK(snap.pairs[0].permit_version == 3);
}

TEST_CASE("a pair that never acknowledges keeps its largest cap reserved") {
  risk_config c;
  c.max_venue_gross = m("1000");
  risk_book b{c, ab};
  // 100 permits with falling caps (408 .. 307.02), none acknowledged: more
  // than the book keeps one by one.
  for (int i = 0; i < 100; ++i) {
    auto r = report("P1");
    r.tranche_notional = money::from_units(400 - i);
    cycle(b, {r}, t0 + i * sec);
    b.take_permits(t0 + i * sec);
  }
  // The first cap (408) was the largest: P2 sees 1000 - 408 = 592 left.
  cycle(b, {report("P1"), report("P2")}, t0 + 200 * sec);
  CHECK(permit_of(b, "P2").cap_ab == m("306"));
  auto r2 = report("P2");
  r2.tranche_notional = m("580"); // 591.6 <= 592
  cycle(b, {report("P1"), r2}, t0 + 201 * sec);
  CHECK(permit_of(b, "P2").cap_ab == m("591.6"));
  r2.tranche_notional = m("581"); // 592.62 > 592
  cycle(b, {report("P1"), r2}, t0 + 202 * sec);
  CHECK(permit_of(b, "P2").cap_ab == m("0"));
}

} // TEST_SUITE

TEST_SUITE("risk book: capital") {

TEST_CASE("venue drawdown from its peak: safe mode restricts the capital layers") {
  risk_config c;
  c.capital.pools = {{"A", m("1000")}};
  c.venues = {venue_cfg("A", 100)};
  risk_book b{c, ab};
  auto r = holding(report("P1"), "15"); // commit 1500, margin 150 on A
  cycle(b, {r}, t0);
  CHECK(permit_of(b, "P1").cap_ab == m("1806"));
  // -60 on A: 6 % below its peak (1000) -> safe mode: only L1 (180, of
  // which the position holds 150).
  r.pnl_a = m("-60");
  cycle(b, {r}, t0 + sec);
  const auto& p = permit_of(b, "P1");
  CHECK(p.state == trade_state::active);
  CHECK(p.entries); // safe mode narrows capital, it does not freeze entries
  CHECK(p.cap_ab == m("1500"));
  CHECK(p.reason
        == "capital A: 30 available for normal_arb in L1+L2+L3+L5, 30.6 needed (safe mode: L1 only)");
  CHECK(b.breakers().tripped(breaker_kind::venue_drawdown, "A"));
  CHECK(b.capital().safe_mode("A"));
  const auto snap = b.snapshot(t0 + sec);
  CHECK(venue_of(snap, "A").safe_mode);
  CHECK(venue_of(snap, "A").drawdown_pct == doctest::Approx(6.0));
  CHECK(venue_of(snap, "A").state == trade_state::active);
  CHECK_FALSE(venue_of(snap, "B").safe_mode);
  // Latched: recovering a little does not end it; a resume of the venue
  // does (its peak is measured from there on).
  r.pnl_a = m("-50");
  cycle(b, {r}, t0 + 2 * sec);
  CHECK(b.capital().safe_mode("A"));
  const std::string a = "A";
  CHECK(b.resume(t0 + 3 * sec, &a) >= 1);
  cycle(b, {r}, t0 + 3 * sec);
  CHECK_FALSE(b.capital().safe_mode("A"));
  CHECK(permit_of(b, "P1").cap_ab == m("1806"));
}

TEST_CASE("the capital snapshot holds commitment margin plus the grant's") {
  risk_book b{risk_config{}, ab};
  cycle(b, {holding(report("P1"), "5")}, t0);
  const auto snap = b.snapshot(t0);
  REQUIRE(snap.capital.size() == 2);
  CHECK(snap.capital[0].venue == "A");
  CHECK(snap.capital[0].used == m("80.6")); // 500 / 10 + 306 / 10
  CHECK(snap.capital[1].used == m("80.6"));
  CHECK(b.capital().held("P1", "B") == m("80.6"));
}

} // TEST_SUITE

TEST_SUITE("risk book: breakers from reports and alerts") {

TEST_CASE("consecutive failures freeze the pair for the hold, then it may retry") {
  risk_book b{risk_config{}, abcd};
  auto r = report("P1");
  r.consecutive_failures = 2;
  cycle(b, {r, report("P2", "C", "D")}, t0);
  CHECK(permit_of(b, "P1").entries);
  r.consecutive_failures = 3;
  cycle(b, {r}, t0 + sec);
  CHECK_FALSE(permit_of(b, "P1").entries);
  CHECK(permit_of(b, "P1").state == trade_state::active);
  CHECK(permit_of(b, "P1").reason
        == "consecutive_failures P1: 3 consecutive order failures (limit 3)");
  CHECK(permit_of(b, "P1").cap_ab == m("0"));
  CHECK(permit_of(b, "P2").entries);
  // The streak stays at 3 while frozen (no orders): the hold still ends.
  for (int i = 2; i <= 60; i += 10)
    cycle(b, {r}, t0 + i * sec);
  CHECK_FALSE(permit_of(b, "P1").entries);
  cycle(b, {r}, t0 + 61 * sec - 1);
  CHECK_FALSE(permit_of(b, "P1").entries);
  cycle(b, {r}, t0 + 61 * sec);
  CHECK(permit_of(b, "P1").entries);
  cycle(b, {r}, t0 + 70 * sec);
  CHECK(permit_of(b, "P1").entries);
  // A new failure trips it again.
  r.consecutive_failures = 4;
  cycle(b, {r}, t0 + 71 * sec);
  CHECK_FALSE(permit_of(b, "P1").entries);
  CHECK(b.breakers().trips_total(breaker_kind::consecutive_failures) == 2);
}

TEST_CASE("rejects count as venue errors: 5 within 60 s freeze the venue for 5 min") {
  risk_book b{risk_config{}, abcd};
  auto r = report("P1");
  r.rejects_a = 7; // counters since the pair started: the first report is the base
  cycle(b, {r, report("P2", "A", "C"), report("P3", "C", "D")}, t0);
  CHECK_FALSE(b.breakers().tripped(breaker_kind::error_rate, "A"));
  r.rejects_a = 11;
  cycle(b, {r}, t0 + 1 * sec);
  CHECK_FALSE(b.breakers().tripped(breaker_kind::error_rate, "A"));
  SUBCASE("the fifth within the window (inclusive) trips") {
    r.rejects_a = 12;
    cycle(b, {r}, t0 + 61 * sec);
    CHECK(b.breakers().tripped(breaker_kind::error_rate, "A"));
    CHECK_FALSE(permit_of(b, "P1").entries);
    CHECK(permit_of(b, "P1").reason
          == "error_rate A: 5 errors within 60 s (limit 5), last: order rejected (P1)");
    CHECK_FALSE(permit_of(b, "P2").entries); // every pair on A
    CHECK(permit_of(b, "P3").entries);
    b.evaluate(t0 + 361 * sec - 1);
    CHECK_FALSE(permit_of(b, "P1").entries);
    b.evaluate(t0 + 361 * sec);
    CHECK(permit_of(b, "P1").entries);
    CHECK(permit_of(b, "P2").entries);
  }
  SUBCASE("outside the window it does not") {
    r.rejects_a = 12;
    cycle(b, {r}, t0 + 61 * sec + 1);
    CHECK_FALSE(b.breakers().tripped(breaker_kind::error_rate, "A"));
  }
  SUBCASE("leg B rejects count on venue B") {
    r.rejects_b = 5;
    cycle(b, {r}, t0 + 2 * sec);
    CHECK(b.breakers().tripped(breaker_kind::error_rate, "B"));
    CHECK_FALSE(b.breakers().tripped(breaker_kind::error_rate, "A"));
  }
}

TEST_CASE("latency above 500 ms freezes the venue until 30 s without a slow one") {
  risk_book b{risk_config{}, ab};
  auto r = report("P1");
  r.ack_rtt_a_ns = 500 * ms; // at the limit: fine
  cycle(b, {r}, t0);
  CHECK(permit_of(b, "P1").entries);
  r.ack_rtt_a_ns = 500 * ms + 1;
  cycle(b, {r}, t0 + sec);
  CHECK_FALSE(permit_of(b, "P1").entries);
  CHECK(has(permit_of(b, "P1").reason, "latency A: order round trip 500.0 ms above 500 ms"));
  r.ack_rtt_a_ns = 10 * ms; // good samples do not clear it early
  cycle(b, {r}, t0 + 10 * sec);
  CHECK_FALSE(permit_of(b, "P1").entries);
  cycle(b, {r}, t0 + 31 * sec - 1);
  CHECK_FALSE(permit_of(b, "P1").entries);
  cycle(b, {r}, t0 + 31 * sec);
  CHECK(permit_of(b, "P1").entries);
  // Tripped again, then resumed by the operator: a good sample within the
  // clear time must not trip it again.
  r.ack_rtt_a_ns = 800 * ms;
  cycle(b, {r}, t0 + 40 * sec);
  CHECK_FALSE(permit_of(b, "P1").entries);
  b.resume(t0 + 41 * sec);
  r.ack_rtt_a_ns = 10 * ms;
  cycle(b, {r}, t0 + 42 * sec);
  CHECK(permit_of(b, "P1").entries);
  CHECK_FALSE(b.breakers().tripped(breaker_kind::latency, "A"));
  // A slow one does.
  r.ack_rtt_a_ns = 600 * ms;
  cycle(b, {r}, t0 + 43 * sec);
  CHECK(b.breakers().tripped(breaker_kind::latency, "A"));
}

TEST_CASE("stale book: frozen while older than its budget, clear when fresh") {
  risk_book b{risk_config{}, abcd};
  auto r = report("P1");
  r.book_age_b_ns = 2 * sec; // at the budget: fine
  cycle(b, {r, report("P2", "B", "C", "ETH")}, t0);
  CHECK(permit_of(b, "P1").entries);
  r.book_age_b_ns = 2 * sec + 1;
  cycle(b, {r}, t0 + sec);
  CHECK(b.breakers().tripped(breaker_kind::stale_book, "B|BTC"));
  CHECK_FALSE(permit_of(b, "P1").entries);
  CHECK(permit_of(b, "P1").reason == "stale_book B|BTC: book 2000 ms old (budget 2 s)");
  CHECK(permit_of(b, "P2").entries); // another book on the same venue
  r.book_age_b_ns = -1; // no book: no news
  cycle(b, {r}, t0 + 2 * sec);
  CHECK_FALSE(permit_of(b, "P1").entries);
  r.book_age_b_ns = 50 * ms;
  cycle(b, {r}, t0 + 3 * sec);
  CHECK(permit_of(b, "P1").entries);
  CHECK_FALSE(b.breakers().tripped(breaker_kind::stale_book, "B|BTC"));
  r.book_age_a_ns = 5 * sec; // leg A as well
  cycle(b, {r}, t0 + 4 * sec);
  CHECK(b.breakers().tripped(breaker_kind::stale_book, "A|BTC"));
}

TEST_CASE("fast market freezes the whole symbol for its hold") {
  risk_book b{risk_config{}, abcd};
  auto r = report("P1");
  cycle(b, {r, report("P2", "C", "D"), report("P3", "A", "B", "ETH")}, t0);
  r.fast_market = true;
  r.fast_move_pct = 0.8;
  cycle(b, {r}, t0 + sec);
  CHECK_FALSE(permit_of(b, "P1").entries);
  CHECK_FALSE(permit_of(b, "P2").entries);
  CHECK(permit_of(b, "P3").entries);
  CHECK(permit_of(b, "P2").reason == "fast_market BTC: 0.80 % within 1 s (limit 0.50 %)");
  CHECK(permit_of(b, "P2").state == trade_state::active);
  r.fast_market = false;
  SUBCASE("the hold runs out") {
    cycle(b, {r}, t0 + 31 * sec - 1);
    CHECK_FALSE(permit_of(b, "P2").entries);
    cycle(b, {r}, t0 + 31 * sec);
    CHECK(permit_of(b, "P1").entries);
    CHECK(permit_of(b, "P2").entries);
  }
  SUBCASE("or a resume of the symbol ends it") {
    const std::string other = "ETH";
    CHECK(b.resume(t0 + 2 * sec, &other) == 0);
    cycle(b, {r}, t0 + 2 * sec);
    CHECK_FALSE(permit_of(b, "P1").entries);
    const std::string sym = "BTC";
    CHECK(b.resume(t0 + 2 * sec, &sym) == 1);
    cycle(b, {r}, t0 + 2 * sec);
    CHECK(permit_of(b, "P1").entries);
    CHECK(permit_of(b, "P2").entries);
  }
}

TEST_CASE("venue alerts") {
  risk_book b{risk_config{}, abcd};
  cycle(b, {holding(report("P1"), "1"), report("P2", "C", "D")}, t0);
  auto alert = [&](venue_alert_kind k, timestamp_ns now, const std::string& venue = "A") {
    b.on_alert(venue_alert{venue, "", k, "detail", now}, now);
    b.evaluate(now);
  };
  SUBCASE("liveness lost freezes the venue until it is back") {
    alert(venue_alert_kind::liveness_lost, t0 + sec);
    CHECK_FALSE(permit_of(b, "P1").entries);
    CHECK(permit_of(b, "P1").reason == "liveness A: market data silent: detail");
    CHECK(permit_of(b, "P1").cap_ab == m("100"));
    CHECK(permit_of(b, "P2").entries);
    b.evaluate(t0 + 600 * sec);
    CHECK_FALSE(permit_of(b, "P1").entries);
    alert(venue_alert_kind::liveness_ok, t0 + 601 * sec);
    CHECK(permit_of(b, "P1").entries);
  }
  SUBCASE("a consistency failure freezes the venue for its hold") {
    alert(venue_alert_kind::consistency_failed, t0 + sec);
    CHECK_FALSE(permit_of(b, "P1").entries);
    CHECK(has(permit_of(b, "P1").reason, "book_consistency A: REST snapshot"));
    alert(venue_alert_kind::consistency_ok, t0 + 2 * sec); // the hold runs out
    CHECK_FALSE(permit_of(b, "P1").entries);
    b.evaluate(t0 + 61 * sec - 1);
    CHECK_FALSE(permit_of(b, "P1").entries);
    b.evaluate(t0 + 61 * sec);
    CHECK(permit_of(b, "P1").entries);
  }
  SUBCASE("a ban (418) halts the venue until resumed") {
    alert(venue_alert_kind::banned, t0 + sec);
    CHECK(permit_of(b, "P1").state == trade_state::halted);
    CHECK(permit_of(b, "P1").reason == "rate_limit A: venue ban (HTTP 418): detail");
    CHECK(permit_of(b, "P2").state == trade_state::active);
    b.evaluate(t0 + 3'600 * sec);
    CHECK(permit_of(b, "P1").state == trade_state::halted);
    const std::string a = "A";
    b.resume(t0 + 3'601 * sec, &a);
    b.evaluate(t0 + 3'601 * sec);
    CHECK(permit_of(b, "P1").state == trade_state::active);
  }
  SUBCASE("each 429 counts as an error") {
    for (int i = 0; i < 4; ++i)
      alert(venue_alert_kind::rate_limited, t0 + (1 + i) * sec);
    CHECK(permit_of(b, "P1").entries);
    alert(venue_alert_kind::rate_limited, t0 + 5 * sec);
    CHECK_FALSE(permit_of(b, "P1").entries);
    CHECK(has(permit_of(b, "P1").reason, "error_rate A: 5 errors within 60 s (limit 5), last: HTTP 429"));
  }
}

TEST_CASE("a stopped request budget halts the venue until blocked_until") {
  risk_book b{risk_config{}, abcd};
  cycle(b, {holding(report("P1"), "1"), report("P2", "C", "D")}, t0);
  rate_limit_snapshot ok;
  ok.venue = "A";
  ok.key_id = "k";
  b.on_rate_limits({ok}, t0);
  b.evaluate(t0);
  CHECK(permit_of(b, "P1").state == trade_state::active);
  rate_limit_snapshot stop = ok;
  stop.stopped = true;
  stop.blocked_until = t0 + 300 * sec;
  stop.state_reason = "ban guard: 3 x 429";
  b.on_rate_limits({stop}, t0 + sec);
  b.evaluate(t0 + sec);
  CHECK(permit_of(b, "P1").state == trade_state::halted);
  CHECK(permit_of(b, "P1").reason == "rate_limit A: request budget stopped: ban guard: 3 x 429");
  CHECK(permit_of(b, "P2").state == trade_state::active);
  // Refreshed by later snapshots, the end stays blocked_until.
  b.on_rate_limits({stop}, t0 + 100 * sec);
  b.evaluate(t0 + 300 * sec - 1);
  CHECK(permit_of(b, "P1").state == trade_state::halted);
  b.evaluate(t0 + 300 * sec);
  CHECK(permit_of(b, "P1").state == trade_state::active);
  CHECK(b.snapshot(t0 + 300 * sec).rate_limits.size() == 1);
}

} // TEST_SUITE

TEST_SUITE("risk book: book-wide breakers") {

TEST_CASE("daily loss while holding: REDUCING, latched over midnight, resume restores") {
  risk_book b{risk_config{}, ab}; // equity 20000, limit 500
  auto r = holding(report("P1"), "5");
  cycle(b, {r}, t0);
  CHECK(permit_of(b, "P1").cap_ab == m("806"));
  r.pnl_a = m("-300");
  r.pnl_b = m("-199.999999999");
  cycle(b, {r}, t0 + 3'600 * sec);
  CHECK(b.node_state() == trade_state::active);
  r.pnl_b = m("-200");
  cycle(b, {r}, t0 + 3'601 * sec);
  CHECK(b.node_state() == trade_state::reducing);
  const auto& p = permit_of(b, "P1");
  CHECK(p.state == trade_state::reducing);
  CHECK_FALSE(p.entries);
  CHECK(p.reason == "daily_loss node: daily loss 500.00 reached the limit 500.00");
  CHECK(p.cap_ab == m("500")); // the commitment, nothing more
  CHECK(p.cap_ba == m("500"));
  auto snap = b.snapshot(t0 + 3'601 * sec);
  CHECK(snap.state == trade_state::reducing);
  CHECK(snap.daily_loss == m("500"));
  CHECK(snap.equity == m("19500"));
  // The pair reduces (hedged): the cap follows the commitment down.
  r = holding(r, "2");
  cycle(b, {r}, t0 + 3'700 * sec);
  CHECK(permit_of(b, "P1").state == trade_state::reducing);
  CHECK(permit_of(b, "P1").cap_ab == m("200"));
  // A new UTC day does not clear it.
  const timestamp_ns next_day = (t0 / day + 1) * day;
  cycle(b, {r}, next_day + sec);
  CHECK(b.node_state() == trade_state::reducing);
  CHECK(b.snapshot(next_day + sec).daily_loss == m("0"));
  // An explicit resume does.
  CHECK(b.resume(next_day + 2 * sec) >= 1);
  cycle(b, {r}, next_day + 3 * sec);
  CHECK(b.node_state() == trade_state::active);
  CHECK(permit_of(b, "P1").state == trade_state::active);
  CHECK(permit_of(b, "P1").cap_ab == m("506"));
}

TEST_CASE("daily loss: a resume the same day rebases the loss") {
  risk_config c;
  c.breakers.venue_drawdown.pct = 50;
  risk_book b{c, ab};
  auto r = holding(report("P1"), "5");
  cycle(b, {r}, t0);
  r.pnl_a = m("-600");
  cycle(b, {r}, t0 + sec);
  CHECK(b.node_state() == trade_state::reducing);
  b.resume(t0 + 2 * sec);
  cycle(b, {r}, t0 + 3 * sec);
  CHECK(b.node_state() == trade_state::active); // not tripped again at once
  CHECK(b.snapshot(t0 + 3 * sec).daily_loss == m("0"));
  r.pnl_a = m("-1099.999999999"); // 499.999999999 more
  cycle(b, {r}, t0 + 4 * sec);
  CHECK(b.node_state() == trade_state::active);
  r.pnl_a = m("-1100");
  cycle(b, {r}, t0 + 5 * sec);
  CHECK(b.node_state() == trade_state::reducing);
  CHECK(b.breakers().trips_total(breaker_kind::daily_loss) == 2);
}

TEST_CASE("drawdown is measured from the equity peak, not from the start") {
  risk_config c;
  c.breakers.daily_loss.limit = money::zero();
  c.breakers.venue_drawdown.pct = 50;
  risk_book b{c, ab};
  auto r = holding(report("P1"), "5");
  cycle(b, {r}, t0); // 20000
  r.pnl_a = m("2000");
  r.pnl_b = m("2000");
  cycle(b, {r}, t0 + sec); // peak 24000
  r.pnl_a = m("1601");
  r.pnl_b = m("0");
  cycle(b, {r}, t0 + 2 * sec); // 21601: 9.996 %
  CHECK(b.node_state() == trade_state::active);
  r.pnl_a = m("1600");
  cycle(b, {r}, t0 + 3 * sec); // 21600: 10 % below the peak, 8 % above the start
  CHECK(b.node_state() == trade_state::reducing);
  CHECK(permit_of(b, "P1").reason
        == "drawdown node: drawdown 10.00 % from the equity peak 24000.00 (limit 10.00 %)");
  const auto snap = b.snapshot(t0 + 3 * sec);
  CHECK(snap.equity == m("21600"));
  CHECK(snap.peak_equity == m("24000"));
  CHECK(snap.drawdown_pct == doctest::Approx(10.0));
  CHECK(snap.pnl == m("1600"));
  // Latched until resumed; the resume measures from the current equity.
  r.pnl_a = m("2000");
  cycle(b, {r}, t0 + 4 * sec);
  CHECK(b.node_state() == trade_state::reducing);
  b.resume(t0 + 5 * sec);
  cycle(b, {r}, t0 + 5 * sec);
  CHECK(b.node_state() == trade_state::active);
  CHECK(b.snapshot(t0 + 5 * sec).peak_equity == m("22000"));
}

TEST_CASE("balance floor: the venue is REDUCING while below it") {
  risk_config c;
  c.breakers.balance_floor.floor = m("9000");
  c.breakers.daily_loss.limit = money::zero();
  c.breakers.venue_drawdown.pct = 50;
  risk_book b{c, abcd};
  auto r = holding(report("P1"), "5");
  cycle(b, {r, report("P2", "C", "D")}, t0);
  r.pnl_a = m("-1000"); // 9000: not below
  cycle(b, {r}, t0 + sec);
  CHECK(permit_of(b, "P1").state == trade_state::active);
  r.pnl_a = m("-1000.000000001");
  cycle(b, {r}, t0 + 2 * sec);
  CHECK(permit_of(b, "P1").state == trade_state::reducing);
  CHECK(permit_of(b, "P1").reason == "balance_floor A: balance 8999.99 below the floor 9000.00");
  CHECK(permit_of(b, "P2").state == trade_state::active);
  CHECK(venue_of(b.snapshot(t0 + 2 * sec), "A").state == trade_state::reducing);
  r.pnl_a = m("-900");
  cycle(b, {r}, t0 + 3 * sec);
  CHECK(permit_of(b, "P1").state == trade_state::active);
}

} // TEST_SUITE

TEST_SUITE("risk book: kill switch") {

TEST_CASE("halt all, flatten all, flatten one pair, venue states, resumes") {
  risk_book b{risk_config{}, abcd};
  const auto rs = std::vector<pair_risk_report>{holding(report("P1"), "5"),
                                                holding(report("P2", "C", "D"), "5")};
  cycle(b, rs, t0);
  b.take_events();

  b.halt_all("ops halt", t0 + sec);
  cycle(b, rs, t0 + sec);
  CHECK(b.node_state() == trade_state::halted);
  for (const char* id : {"P1", "P2"}) {
    const auto& p = permit_of(b, id);
    CHECK(p.state == trade_state::halted);
    CHECK_FALSE(p.entries);
    CHECK(p.reason == "node ops halt");
    CHECK(p.cap_ab == m("500"));
  }
  auto snap = b.snapshot(t0 + sec);
  CHECK(snap.state == trade_state::halted);
  CHECK(snap.reason == "ops halt");
  CHECK(count_events(b.take_events(), "HALT ALL: ops halt") == 1);

  // Flatten beats halt: reduce-only closing, everywhere.
  b.flatten_all("", t0 + 2 * sec);
  cycle(b, rs, t0 + 2 * sec);
  CHECK(permit_of(b, "P1").state == trade_state::reducing);
  CHECK(permit_of(b, "P2").state == trade_state::reducing);
  CHECK(permit_of(b, "P1").reason == "node operator flatten all");

  CHECK(b.resume(t0 + 3 * sec) == 1);
  cycle(b, rs, t0 + 3 * sec);
  CHECK(permit_of(b, "P1").state == trade_state::active);
  CHECK(permit_of(b, "P1").cap_ab == m("806"));

  // One pair only.
  CHECK_FALSE(b.flatten_pair("nope", "x", t0 + 4 * sec));
  CHECK(b.flatten_pair("P1", "too wide", t0 + 4 * sec));
  cycle(b, rs, t0 + 4 * sec);
  CHECK(permit_of(b, "P1").state == trade_state::reducing);
  CHECK(permit_of(b, "P1").reason == "P1 too wide");
  CHECK(permit_of(b, "P2").state == trade_state::active);

  // A venue: every pair on it.
  b.set_venue_state("C", trade_state::halted, "maintenance", t0 + 5 * sec);
  cycle(b, rs, t0 + 5 * sec);
  CHECK(permit_of(b, "P2").state == trade_state::halted);
  CHECK(permit_of(b, "P2").reason == "C maintenance");
  CHECK(permit_of(b, "P1").state == trade_state::reducing);
  // The worst scope wins: P1 reducing (pair) and halted (venue A) -> halted.
  b.set_venue_state("A", trade_state::halted, "exchange down", t0 + 5 * sec);
  cycle(b, rs, t0 + 5 * sec);
  CHECK(permit_of(b, "P1").state == trade_state::halted);
  CHECK(permit_of(b, "P1").reason == "A exchange down");

  // Resume one scope at a time.
  const std::string p1 = "P1";
  const std::string a = "A";
  const std::string cv = "C";
  CHECK(b.resume(t0 + 6 * sec, &p1) == 1);
  cycle(b, rs, t0 + 6 * sec);
  CHECK(permit_of(b, "P1").state == trade_state::halted); // venue A still
  CHECK(b.resume(t0 + 7 * sec, &a) == 1);
  cycle(b, rs, t0 + 7 * sec);
  CHECK(permit_of(b, "P1").state == trade_state::active);
  CHECK(permit_of(b, "P2").state == trade_state::halted);
  CHECK(b.resume(t0 + 8 * sec, &cv) == 1);
  cycle(b, rs, t0 + 8 * sec);
  CHECK(permit_of(b, "P2").state == trade_state::active);

  // Resuming a pair does not lift a node halt.
  b.halt_all("again", t0 + 9 * sec);
  b.flatten_pair("P1", "x", t0 + 9 * sec);
  b.resume(t0 + 10 * sec, &p1);
  cycle(b, rs, t0 + 10 * sec);
  CHECK(permit_of(b, "P1").state == trade_state::halted);
  // set_venue_state back to active is a resume of that venue's kill.
  b.resume(t0 + 11 * sec);
  b.set_venue_state("A", trade_state::reducing, "r", t0 + 11 * sec);
  b.set_venue_state("A", trade_state::active, "", t0 + 12 * sec);
  cycle(b, rs, t0 + 12 * sec);
  CHECK(permit_of(b, "P1").state == trade_state::active);
}

TEST_CASE("resume all clears states and breakers, and counts them") {
  risk_book b{risk_config{}, abcd};
  cycle(b, {report("P1"), report("P2", "C", "D")}, t0);
  b.halt_all("x", t0);
  b.flatten_pair("P1", "y", t0);
  b.set_venue_state("C", trade_state::halted, "z", t0);
  b.on_alert(venue_alert{"D", "", venue_alert_kind::liveness_lost, "", t0}, t0);
  b.evaluate(t0);
  CHECK(b.breakers().active().size() == 1);
  CHECK(b.resume(t0 + sec) == 4);
  b.evaluate(t0 + sec);
  CHECK(b.breakers().empty());
  CHECK(permit_of(b, "P1").state == trade_state::active);
  CHECK(permit_of(b, "P2").entries);
  CHECK(b.resume(t0 + 2 * sec) == 0);
}

TEST_CASE("fail closed: HALTED permits go out without an evaluation") {
  risk_book b{risk_config{}, ab};
  cycle(b, {holding(report("P1"), "5")}, t0);
  REQUIRE(b.take_permits(t0).size() == 1);
  b.on_report(report("P2"), t0 + sec); // reported, never evaluated
  b.fail_closed("bad_alloc", t0 + sec);
  CHECK(b.node_state() == trade_state::halted);
  auto ps = b.take_permits(t0 + sec);
  REQUIRE(ps.size() == 2);
  for (const auto& p : ps) {
    CHECK(p.state == trade_state::halted);
    CHECK_FALSE(p.entries);
    CHECK(p.reason == "risk check failed: bad_alloc");
    CHECK(p.valid_until == t0 + sec + 5 * sec);
  }
  CHECK(ps[0].pair_id == "P1");
  CHECK(ps[0].version == 2);
  CHECK(ps[0].cap_ab == m("500"));
  CHECK(ps[1].pair_id == "P2");
  CHECK(ps[1].version == 1);
  CHECK(ps[1].cap_ab == m("0"));
  // Evaluating again keeps it halted; only a resume ends it.
  cycle(b, {holding(report("P1"), "5"), report("P2")}, t0 + 2 * sec);
  CHECK(permit_of(b, "P1").state == trade_state::halted);
  b.resume(t0 + 3 * sec);
  cycle(b, {holding(report("P1"), "5"), report("P2")}, t0 + 3 * sec);
  CHECK(permit_of(b, "P1").state == trade_state::active);
}

} // TEST_SUITE

TEST_SUITE("risk book: snapshot and events") {

TEST_CASE("snapshot fields") {
  risk_book b{risk_config{}, {"A", "B", "C"}};
  auto r1 = holding(report("P1"), "5");
  r1.pnl_a = m("10");
  r1.pnl_b = m("-4");
  auto r2 = report("P2", "A", "C", "ETH");
  r2.mark_a = px("50");
  r2.mark_b = px("50");
  r2.qty_a = q("4");   // long 200 on A
  r2.qty_b = q("-3");  // short 150 on C: net +1 (50)
  r2.target_a = q("4");
  cycle(b, {r1, r2}, t0);
  b.take_permits(t0);
  auto r1b = r1;
  r1b.permit_version = 1;
  r1b.ts = t0 + sec;
  b.on_report(r1b, t0 + sec);
  b.evaluate(t0 + sec);
  const auto s = b.snapshot(t0 + sec);
  CHECK(s.ts == t0 + sec);
  CHECK(s.state == trade_state::active);
  CHECK(s.reason == "");
  CHECK(s.equity == m("30006"));
  CHECK(s.peak_equity == m("30006"));
  CHECK(s.pnl == m("6"));
  CHECK(s.daily_loss == m("0")); // the day's baseline already had the +6
  CHECK(s.total_gross == m("1400")); // 2 x 500 + 2 x 200
  CHECK(s.total_net == m("50"));
  REQUIRE(s.symbols.size() == 2);
  CHECK(s.symbols[0].name == "BTC");
  CHECK(s.symbols[0].entries);
  REQUIRE(s.venues.size() == 3);
  const auto& a = venue_of(s, "A");
  CHECK(a.pool == m("10000"));
  CHECK(a.pnl == m("10"));
  CHECK(a.equity == m("10010"));
  CHECK(a.gross == m("700"));
  CHECK(a.net == m("-300")); // -500 + 200
  CHECK(a.leverage == doctest::Approx(0.07));
  CHECK(a.max_leverage == 3);
  CHECK(a.state == trade_state::active);
  CHECK(a.entries);
  CHECK_FALSE(a.safe_mode);
  CHECK(venue_of(s, "C").net == m("-150"));
  REQUIRE(s.pairs.size() == 2);
  const auto& p1 = s.pairs[0];
  CHECK(p1.pair_id == "P1");
  CHECK(p1.symbol == "BTC");
  CHECK(p1.state == trade_state::active);
  CHECK(p1.entries);
  CHECK(p1.commit == m("500"));
  CHECK(p1.cap_ab == m("806"));
  CHECK(p1.net == m("0"));
  CHECK(p1.pnl == m("6"));
  CHECK(p1.permit_version == 1);
  CHECK(p1.acked_version == 1);
  CHECK(p1.last_report == t0 + sec);
  CHECK(s.pairs[1].net == m("50"));
  CHECK(s.pairs[1].acked_version == 0);
  CHECK(s.breakers.empty());
  CHECK(s.trips_total.size() == breaker_kind_count);
  CHECK(s.permits_sent == 2);
  REQUIRE(s.capital.size() == 3);
  CHECK(s.capital[0].venue == "A");
  CHECK(s.capital[0].used == m("30.6") + m("50") + m("30.6") + m("20"));
}

TEST_CASE("snapshot shows breakers and states of scopes") {
  risk_book b{risk_config{}, ab};
  auto r = report("P1");
  r.fast_market = true;
  r.fast_move_pct = 1;
  cycle(b, {r}, t0);
  b.set_venue_state("B", trade_state::halted, "maint", t0);
  b.evaluate(t0);
  const auto s = b.snapshot(t0);
  REQUIRE(s.breakers.size() == 1);
  CHECK(s.breakers[0].kind == breaker_kind::fast_market);
  CHECK(s.breakers[0].scope == "BTC");
  REQUIRE(s.symbols.size() == 1);
  CHECK_FALSE(s.symbols[0].entries);
  CHECK(has(s.symbols[0].reason, "fast_market BTC"));
  CHECK(venue_of(s, "B").state == trade_state::halted);
  CHECK(venue_of(s, "B").reason == "maint");
  CHECK_FALSE(venue_of(s, "B").entries);
  CHECK(s.pairs[0].state == trade_state::halted);
  for (const auto& [k, n] : s.trips_total)
    CHECK(n == (k == breaker_kind::fast_market ? 1u : 0u));
}

TEST_CASE("events once per change, not once per evaluation") {
  risk_config c;
  risk_book b{c, ab};
  auto r = holding(report("P1"), "5");
  cycle(b, {r}, t0);
  auto es = b.take_events();
  CHECK(count_events(es, "pair P1 reporting") == 1);
  CHECK(count_events(es, "entries refused") == 0);
  SUBCASE("a breaker: one trip event, one refusal, one clear, one allowed") {
    b.on_alert(venue_alert{"A", "", venue_alert_kind::liveness_lost, "", t0}, t0);
    for (int i = 0; i < 20; ++i)
      cycle(b, {r}, t0 + i * sec);
    es = b.take_events();
    CHECK(count_events(es, "breaker liveness on A") == 1);
    CHECK(count_events(es, "pair P1 entries refused: liveness A") == 1);
    CHECK(count_events(es, "pair P1 reporting") == 0);
    b.on_alert(venue_alert{"A", "", venue_alert_kind::liveness_ok, "", t0}, t0 + 30 * sec);
    for (int i = 30; i < 40; ++i)
      cycle(b, {r}, t0 + i * sec);
    es = b.take_events();
    CHECK(count_events(es, "breaker liveness on A cleared") == 1);
    CHECK(count_events(es, "pair P1 entries allowed again") == 1);
    CHECK(es.size() == 2);
  }
  SUBCASE("a refusal whose amounts move with the market: one event") {
    r.qty_b = q("16"); // pair net 1100 > 1000
    for (int i = 0; i < 20; ++i) {
      r.mark_a = r.mark_b = price::from_raw(px("100").raw() + i * 100'000'000);
      cycle(b, {r}, t0 + (1 + i) * sec);
    }
    CHECK(has(permit_of(b, "P1").reason, "pair net 1120.90 above 1000.00"));
    es = b.take_events();
    CHECK(count_events(es, "entries refused") == 1);
    CHECK(es.size() == 1);
  }
  SUBCASE("a rising streak of latency samples: one trip event") {
    for (int i = 0; i < 10; ++i) {
      r.ack_rtt_a_ns = (600 + i) * ms;
      cycle(b, {r}, t0 + (1 + i) * sec);
    }
    es = b.take_events();
    CHECK(count_events(es, "breaker latency on A") == 1);
    CHECK(count_events(es, "entries refused") == 1);
  }
}

} // TEST_SUITE
