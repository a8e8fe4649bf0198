// Risk scenarios (issue 4, points 5 and 7): pair engines that trade only
// under permits, a risk_book as the guard, two simulated venues per pair.
// Deterministic: fixed seeds, 1 ms steps, the guard's cycle every 100 ms
// (report -> evaluate -> permits), no clock.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "core/risk/risk_book.hpp"
#include "core/risk/risk_config.hpp"
#include "tests/core/strategy/sim_harness.hpp"

using namespace xarb;
using namespace xarb::strategy;
using xarb::test::harness_config;
using xarb::test::sim_harness;
using xarb::test::two_venue_world;

namespace {

constexpr timestamp_ns ms = 1'000'000;
constexpr timestamp_ns sec = 1'000 * ms;

money usd(int units) { return money::from_units(units); }
quantity qty(const char* s) { return *quantity::from_string(s); }

pair_params risk_params() {
  pair_params p;
  p.signal.model = signal_model::zscore;
  p.signal.window = 80;                  // 20 s of 250 ms samples
  p.signal.sample_interval_ns = 250 * ms;
  p.signal.z_entry = 3;
  p.signal.z_exit = 0.5;
  p.order_notional = usd(6500);
  p.max_tranches = 3;
  p.max_position_notional = usd(20000);
  p.min_profit_bps = 2;
  p.stop_loss_bps = 0;
  p.take_profit_bps = 0;
  p.hard_delta_notional = usd(30000);
  return p;
}

harness_config pair_config(uint64_t seed, const std::string& va = "va",
                           const std::string& vb = "vb") {
  harness_config c;
  c.world = two_venue_world(seed);
  c.world.venues[0].name = va;
  c.world.venues[1].name = vb;
  c.venue_a = va;
  c.venue_b = vb;
  c.params = risk_params();
  c.require_permit = true;
  return c;
}

/// Room for three tranches per pair; the injected basis jumps are not a
/// fast market here; the daily loss limit is off unless a scenario sets it.
risk::risk_config guard_config() {
  risk::risk_config r;
  r.max_order_notional = usd(10000);
  r.max_pair_gross = usd(30000);
  r.max_symbol_gross = usd(200000);
  r.max_symbol_net = usd(5000);
  r.max_venue_gross = usd(100000);
  r.max_total_gross = usd(400000);
  r.breakers.fast_market.move_pct = 2;
  r.breakers.daily_loss.limit = money::zero();
  return r;
}

/// The risk guard: a risk_book fed by every pair's report each cycle, its
/// permits delivered to the engines at once (the actor's job).
struct guard {
  risk::risk_book book;
  std::vector<sim_harness*> pairs;
  timestamp_ns period = 100 * ms;
  timestamp_ns next = 0;
  bool online = true;                  ///< false: silent (no reports, no permits)
  std::vector<risk_permit> delivered;

  static std::vector<std::string> venues_of(const std::vector<sim_harness*>& ps) {
    std::vector<std::string> v;
    for (auto* h : ps) {
      v.push_back(h->config().venue_a);
      v.push_back(h->config().venue_b);
    }
    return v;
  }

  guard(risk::risk_config c, std::vector<sim_harness*> ps)
    : book(std::move(c), venues_of(ps)), pairs(std::move(ps)) {}

  sim_harness& pair(const std::string& id) {
    for (auto* h : pairs)
      if (h->engine().id() == id)
        return *h;
    FAIL("permit for unknown pair " << id);
    return *pairs[0];
  }

  void deliver(const std::vector<risk_permit>& ps) {
    for (const auto& p : ps) {
      pair(p.pair_id).set_permit(p);
      delivered.push_back(p);
    }
  }

  void cycle(timestamp_ns now) {
    for (auto* h : pairs)
      book.on_report(h->engine().risk_report(now), now);
    book.evaluate(now);
    deliver(book.take_permits(now));
  }

  void tick(timestamp_ns now) {
    if (!online || now < next)
      return;
    next = now + period;
    cycle(now);
  }

  timestamp_ns now() const { return pairs[0]->now(); }

  void step(const std::function<void()>& each) {
    for (auto* h : pairs)
      h->run_for(h->config().step_ns);
    tick(now());
    if (each)
      each();
  }

  /// Every pair in lockstep, one 1 ms step at a time, the guard's cycle
  /// after the step, then `each`.
  void run(timestamp_ns d, const std::function<void()>& each = {}) {
    const timestamp_ns until = now() + d;
    while (now() < until)
      step(each);
  }

  /// Steps until `done` (checked after each step) or `limit`; true if done.
  bool run_until(const std::function<bool()>& done, timestamp_ns limit,
                 const std::function<void()>& each = {}) {
    const timestamp_ns until = now() + limit;
    while (now() < until) {
      step(each);
      if (done())
        return true;
    }
    return false;
  }
};

/// The largest |net delta| seen (at every step).
struct net_watch {
  sim_harness& h;
  quantity max;
  void observe() { max = std::max(max, h.engine().net_delta().abs()); }
};

/// From its start, every order the engine sends must be a hedge (or a
/// rebalance) that brings the pair's net delta toward zero.
struct hedge_only {
  sim_harness& h;
  std::size_t seen;
  uint64_t hedges = 0;
  uint64_t violations = 0;

  explicit hedge_only(sim_harness& hh) : h(hh), seen(hh.updates().size()) {}

  void observe() {
    const auto& u = h.updates();
    for (; seen < u.size(); ++seen) {
      const auto& o = u[seen];
      if (o.to != order_state::sent)
        continue;
      const quantity net = h.engine().net_delta();
      const bool hedge = o.purpose == order_purpose::hedge
                         || o.purpose == order_purpose::rebalance;
      const bool reduces = !net.is_zero() && (o.sd == side::sell) == net.is_positive()
                           && o.qty <= net.abs();
      if (hedge && reduces) {
        ++hedges;
      } else {
        ++violations;
        MESSAGE("order after the halt: ", to_string(o.purpose), " ", o.venue, " ",
                to_string(o.sd), " ", o.qty.to_string(), " net ", net.to_string());
      }
    }
  }
};

/// Largest order sent with `purpose` at or after `since`.
quantity max_order(const sim_harness& h, order_purpose purpose, timestamp_ns since) {
  quantity m;
  for (const auto& u : h.updates())
    if (u.purpose == purpose && u.to == order_state::sent && u.ts >= since)
      m = std::max(m, u.qty);
  return m;
}

bool all_reduce_only(const sim_harness& h, timestamp_ns since, timestamp_ns until) {
  for (const auto& o : h.delivered())
    if (o.ts >= since && o.ts < until && !o.reduce_only)
      return false;
  return true;
}

money pnl_of(sim_harness& h) {
  money m;
  for (int leg = 0; leg < 2; ++leg) {
    const auto& p = h.engine().ledger(leg).get();
    m += p.realized_pnl - p.fees + p.funding;
  }
  return m;
}

std::string purposes(const sim_harness& h, timestamp_ns since) {
  std::string s;
  for (auto p : {order_purpose::open, order_purpose::close, order_purpose::hedge,
                 order_purpose::unwind, order_purpose::rebalance, order_purpose::flatten}) {
    if (!s.empty())
      s += ", ";
    s += std::string(to_string(p)) + " " + std::to_string(h.orders_sent(p, since));
  }
  return s;
}

bool hedged(sim_harness& h) {
  const quantity floor = std::min(h.venue(0).instruments()[0].min_qty,
                                  h.venue(1).instruments()[0].min_qty);
  return h.engine().net_delta().abs() < floor;
}

/// Warm-up under ACTIVE permits, then a 40 bp dislocation on venue A: the
/// pair sells A and buys B.
void open_position(guard& g, sim_harness& h, const std::function<void()>& each = {}) {
  h.set_basis(0, 0, 40);
  g.run(5 * sec, each);
  REQUIRE(h.engine().tranches() >= 1);
  REQUIRE(h.engine().position(0).is_negative());
  REQUIRE(h.engine().position(1).is_positive());
  REQUIRE(hedged(h));
}

} // namespace

TEST_SUITE("risk scenarios") {
  TEST_CASE("daily loss limit hit while holding: REDUCING closes hedged in slices; resume") {
    sim_harness h(pair_config(21));
    auto rc = guard_config();
    rc.breakers.daily_loss.limit = usd(40);
    REQUIRE(risk::validate(rc) == "");
    guard g(rc, {&h});
    net_watch watch{h, {}};
    auto each = [&] { watch.observe(); };
    g.run(25 * sec, each);
    REQUIRE(h.engine().gate().has_permit());
    CHECK(h.engine().gate().state() == trade_state::active);
    CHECK(h.engine().gate().permit().entries);
    CHECK(h.engine().stats().entries == 0);
    open_position(g, h, each);
    // One tranche: 6500 USDT at ~65000, rounded down to the common lot.
    const quantity tranche = max_order(h, order_purpose::open, 0);
    CHECK(tranche == qty("0.09"));
    const uint64_t entries_before = h.engine().stats().entries;
    const quantity held = h.engine().position(1);
    // The market runs against the position: A (short) rallies 90 bp.
    h.set_basis(0, 0, 130);
    timestamp_ns trip = 0;
    g.run(20 * sec, [&] {
      each();
      if (trip == 0 && h.engine().gate().state() == trade_state::reducing)
        trip = h.now();
    });
    REQUIRE(trip != 0);
    CHECK(g.book.node_state() == trade_state::reducing);
    CHECK(g.book.breakers().tripped(risk::breaker_kind::daily_loss, ""));
    CHECK(h.engine().gate().permit().reason.find("daily loss") != std::string::npos);
    // Closed: both legs reduce-only, at most one tranche per order, hedged.
    CHECK(h.engine().position(0).is_zero());
    CHECK(h.engine().position(1).is_zero());
    CHECK(h.accounting_mismatch() == "");
    CHECK(h.orders_sent(order_purpose::open, trip + 1) == 0);
    CHECK(h.orders_sent(order_purpose::close, trip) >= 2 * held.raw() / tranche.raw());
    CHECK(max_order(h, order_purpose::close, trip) <= tranche);
    CHECK(all_reduce_only(h, trip + 1, h.now() + 1));
    CHECK(watch.max <= tranche);
    MESSAGE("daily loss: held ", held.to_string(), " BTC, after the trip ", purposes(h, trip),
            "; max |net delta| ", watch.max.to_string(), " (tranche ", tranche.to_string(),
            "); P&L ", pnl_of(h).to_string());
    // Still REDUCING while the market calms down: no entry, whatever the signal.
    h.set_basis(0, 0, 0);
    g.run(25 * sec, each);
    h.set_basis(0, 0, 40);
    g.run(5 * sec, each);
    CHECK(h.engine().gate().state() == trade_state::reducing);
    CHECK(h.engine().stats().entries == entries_before);
    CHECK(h.orders_sent(order_purpose::open, trip + 1) == 0);
    // An explicit resume: ACTIVE again, and the pair trades.
    h.set_basis(0, 0, 0);
    g.run(25 * sec, each);
    CHECK(g.book.resume(h.now()) >= 1);
    const timestamp_ns resumed = h.now();
    g.cycle(h.now());
    CHECK(g.book.node_state() == trade_state::active);
    CHECK(h.engine().gate().state() == trade_state::active);
    CHECK(h.engine().gate().permit().entries);
    h.set_basis(0, 0, 40);
    g.run(5 * sec, each);
    CHECK(h.engine().stats().entries > entries_before);
    CHECK(h.orders_sent(order_purpose::open, resumed) >= 2);
    CHECK(watch.max <= tranche);
    REQUIRE(h.settle());
    CHECK(h.accounting_mismatch() == "");
  }

  TEST_CASE("halt all during a maker_taker entry: working orders cancelled, position held") {
    auto c = pair_config(22);
    // B (the maker leg: rebate) quotes a 0.2 bp market in thin levels: its
    // post-only entry fills piecewise, each piece hedged on A at once.
    c.world.venues[1].half_spread_bps = 0.1;
    c.world.venues[1].level_step_bps = 0.1;
    c.world.symbols[0].level_qty = qty("0.02");
    c.params.style = exec_style::maker_taker;
    sim_harness h(c);
    guard g(guard_config(), {&h});
    net_watch watch{h, {}};
    auto each = [&] { watch.observe(); };
    g.run(25 * sec, each);
    h.set_basis(0, 0, 40);
    // Halt at the first moment part of the maker entry is filled and the
    // rest still rests on B.
    REQUIRE(g.run_until(
      [&] {
        return !h.engine().position(1).is_zero() && !h.venue(1).open_orders(c.symbol).empty();
      },
      30 * sec, each));
    const timestamp_ns halt_at = h.now();
    const quantity maker_at_halt = h.engine().position(1);
    const std::size_t working_at_halt = h.engine().working_orders(h.now());
    hedge_only after(h);
    g.book.halt_all("operator test", h.now());
    g.cycle(h.now());
    CHECK(h.engine().gate().state() == trade_state::halted);
    CHECK(g.book.node_state() == trade_state::halted);
    // Every working order is gone from the venues within the leg timeout.
    REQUIRE(g.run_until([&] { return h.venue_open_orders() == 0; }, c.params.leg_timeout_ns,
                        [&] { each(); after.observe(); }));
    const timestamp_ns cleared = h.now();
    g.run(20 * sec, [&] { each(); after.observe(); });
    CHECK(after.violations == 0);
    CHECK(h.venue_open_orders() == 0);
    CHECK(h.engine().working_orders(h.now()) == 0);
    CHECK(hedged(h));
    // Held, not closed: the maker leg kept what it had (late fills may add).
    CHECK(h.engine().position(1) >= maker_at_halt);
    CHECK(h.engine().position(0).is_negative());
    CHECK(h.orders_sent(order_purpose::close, halt_at + 1) == 0);
    CHECK(h.orders_sent(order_purpose::flatten, halt_at + 1) == 0);
    CHECK(h.orders_sent(order_purpose::open, halt_at + 1) == 0);
    CHECK(h.engine().gate().state() == trade_state::halted);
    CHECK(h.accounting_mismatch() == "");
    CHECK(watch.max <= max_order(h, order_purpose::open, 0)); // one maker fill at most
    MESSAGE("halt all: ", working_at_halt, " working orders at the halt, venues clear after ",
            (cleared - halt_at) / ms, " ms; after it ", purposes(h, halt_at + 1),
            "; held A ", h.engine().position(0).to_string(), " B ",
            h.engine().position(1).to_string(), "; max |net delta| ", watch.max.to_string());
    // Resume: trading again (the position is worked and closed on reversion).
    g.book.resume(h.now());
    const timestamp_ns resumed = h.now();
    g.cycle(h.now());
    CHECK(h.engine().gate().state() == trade_state::active);
    g.run(90 * sec, each);
        const std::size_t after_resume = h.orders_sent(order_purpose::open, resumed)
                                     + h.orders_sent(order_purpose::close, resumed);
    MESSAGE("after resume: ", purposes(h, resumed), ", round trips ",
            h.engine().stats().round_trips, ", P&L ", pnl_of(h).to_string());
    CHECK(after_resume >= 1);
    CHECK(h.engine().stats().round_trips >= 1);
    REQUIRE(h.settle());
    CHECK(h.accounting_mismatch() == "");
  }

  TEST_CASE("flatten all with two pairs holding: both flat in slices, REDUCING until resume") {
    sim_harness h1(pair_config(31));
    sim_harness h2(pair_config(32, "vc", "vd"));
    guard g(guard_config(), {&h1, &h2});
    net_watch w1{h1, {}};
    net_watch w2{h2, {}};
    auto each = [&] {
      w1.observe();
      w2.observe();
    };
    g.run(25 * sec, each);
    h2.set_basis(0, 0, 40);
    open_position(g, h1, each);
    REQUIRE(h2.engine().tranches() >= 1);
    REQUIRE(hedged(h2));
    const quantity held1 = h1.engine().position(1);
    const quantity held2 = h2.engine().position(1);
    const quantity slice = std::max(max_order(h1, order_purpose::open, 0),
                                    max_order(h2, order_purpose::open, 0));
    g.book.flatten_all("operator test", g.now());
    const timestamp_ns t = g.now();
    g.cycle(t);
    bool stayed = true;
    g.run(30 * sec, [&] {
      each();
      for (auto* h : g.pairs)
        stayed = stayed && h->engine().gate().state() == trade_state::reducing;
    });
    CHECK(stayed);
    CHECK(g.book.node_state() == trade_state::reducing);
    for (auto* h : {&h1, &h2}) {
      CHECK(h->engine().position(0).is_zero());
      CHECK(h->engine().position(1).is_zero());
      CHECK(h->accounting_mismatch() == "");
      CHECK(h->orders_sent(order_purpose::open, t + 1) == 0);
      const quantity held = h == &h1 ? held1 : held2;
      CHECK(h->orders_sent(order_purpose::close, t) >= 2 * held.raw() / slice.raw());
      CHECK(max_order(*h, order_purpose::close, t) <= slice);
      CHECK(all_reduce_only(*h, t + 1, h->now() + 1));
    }
    CHECK(w1.max <= slice);
    CHECK(w2.max <= slice);
    MESSAGE("flatten all: pair 1 held ", held1.to_string(), " -> ", purposes(h1, t),
            ", max |net| ", w1.max.to_string(), ", P&L ", pnl_of(h1).to_string(),
            "; pair 2 held ", held2.to_string(), " -> ", purposes(h2, t), ", max |net| ",
            w2.max.to_string(), ", P&L ", pnl_of(h2).to_string(), " (slice ", slice.to_string(),
            ")");
    g.book.resume(g.now());
    g.cycle(g.now());
    for (auto* h : g.pairs) {
      CHECK(h->engine().gate().state() == trade_state::active);
      CHECK(h->engine().gate().permit().entries);
    }
  }

  TEST_CASE("flatten one pair: only that pair reduces, the other keeps trading") {
    sim_harness h1(pair_config(41));
    sim_harness h2(pair_config(42, "vc", "vd"));
    guard g(guard_config(), {&h1, &h2});
    net_watch w1{h1, {}};
    auto each = [&] { w1.observe(); };
    g.run(25 * sec, each);
    open_position(g, h1, each);
    CHECK(h2.engine().stats().entries == 0);
    REQUIRE(g.book.flatten_pair(h1.engine().id(), "operator test", g.now()));
    CHECK_FALSE(g.book.flatten_pair("nope", "operator test", g.now()));
    const timestamp_ns t = g.now();
    g.cycle(t);
    CHECK(h1.engine().gate().state() == trade_state::reducing);
    CHECK(g.book.node_state() == trade_state::active);
    // While pair 1 reduces, pair 2 sees a dislocation and opens.
    h2.set_basis(0, 0, 40);
    bool other_active = true;
    g.run(30 * sec, [&] {
      each();
      other_active = other_active && h2.engine().gate().state() == trade_state::active
                     && h2.engine().gate().permit().entries;
    });
    CHECK(h1.engine().position(0).is_zero());
    CHECK(h1.engine().position(1).is_zero());
    CHECK(h1.engine().gate().state() == trade_state::reducing);
    CHECK(h1.orders_sent(order_purpose::open, t + 1) == 0);
    CHECK(h1.accounting_mismatch() == "");
    CHECK(w1.max <= max_order(h1, order_purpose::open, 0));
    CHECK(other_active);
    CHECK(h2.engine().stats().entries >= 1);
    CHECK(h2.orders_sent(order_purpose::open, t) >= 2);
    CHECK(h2.count_events("risk REDUCING") == 0);
    MESSAGE("flatten one: pair 1 ", purposes(h1, t), ", max |net| ", w1.max.to_string(),
            "; pair 2 entries ", h2.engine().stats().entries, ", holds A ",
            h2.engine().position(0).to_string(), " B ", h2.engine().position(1).to_string());
    std::string scope = h1.engine().id();
    CHECK(g.book.resume(g.now(), &scope) >= 1);
    g.cycle(g.now());
    CHECK(h1.engine().gate().state() == trade_state::active);
    REQUIRE(h2.settle());
    CHECK(h2.accounting_mismatch() == "");
  }

  TEST_CASE("fail closed: HALTED on the next permits, only net-reducing hedges after") {
    sim_harness h(pair_config(51));
    guard g(guard_config(), {&h});
    net_watch watch{h, {}};
    auto each = [&] { watch.observe(); };
    g.run(25 * sec, each);
    h.set_basis(0, 0, 40);
    // The error strikes while the entry's IOCs are on their way.
    REQUIRE(g.run_until([&] { return h.orders_sent(order_purpose::open) >= 2; }, 10 * sec, each));
    const timestamp_ns t = h.now();
    g.book.fail_closed("injected", t);
    const auto permits = g.book.take_permits(t);
    REQUIRE(permits.size() == 1);
    CHECK(permits[0].state == trade_state::halted);
    CHECK_FALSE(permits[0].entries);
    CHECK(permits[0].reason.find("injected") != std::string::npos);
    hedge_only after(h);
    g.deliver(permits);
    CHECK(h.engine().gate().state() == trade_state::halted);
    g.run(30 * sec, [&] {
      each();
      after.observe();
    });
    CHECK(after.violations == 0);
    CHECK(g.book.node_state() == trade_state::halted);
    CHECK(h.engine().gate().state() == trade_state::halted);
    CHECK(hedged(h));
    CHECK(h.orders_sent(order_purpose::open, t + 1) == 0);
    CHECK(h.orders_sent(order_purpose::close, t + 1) == 0);
    CHECK(h.venue_open_orders() == 0);
    CHECK(h.accounting_mismatch() == "");
    MESSAGE("fail closed: after it ", purposes(h, t + 1), "; held A ",
            h.engine().position(0).to_string(), " B ", h.engine().position(1).to_string(),
            "; max |net delta| ", watch.max.to_string());
    // The entry that was on its way when the guard failed is a position the
    // engine still manages: after the resume it closes on reversion.
    REQUIRE_FALSE(h.engine().position(0).is_zero());
    CHECK(h.engine().target() == h.engine().position(0));
    CHECK(h.engine().direction() == 0);
    g.book.resume(h.now());
    const timestamp_ns resumed = h.now();
    g.cycle(h.now());
    CHECK(h.engine().gate().state() == trade_state::active);
    REQUIRE(g.run_until([&] { return h.engine().stats().round_trips == 1; }, 120 * sec, each));
    CHECK(h.orders_sent(order_purpose::close, resumed) >= 2);
    CHECK(h.engine().position(0).is_zero());
    CHECK(h.engine().position(1).is_zero());
    CHECK(h.accounting_mismatch() == "");
  }

  TEST_CASE("lease: a silent guard stops entries at expiry; positions still managed") {
    sim_harness h(pair_config(61));
    auto rc = guard_config();
    rc.lease_ns = 2 * sec;
    guard g(rc, {&h});
    g.run(25 * sec);
    open_position(g, h);
    const uint64_t entries = h.engine().stats().entries;
    g.online = false; // the guard goes silent
    const timestamp_ns expiry = h.engine().gate().permit().valid_until;
    CHECK(expiry <= h.now() + rc.lease_ns);
    CHECK(h.engine().gate().state() == trade_state::active);
    // The position is still closed on reversion after the lease ran out.
    REQUIRE(g.run_until([&] { return h.engine().stats().round_trips == 1; }, 180 * sec));
    CHECK(h.now() > expiry);
    CHECK(h.orders_sent(order_purpose::close, expiry) >= 2);
    CHECK(h.engine().position(0).is_zero());
    CHECK(h.engine().position(1).is_zero());
    // A new dislocation: no entry without a valid permit.
    g.run(25 * sec);
    h.set_basis(0, 0, 40);
    g.run(1 * sec);
    CHECK(h.engine().stats().entries == entries);
    CHECK(h.orders_sent(order_purpose::open, expiry) == 0);
    CHECK(h.count_events("permit expired") >= 1);
    CHECK(h.accounting_mismatch() == "");
    MESSAGE("lease: expired ", (h.now() - expiry) / sec, " s ago, entries ", entries,
            ", round trips ", h.engine().stats().round_trips, ", P&L ", pnl_of(h).to_string());
    // The guard is back: entries again, on the same dislocation.
    g.online = true;
    const timestamp_ns back = h.now();
    g.run(1 * sec);
    CHECK(h.engine().stats().entries > entries);
    CHECK(h.orders_sent(order_purpose::open, back) >= 2);
    REQUIRE(h.settle());
    CHECK(h.accounting_mismatch() == "");
  }

  TEST_CASE("a tranche above the per-order cap is not entered (no target the gate refuses)") {
    sim_harness h(pair_config(71));
    auto rc = guard_config();
    rc.max_order_notional = usd(5000); // a tranche is ~5870
    guard g(rc, {&h});
    g.run(25 * sec);
    h.set_basis(0, 0, 40);
    g.run(5 * sec);
    CHECK(h.engine().stats().entries == 0);
    CHECK(h.engine().target().is_zero());
    CHECK(h.engine().stats().orders == 0);
    CHECK(h.engine().phase() == pair_phase::flat);
    CHECK(h.count_events("above the order cap") >= 1);
  }
}
