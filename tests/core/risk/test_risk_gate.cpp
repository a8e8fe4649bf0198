#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "core/risk/pair_gate.hpp"

using namespace xarb;
using namespace xarb::risk;

namespace {

constexpr timestamp_ns ms = 1'000'000;
constexpr timestamp_ns sec = 1'000'000'000;
constexpr timestamp_ns t0 = 1'000 * sec;

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

/// An ACTIVE permit with every check on (valid t0 .. t0 + 5 s).
risk_permit permit(uint64_t version, trade_state s = trade_state::active) {
  risk_permit p;
  p.pair_id = "BTC:A/B";
  p.version = version;
  p.state = s;
  p.entries = s == trade_state::active;
  p.reason = s == trade_state::active ? "" : "why";
  p.cap_ab = m("1000");
  p.cap_ba = m("2000");
  p.max_order_notional = m("5000");
  p.price_band_bps = 200;
  p.max_book_age_ns = 2 * sec;
  p.fast_move_pct = 0.5;
  p.fast_window_ns = 1 * sec;
  p.fast_freeze_ns = 30 * sec;
  p.valid_until = t0 + 5 * sec;
  p.ts = t0;
  return p;
}

/// An order at 100 on a leg, reference 100: opens (flat leg, flat pair).
order_check order(side sd, const char* qty, const char* price_text = "100") {
  order_check o;
  o.leg = 0;
  o.sd = sd;
  o.px = px(price_text);
  o.qty = q(qty);
  o.reference = px("100");
  return o;
}

order_check reduce_only(order_check o, const char* position) {
  o.reduce_only = true;
  o.leg_position = q(position);
  return o;
}

order_check hedge(order_check o, const char* pair_net) {
  o.pair_net = q(pair_net);
  return o;
}

pair_gate gate_with(trade_state s, bool required = false) {
  pair_gate g{required};
  REQUIRE(g.set_permit(permit(1, s), t0));
  return g;
}

rate_limit_config tiny_budget() {
  rate_limit_config c;
  c.orders_per_s = 1;
  c.orders_burst = 2;
  return c;
}

} // namespace

TEST_SUITE("risk pair_gate") {

TEST_CASE("no permit: open unless required, entries refused when required") {
  pair_gate open;
  CHECK_FALSE(open.has_permit());
  CHECK(open.state() == trade_state::active);
  CHECK(open.entry_refusal(0, m("1000000"), -1, -1, t0) == "");
  // No permit, no exposure checks: a huge order far from the reference passes.
  auto big = order(side::buy, "1000", "500");
  CHECK_FALSE(open.check_order(big, t0));

  pair_gate required{true};
  CHECK(required.state() == trade_state::active);
  CHECK(required.entry_refusal(0, m("1"), 0, 0, t0) == "no permit from the risk guard yet");
  CHECK(required.entry_refusal(1, m("1"), 0, 0, t0) == "no permit from the risk guard yet");
  // Orders (hedges, closes) are not blocked: only entries need the permit.
  CHECK_FALSE(required.check_order(hedge(order(side::sell, "1"), "1"), t0));
  // The first permit opens it.
  CHECK(required.set_permit(permit(1), t0));
  CHECK(required.entry_refusal(0, m("1"), 0, 0, t0) == "");
}

TEST_CASE("stale permit versions are ignored") {
  pair_gate g{true};
  CHECK(g.set_permit(permit(5), t0));
  CHECK(g.permit().version == 5);
  auto old = permit(4, trade_state::halted);
  CHECK_FALSE(g.set_permit(old, t0));
  auto same = permit(5, trade_state::halted);
  CHECK_FALSE(g.set_permit(same, t0));
  CHECK(g.state() == trade_state::active);
  CHECK(g.permit().version == 5);
  CHECK(g.set_permit(permit(6, trade_state::reducing), t0));
  CHECK(g.state() == trade_state::reducing);
  CHECK(g.permit().version == 6);
}

TEST_CASE("ACTIVE allows opening orders") {
  auto g = gate_with(trade_state::active);
  CHECK_FALSE(g.check_order(order(side::buy, "1"), t0));
  CHECK_FALSE(g.check_order(order(side::sell, "1"), t0));
  CHECK(g.refused_orders() == 0);
}

TEST_CASE("REDUCING: reduce-only orders and net-reducing hedges only") {
  auto g = gate_with(trade_state::reducing);
  // Opening: refused with the reason.
  auto e = g.check_order(order(side::buy, "1"), t0);
  CHECK(e.code == error_code::invalid_order);
  CHECK(e.message == "risk REDUCING (why): order would not reduce exposure");
  // Reduce-only that shrinks the position (up to all of it).
  CHECK_FALSE(g.check_order(reduce_only(order(side::sell, "1"), "2"), t0));
  CHECK_FALSE(g.check_order(reduce_only(order(side::sell, "2"), "2"), t0));
  CHECK_FALSE(g.check_order(reduce_only(order(side::buy, "2"), "-2"), t0));
  // A plain order that happens to shrink the position is not reduce-only:
  // another fill could flip the leg first. Refused unless it hedges.
  auto plain = order(side::sell, "1");
  plain.leg_position = q("2");
  CHECK(g.check_order(plain, t0).code == error_code::invalid_order);
  // A hedge (not reduce-only) bringing the pair's net toward zero.
  CHECK_FALSE(g.check_order(hedge(order(side::sell, "1"), "1"), t0));
  CHECK_FALSE(g.check_order(hedge(order(side::sell, "0.5"), "1"), t0));
  CHECK_FALSE(g.check_order(hedge(order(side::buy, "3"), "-3"), t0));
  // Overshooting the net, the wrong way, or with a flat pair: refused.
  CHECK(g.check_order(hedge(order(side::sell, "1.000000001"), "1"), t0).code
        == error_code::invalid_order);
  CHECK(g.check_order(hedge(order(side::buy, "1"), "1"), t0).code
        == error_code::invalid_order);
  CHECK(g.check_order(hedge(order(side::sell, "1"), "0"), t0).code
        == error_code::invalid_order);
  CHECK(g.refused_orders() == 5);
}

TEST_CASE("HALTED: only net-reducing hedges and reduce-only flatten orders") {
  auto g = gate_with(trade_state::halted);
  auto e = g.check_order(order(side::buy, "1"), t0);
  CHECK(e.code == error_code::invalid_order);
  CHECK(e.message == "risk HALTED (why): only hedges and flattens");
  // Reduce-only but not part of a flatten: refused (a halt holds positions).
  CHECK(g.check_order(reduce_only(order(side::sell, "1"), "2"), t0).code
        == error_code::invalid_order);
  // The reduce-only orders of an explicit flatten pass.
  auto flat = reduce_only(order(side::sell, "1"), "2");
  flat.flatten = true;
  CHECK_FALSE(g.check_order(flat, t0));
  // A flatten order that is not reduce-only does not.
  auto flat_plain = order(side::sell, "1");
  flat_plain.flatten = true;
  flat_plain.leg_position = q("2");
  CHECK(g.check_order(flat_plain, t0).code == error_code::invalid_order);
  // Hedges toward a zero net pass; away from it they do not.
  CHECK_FALSE(g.check_order(hedge(order(side::buy, "2"), "-2"), t0));
  CHECK(g.check_order(hedge(order(side::sell, "2"), "-2"), t0).code
        == error_code::invalid_order);
}

TEST_CASE("reduce-only violations in any state") {
  auto g = gate_with(trade_state::active);
  // Same side as the position, a flat leg, more than the position.
  for (auto o : {reduce_only(order(side::buy, "1"), "2"), reduce_only(order(side::sell, "1"), "0"),
                 reduce_only(order(side::sell, "2.000000001"), "2")}) {
    auto e = g.check_order(o, t0);
    CHECK(e.code == error_code::reduce_only_violation);
  }
  auto e = g.check_order(reduce_only(order(side::buy, "1"), "2"), t0);
  CHECK(e.message == "reduce-only buy 1 would not reduce the position 2");
  auto flat = reduce_only(order(side::sell, "3"), "2");
  flat.flatten = true;
  CHECK(g.check_order(flat, t0).code == error_code::reduce_only_violation);
}

TEST_CASE("entry refusals") {
  SUBCASE("allowed within everything, caps per direction, equal is allowed") {
    auto g = gate_with(trade_state::active);
    CHECK(g.entry_refusal(0, m("1000"), 0, 0, t0) == "");
    CHECK(g.entry_refusal(1, m("2000"), 0, 0, t0) == "");
    CHECK(g.entry_refusal(0, m("1000.000000001"), 0, 0, t0)
          == "exposure budget: 1000.000000001 per leg after the entry, 1000 granted (ab)");
    CHECK(g.entry_refusal(1, m("2000.000000001"), 0, 0, t0)
          == "exposure budget: 2000.000000001 per leg after the entry, 2000 granted (ba)");
    CHECK(g.entry_refusal(1, m("1500"), 0, 0, t0) == "");
  }
  SUBCASE("state not active") {
    auto g = gate_with(trade_state::reducing);
    CHECK(g.entry_refusal(0, m("1"), 0, 0, t0) == "reducing: why");
    auto h = gate_with(trade_state::halted);
    CHECK(h.entry_refusal(1, m("1"), 0, 0, t0) == "halted: why");
  }
  SUBCASE("entries frozen") {
    pair_gate g;
    auto p = permit(1);
    p.entries = false;
    p.reason = "error_rate A: 5 errors";
    g.set_permit(p, t0);
    CHECK(g.entry_refusal(0, m("1"), 0, 0, t0) == "error_rate A: 5 errors");
    p.version = 2;
    p.reason = "";
    g.set_permit(p, t0);
    CHECK(g.entry_refusal(0, m("1"), 0, 0, t0) == "entries frozen");
  }
  SUBCASE("expired lease") {
    auto g = gate_with(trade_state::active);
    CHECK(g.entry_refusal(0, m("1"), 0, 0, t0 + 5 * sec) == "");
    CHECK(g.entry_refusal(0, m("1"), 0, 0, t0 + 5 * sec + 1)
          == "permit expired (risk guard silent)");
    // A renewal restores entries.
    auto p = permit(2);
    p.valid_until = t0 + 10 * sec;
    g.set_permit(p, t0 + 5 * sec + 1);
    CHECK(g.entry_refusal(0, m("1"), 0, 0, t0 + 5 * sec + 1) == "");
  }
  SUBCASE("stale book on either leg, or no book") {
    auto g = gate_with(trade_state::active);
    CHECK(g.entry_refusal(0, m("1"), 2 * sec, 2 * sec, t0) == "");
    CHECK(g.entry_refusal(0, m("1"), 2 * sec + 1, 0, t0)
          == "stale book: ages 2000 / 0 ms, budget 2000 ms");
    CHECK(has(g.entry_refusal(0, m("1"), 0, 3 * sec, t0), "stale book"));
    CHECK(has(g.entry_refusal(0, m("1"), -1, 0, t0), "stale book"));
    CHECK(has(g.entry_refusal(0, m("1"), 0, -1, t0), "stale book"));
    // Budget 0 = off.
    auto p = permit(2);
    p.max_book_age_ns = 0;
    g.set_permit(p, t0);
    CHECK(g.entry_refusal(0, m("1"), -1, 60 * sec, t0) == "");
  }
  SUBCASE("fast market: both venues move above the limit, entries freeze for the hold") {
    auto g = gate_with(trade_state::active);
    g.on_mid(0, 100.0, t0);
    g.on_mid(1, 100.0, t0);
    g.on_mid(0, 100.5, t0 + 400 * ms);
    g.on_mid(1, 100.5, t0 + 500 * ms); // exactly 0.5 % on both: not above
    CHECK_FALSE(g.fast_now());
    CHECK_FALSE(g.fast_market(t0 + 500 * ms));
    CHECK(g.entry_refusal(0, m("1"), 0, 0, t0 + 500 * ms) == "");
    g.on_mid(0, 100.6, t0 + 800 * ms); // one venue alone: a dislocation
    CHECK_FALSE(g.fast_now());
    CHECK_FALSE(g.fast_market(t0 + 800 * ms));
    g.on_mid(1, 100.7, t0 + 900 * ms); // both above 0.5 % within 1 s
    CHECK(g.fast_now());
    CHECK(g.fast_market(t0 + 900 * ms));
    CHECK(g.fast_move_pct() == doctest::Approx(0.6)); // the smaller of the two
    CHECK(g.entry_refusal(0, m("1"), 0, 0, t0 + 900 * ms)
          == "fast market: 0.60 % within 1000 ms");
    // Orders (closing, hedging) are not frozen by it.
    CHECK_FALSE(g.check_order(order(side::buy, "1"), t0 + 900 * ms));
    // The freeze lasts fast_freeze_ns (30 s) from the last fast observation.
    auto renew = permit(2);
    renew.valid_until = t0 + 60 * sec;
    g.set_permit(renew, t0 + 10 * sec);
    const timestamp_ns end = t0 + 900 * ms + 30 * sec;
    CHECK(has(g.entry_refusal(0, m("1"), 0, 0, end - 1), "fast market"));
    CHECK_FALSE(g.fast_market(end));
    CHECK(g.entry_refusal(0, m("1"), 0, 0, end) == "");
  }
  SUBCASE("a move spread over more than the window does not trip") {
    auto g = gate_with(trade_state::active);
    g.on_mid(0, 100.0, t0);
    g.on_mid(1, 100.0, t0);
    g.on_mid(0, 100.3, t0 + 600 * ms);
    g.on_mid(1, 100.3, t0 + 600 * ms);
    g.on_mid(0, 100.6, t0 + 1200 * ms); // 100.0 left the window at t0 + 1 s
    g.on_mid(1, 100.6, t0 + 1200 * ms);
    CHECK_FALSE(g.fast_now());
    CHECK_FALSE(g.fast_market(t0 + 1200 * ms));
  }
  SUBCASE("fast market off in the permit: mids are ignored") {
    pair_gate g;
    auto p = permit(1);
    p.fast_move_pct = 0;
    g.set_permit(p, t0);
    for (int leg = 0; leg < 2; ++leg) {
      g.on_mid(leg, 100.0, t0);
      g.on_mid(leg, 150.0, t0 + 1);
    }
    CHECK_FALSE(g.fast_market(t0 + 1));
    CHECK(g.entry_refusal(0, m("1"), 0, 0, t0 + 1) == "");
  }
  SUBCASE("order of the checks: state before entries before lease") {
    pair_gate g;
    auto p = permit(1, trade_state::reducing);
    p.entries = false;
    p.valid_until = 0;
    g.set_permit(p, t0);
    CHECK(g.entry_refusal(0, m("1"), -1, -1, t0) == "reducing: why");
  }
}

TEST_CASE("order validity: tick, lot, minimum size and notional") {
  pair_gate g;
  g.set_rules(0, gate_rules{px("0.5"), q("0.001"), q("0.01"), m("5")});
  g.set_rules(1, gate_rules{px("0.1"), q("1"), q("1"), m("10")});
  CHECK_FALSE(g.check_order(order(side::buy, "0.05", "100.5"), t0)); // 5.025 notional
  auto e = g.check_order(order(side::buy, "0.05", "100.1"), t0);
  CHECK(e.code == error_code::bad_tick);
  CHECK(e.message == "price 100.1 is not a multiple of the tick 0.5");
  CHECK(g.check_order(order(side::buy, "0.0505", "100"), t0).code == error_code::bad_lot);
  e = g.check_order(order(side::buy, "0.009", "1000"), t0);
  CHECK(e.code == error_code::below_min_qty);
  CHECK(e.message == "size 0.009 below the minimum 0.01");
  CHECK_FALSE(g.check_order(order(side::buy, "0.01", "1000"), t0)); // min qty exactly
  // Minimum notional: 0.049 x 100 = 4.9 < 5; exactly 5 passes.
  e = g.check_order(order(side::buy, "0.049", "100"), t0);
  CHECK(e.code == error_code::below_min_notional);
  CHECK(e.message == "notional 4.9 below the minimum 5");
  CHECK_FALSE(g.check_order(order(side::buy, "0.05", "100"), t0));
  // Reduce-only orders are exempt from the minimum notional (a small rest
  // must be closable), not from the minimum size.
  CHECK_FALSE(g.check_order(reduce_only(order(side::sell, "0.049", "100"), "0.049"), t0));
  CHECK(g.check_order(reduce_only(order(side::sell, "0.009", "100"), "0.009"), t0).code
        == error_code::below_min_qty);
  // Each leg has its own rules.
  auto b = order(side::buy, "1", "100.05");
  b.leg = 1;
  CHECK(g.check_order(b, t0).code == error_code::bad_tick);
  b.px = px("100.1");
  CHECK_FALSE(g.check_order(b, t0));
  b.px = px("9.9");
  CHECK(g.check_order(b, t0).code == error_code::below_min_notional);
  // Non-positive size or price.
  auto z = order(side::buy, "1");
  z.qty = quantity::zero();
  CHECK(g.check_order(z, t0).code == error_code::invalid_order);
  z = order(side::buy, "1");
  z.px = price::zero();
  CHECK(g.check_order(z, t0).code == error_code::invalid_order);
}

TEST_CASE("price band against the reference, both sides, boundaries exact") {
  auto g = gate_with(trade_state::active); // 200 bps, reference 100
  CHECK_FALSE(g.check_order(order(side::buy, "1", "102"), t0));
  CHECK_FALSE(g.check_order(order(side::sell, "1", "98"), t0));
  auto e = g.check_order(order(side::buy, "1", "102.000000001"), t0);
  CHECK(e.code == error_code::invalid_order);
  CHECK(has(e.message, "from the reference 100 (band 200.0)"));
  CHECK(g.check_order(order(side::sell, "1", "97.999999999"), t0).code
        == error_code::invalid_order);
  // Hedges and reduce-only orders are fat-finger checked too.
  CHECK(g.check_order(hedge(order(side::sell, "1", "97"), "1"), t0).code
        == error_code::invalid_order);
  CHECK(g.check_order(reduce_only(order(side::sell, "1", "97"), "1"), t0).code
        == error_code::invalid_order);
  // A larger reference: 30000 +- 2 % = 29400 .. 30600.
  auto o = order(side::buy, "0.1", "30600");
  o.reference = px("30000");
  CHECK_FALSE(g.check_order(o, t0));
  o.px = px("30600.000000001");
  CHECK(g.check_order(o, t0));
  // No reference (unknown mid): no band; band 0: off.
  o.reference = price::zero();
  o.px = px("40000");
  CHECK_FALSE(g.check_order(o, t0));
  auto p = permit(2);
  p.price_band_bps = 0;
  g.set_permit(p, t0);
  CHECK_FALSE(g.check_order(order(side::buy, "1", "150"), t0));
}

TEST_CASE("per-order notional cap only for orders that do not reduce") {
  auto g = gate_with(trade_state::active); // cap 5000
  CHECK_FALSE(g.check_order(order(side::buy, "50"), t0)); // 5000 exactly
  auto e = g.check_order(order(side::buy, "50.000000001"), t0);
  CHECK(e.code == error_code::invalid_order);
  CHECK(e.message == "order notional 5000.0000001 above the cap 5000");
  // Reduce-only and net-reducing orders may be larger (closing must work).
  CHECK_FALSE(g.check_order(reduce_only(order(side::sell, "80"), "80"), t0));
  CHECK_FALSE(g.check_order(hedge(order(side::sell, "80"), "80"), t0));
  // Cap 0 = off.
  auto p = permit(2);
  p.max_order_notional = money::zero();
  g.set_permit(p, t0);
  CHECK_FALSE(g.check_order(order(side::buy, "500"), t0));
}

TEST_CASE("rate budget: precheck takes nothing, check_order takes a token") {
  auto lim = std::make_shared<venue_rate_limiter>("A", "k", tiny_budget(), t0);
  pair_gate g;
  g.set_limiter(0, lim);
  CHECK(g.limiter(0) == lim);
  CHECK(g.limiter(1) == nullptr);
  for (int i = 0; i < 10; ++i)
    CHECK_FALSE(g.precheck(order(side::buy, "1"), t0));
  CHECK(lim->snapshot(t0).orders_available == 2);
  // A refusal by the rules takes no token.
  CHECK(g.check_order(order(side::buy, "0"), t0));
  CHECK(lim->snapshot(t0).orders_available == 2);
  CHECK_FALSE(g.check_order(order(side::buy, "1"), t0));
  CHECK(lim->snapshot(t0).orders_available == 1);
  CHECK_FALSE(g.check_order(order(side::buy, "1"), t0));
  CHECK(lim->snapshot(t0).orders_available == 0);
  // Empty: both refuse with rate_limited; only check_order counts it.
  auto pe = g.precheck(order(side::buy, "1"), t0);
  CHECK(pe.code == error_code::rate_limited);
  CHECK(pe.message == "rate limit A: budget empty");
  auto ce = g.check_order(order(side::buy, "1"), t0);
  CHECK(ce.code == error_code::rate_limited);
  CHECK(has(ce.message, "rate limit A: orders budget empty"));
  CHECK(g.rate_limited() == 1);
  CHECK(g.refused_orders() == 2);
  // The other leg has no limiter: unaffected.
  auto b = order(side::buy, "1");
  b.leg = 1;
  CHECK_FALSE(g.check_order(b, t0));
  // One token back after 1 s.
  CHECK_FALSE(g.precheck(order(side::buy, "1"), t0 + sec));
  CHECK_FALSE(g.check_order(order(side::buy, "1"), t0 + sec));
  CHECK(g.check_order(order(side::buy, "1"), t0 + sec).code == error_code::rate_limited);
}

TEST_CASE("a limiter shared by two gates (one venue key, two pairs)") {
  auto lim = std::make_shared<venue_rate_limiter>("A", "k", tiny_budget(), t0);
  pair_gate g1;
  pair_gate g2;
  g1.set_limiter(0, lim);
  g2.set_limiter(1, lim);
  auto o2 = order(side::buy, "1");
  o2.leg = 1;
  CHECK_FALSE(g1.check_order(order(side::buy, "1"), t0));
  CHECK_FALSE(g2.check_order(o2, t0));
  CHECK(g1.check_order(order(side::buy, "1"), t0).code == error_code::rate_limited);
  CHECK(g2.precheck(o2, t0).code == error_code::rate_limited);
}

TEST_CASE("state rules are checked before the rate budget is taken") {
  auto lim = std::make_shared<venue_rate_limiter>("A", "k", tiny_budget(), t0);
  auto g = gate_with(trade_state::halted);
  g.set_limiter(0, lim);
  CHECK(g.check_order(order(side::buy, "1"), t0).code == error_code::invalid_order);
  CHECK(lim->snapshot(t0).orders_available == 2);
}

TEST_CASE("reduces_position / reduces_net") {
  auto o = order(side::sell, "1");
  o.leg_position = q("1");
  CHECK(pair_gate::reduces_position(o));
  o.leg_position = q("0.5");
  CHECK_FALSE(pair_gate::reduces_position(o));
  o.leg_position = q("-1");
  CHECK_FALSE(pair_gate::reduces_position(o));
  o.pair_net = q("1");
  CHECK(pair_gate::reduces_net(o));
  o.pair_net = q("0.999999999");
  CHECK_FALSE(pair_gate::reduces_net(o));
  o.pair_net = q("-5");
  CHECK_FALSE(pair_gate::reduces_net(o));
}

TEST_CASE("local block: entries refused with the storage reason, orders unaffected") {
  auto g = gate_with(trade_state::active);
  CHECK_FALSE(g.local_block());
  CHECK(g.entry_refusal(0, m("10"), 0, 0, t0) == "");
  g.set_local_block("journal write failed: disk full");
  CHECK(g.local_block());
  CHECK(g.local_block_reason() == "journal write failed: disk full");
  CHECK(g.entry_refusal(0, m("10"), 0, 0, t0) == "storage: journal write failed: disk full");
  CHECK(g.entry_refusal(1, m("10"), 0, 0, t0) == "storage: journal write failed: disk full");
  // Hedges and reduce-only closes still pass; an order that adds exposure
  // (the rest of an entry under way) is refused, with the reason.
  CHECK_FALSE(g.check_order(hedge(order(side::sell, "1"), "1"), t0));
  CHECK_FALSE(g.check_order(reduce_only(order(side::sell, "1"), "2"), t0));
  CHECK(g.refused_orders() == 0);
  auto adds = g.check_order(order(side::buy, "1"), t0);
  CHECK(adds.code == error_code::io_error);
  CHECK(has(adds.message, "storage: journal write failed: disk full"));
  CHECK(g.precheck(order(side::sell, "1"), t0).code == error_code::io_error);
  CHECK(g.refused_orders() == 1);
  // The block wins over a missing permit and over other reasons.
  pair_gate none{true};
  none.set_local_block("x");
  CHECK(none.entry_refusal(0, m("1"), 0, 0, t0) == "storage: x");
  none.clear_local_block();
  CHECK(none.entry_refusal(0, m("1"), 0, 0, t0) == "no permit from the risk guard yet");
  // Cleared: back to the permit's answer.
  g.clear_local_block();
  CHECK_FALSE(g.local_block());
  CHECK(g.local_block_reason().empty());
  CHECK(g.entry_refusal(0, m("10"), 0, 0, t0) == "");
}

} // TEST_SUITE
