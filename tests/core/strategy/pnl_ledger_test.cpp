// core/strategy/pnl_ledger: exact per-pair P&L, checked by hand-computed
// figures and against the simulated venue's own ledger to the raw unit.
#include <doctest/doctest.h>

#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/strategy/pnl_ledger.hpp"
#include "venues/sim/position_ledger.hpp"
#include "venues/sim/sim_venue.hpp"

using namespace xarb;
using xarb::strategy::pnl_ledger;
using xarb::strategy::pnl_summary;

namespace {

price px(std::string_view s) { return price::from_string(s).value(); }
quantity qty(std::string_view s) { return quantity::from_string(s).value(); }
money usd(std::string_view s) { return money::from_string(s).value(); }
ratio rate(std::string_view s) { return ratio::from_string(s).value(); }

constexpr timestamp_ns sec = 1'000'000'000;

order_fill fill(std::string id, side sd, std::string_view p, std::string_view q,
                std::string_view fee = "0", timestamp_ns ts = 1) {
  order_fill f;
  f.client_id = "c-" + id;
  f.fill_id = std::move(id);
  f.venue = "v";
  f.symbol = "BTC-PERP";
  f.sd = sd;
  f.px = px(p);
  f.qty = qty(q);
  f.fee = usd(fee);
  f.ts = ts;
  return f;
}

funding_payment payment(std::string_view position, std::string_view amount, timestamp_ns ts) {
  return funding_payment{"v", "BTC-PERP", qty(position), px("100"), rate("0.0001"),
                         usd(amount), ts};
}

} // namespace

TEST_CASE("long: open, increase, partial reduce (pro rata, rounded once), full close") {
  pnl_ledger l{"v", "BTC-PERP"};
  CHECK(l.venue() == "v");
  CHECK(l.symbol() == "BTC-PERP");
  REQUIRE(l.apply_fill(fill("1", side::buy, "100", "1", "0.05", 1)));
  REQUIRE(l.apply_fill(fill("2", side::buy, "101", "2", "0.101", 2)));
  CHECK(l.get().qty == qty("3"));
  CHECK(l.cost() == usd("302"));
  CHECK(l.get().avg_entry == px("100.666666667"));
  CHECK(l.unrealized(px("100")) == usd("-2"));
  REQUIRE(l.apply_fill(fill("3", side::sell, "102", "1", "0.051", 3)));
  CHECK(l.get().realized_pnl == usd("1.333333333")); // 102 - round(302/3)
  CHECK(l.cost() == usd("201.333333333"));
  CHECK(l.unrealized(px("103")) == usd("4.666666667")); // 206 - 201.333333333
  CHECK(l.net(px("103")) == usd("1.333333333") - usd("0.202") + usd("4.666666667"));
  REQUIRE(l.apply_fill(fill("4", side::sell, "102", "2", "0.102", 4)));
  CHECK(l.get().qty.is_zero());
  CHECK(l.get().realized_pnl == usd("4")); // exactly 306 - 302: no drift
  CHECK(l.get().avg_entry.is_zero());
  CHECK(l.cost().is_zero());
  CHECK(l.unrealized(px("500")).is_zero());
  CHECK(l.get().fees == usd("0.304"));
  CHECK(l.get().ts == 4);
  CHECK(l.fill_count() == 4);
  CHECK(l.volume() == usd("608"));
  CHECK(l.net(px("1")) == usd("3.696"));
}

TEST_CASE("short: open, increase, partial cover with rounding, full cover") {
  pnl_ledger l{"v", "BTC-PERP"};
  l.apply_fill(fill("1", side::sell, "100", "1"));
  l.apply_fill(fill("2", side::sell, "100.5", "2"));
  CHECK(l.get().qty == qty("-3"));
  CHECK(l.cost() == usd("301"));
  CHECK(l.get().avg_entry == px("100.333333333"));
  CHECK(l.unrealized(px("100")) == usd("1"));       // 301 - 300
  CHECK(l.unrealized(px("101")) == usd("-2"));      // 301 - 303
  l.apply_fill(fill("3", side::buy, "99", "1"));
  CHECK(l.get().realized_pnl == usd("1.333333333")); // round(301/3) - 99
  CHECK(l.cost() == usd("200.666666667"));
  CHECK(l.get().avg_entry == px("100.333333334"));  // 100.3333333335 half away
  l.apply_fill(fill("4", side::buy, "99", "2"));
  CHECK(l.get().qty.is_zero());
  CHECK(l.get().realized_pnl == usd("4")); // 301 - 297
  CHECK(l.cost().is_zero());
}

TEST_CASE("flips open the rest at the fill price, both ways") {
  pnl_ledger l{"v", "BTC-PERP"};
  l.apply_fill(fill("1", side::buy, "100", "1"));
  l.apply_fill(fill("2", side::sell, "105", "3")); // close 1 (+5), open short 2 @ 105
  CHECK(l.get().qty == qty("-2"));
  CHECK(l.get().realized_pnl == usd("5"));
  CHECK(l.cost() == usd("210"));
  CHECK(l.get().avg_entry == px("105"));
  l.apply_fill(fill("3", side::buy, "100", "5")); // cover 2 (+10), open long 3 @ 100
  CHECK(l.get().qty == qty("3"));
  CHECK(l.get().realized_pnl == usd("15"));
  CHECK(l.cost() == usd("300"));
  CHECK(l.get().avg_entry == px("100"));
  CHECK(l.volume() == usd("100") + usd("315") + usd("500"));
}

TEST_CASE("negative fees are rebates and raise net") {
  pnl_ledger l{"v", "BTC-PERP"};
  l.apply_fill(fill("1", side::buy, "100", "1", "-0.02"));
  l.apply_fill(fill("2", side::sell, "100", "1", "-0.01"));
  CHECK(l.get().fees == usd("-0.03"));
  CHECK(l.get().realized_pnl.is_zero());
  CHECK(l.net(px("100")) == usd("0.03"));
  l.apply_fill(fill("3", side::buy, "100", "1", "0.05"));
  CHECK(l.get().fees == usd("0.02"));
}

TEST_CASE("duplicate fill ids are ignored; empty ids never are; foreign fills ignored") {
  pnl_ledger l{"v", "BTC-PERP"};
  const auto f = fill("dup", side::buy, "100", "1", "0.1", 5);
  CHECK(l.apply_fill(f));
  const auto before = l.get();
  CHECK_FALSE(l.apply_fill(f));
  CHECK(l.get() == before);
  CHECK(l.fill_count() == 1);
  auto anon = fill("", side::buy, "100", "1");
  CHECK(l.apply_fill(anon));
  CHECK(l.apply_fill(anon));
  CHECK(l.get().qty == qty("3"));
  auto other = fill("x", side::buy, "100", "1");
  other.venue = "w";
  CHECK_FALSE(l.apply_fill(other));
  other.venue = "v";
  other.symbol = "ETH-PERP";
  CHECK_FALSE(l.apply_fill(other));
  CHECK(l.get().qty == qty("3"));
  // A copy keeps its own memory of ids.
  pnl_ledger copy = l;
  CHECK_FALSE(copy.apply_fill(f));
  pnl_ledger moved = std::move(copy);
  CHECK_FALSE(moved.apply_fill(f));
}

TEST_CASE("fill id memory is a bounded FIFO of the last 65536 ids") {
  pnl_ledger l{"v", "BTC-PERP"};
  const std::size_t n = pnl_ledger::fill_id_memory + 1;
  for (std::size_t k = 0; k < n; ++k)
    REQUIRE(l.apply_fill(fill(std::to_string(k), k % 2 ? side::sell : side::buy, "100", "1")));
  CHECK_FALSE(l.apply_fill(fill("1", side::buy, "100", "1")));         // still remembered
  CHECK_FALSE(l.apply_fill(fill(std::to_string(n - 1), side::buy, "100", "1")));
  CHECK(l.apply_fill(fill("0", side::buy, "100", "1")));               // evicted: new again
  CHECK(l.apply_fill(fill("1", side::buy, "100", "1")));               // pushed out by "0"
}

TEST_CASE("overflow and bad input throw and change nothing") {
  pnl_ledger l{"v", "BTC-PERP"};
  l.apply_fill(fill("1", side::buy, "100", "1", "0.1"));
  const auto before = l.get();
  CHECK_THROWS_AS(l.apply_fill(fill("big", side::buy, "9000000000", "9000000000")),
                  std::overflow_error);
  CHECK_THROWS_AS(l.apply_fill(fill("neg", side::buy, "100", "-1")), std::invalid_argument);
  CHECK(l.get() == before);
  CHECK(l.cost() == usd("100"));
  CHECK(l.fill_count() == 1);
  CHECK(l.volume() == usd("100"));
  CHECK(l.apply_fill(fill("neg", side::buy, "100", "1"))); // ids of failed fills not kept
}

TEST_CASE("property: matches sim::position_ledger after every fill, to the raw unit") {
  pnl_ledger l{"v", "BTC-PERP"};
  sim::position_ledger ref{"v", "BTC-PERP"};
  std::mt19937_64 gen{20240611};
  std::uniform_int_distribution<int64_t> lots{1, 3000};       // 0.001 lot
  std::uniform_int_distribution<int64_t> ticks{5000, 15000};  // 0.01 tick: 50 .. 150
  std::uniform_int_distribution<int64_t> fee_raw{-10'000'000, 50'000'000};
  std::uniform_int_distribution<int> coin{0, 1};
  std::uniform_int_distribution<int64_t> rate_raw{-750'000, 750'000};
  money volume;
  for (int k = 0; k < 4000; ++k) {
    order_fill f;
    f.fill_id = "f" + std::to_string(k);
    f.venue = "v";
    f.symbol = "BTC-PERP";
    f.sd = coin(gen) ? side::buy : side::sell;
    f.px = price::from_raw(ticks(gen) * 10'000'000);
    f.qty = quantity::from_raw(lots(gen) * 1'000'000);
    f.fee = money::from_raw(fee_raw(gen));
    f.ts = k * sec;
    REQUIRE(l.apply_fill(f));
    ref.apply_fill(f.sd, f.px, f.qty, f.fee, f.ts);
    volume += notional(f.px, f.qty).value();
    const auto& a = l.get();
    const auto& b = ref.get();
    REQUIRE(a.qty.raw() == b.qty.raw());
    REQUIRE(a.realized_pnl.raw() == b.realized_pnl.raw());
    REQUIRE(a.fees.raw() == b.fees.raw());
    REQUIRE(a.avg_entry.raw() == b.avg_entry.raw());
    REQUIRE(l.cost().raw() == ref.cost().raw());
    if (k % 97 == 0) {
      // Sole owner: the venue's payment is booked exactly.
      const quantity held = b.qty;
      const price mark = price::from_raw(ticks(gen) * 10'000'000);
      const ratio r = ratio::from_raw(rate_raw(gen));
      const money amount = ref.apply_funding(mark, r, f.ts + sec / 2);
      if (!held.is_zero())
        REQUIRE(l.apply_funding(funding_payment{"v", "BTC-PERP", held, mark, r, amount,
                                                f.ts + sec / 2}));
      REQUIRE(l.get().funding.raw() == ref.get().funding.raw());
    }
  }
  CHECK(l.fill_count() == 4000);
  CHECK(l.volume() == volume);
  CHECK_FALSE(l.get().funding.is_zero());
}

TEST_CASE("funding: sole owner books the payment; duplicates and foreign ones ignored") {
  pnl_ledger l{"v", "BTC-PERP"};
  l.apply_fill(fill("1", side::buy, "100", "2", "0", 10));
  CHECK(l.apply_funding(payment("2", "-0.02", 100)));
  CHECK(l.get().funding == usd("-0.02"));
  CHECK(l.get().ts == 100);
  CHECK_FALSE(l.apply_funding(payment("2", "-0.02", 100))); // same settlement again
  auto other = payment("2", "-0.02", 200);
  other.venue = "w";
  CHECK_FALSE(l.apply_funding(other));
  other.venue = "v";
  other.symbol = "ETH-PERP";
  CHECK_FALSE(l.apply_funding(other));
  CHECK(l.get().funding == usd("-0.02"));
  CHECK(l.net(px("100")) == usd("-0.02"));
  // An account-flat settlement, or one before we held anything, books 0.
  CHECK(l.apply_funding(payment("0", "0", 300)));
  CHECK(l.apply_funding(payment("5", "-0.05", 5)));
  CHECK(l.get().funding == usd("-0.02"));
}

TEST_CASE("funding: fills after the settlement time do not count, late fills re-attribute") {
  pnl_ledger l{"v", "BTC-PERP"};
  l.apply_fill(fill("a", side::buy, "100", "2", "0", 50));
  // Arrives before the payment but was traded at / after the settlement.
  l.apply_fill(fill("b", side::buy, "100", "4", "0", 100));
  l.apply_fill(fill("c", side::buy, "100", "8", "0", 150));
  // The venue settled 3 (our 2 + a fill of 1 at ts 90 we have not seen yet).
  CHECK(l.apply_funding(payment("3", "-0.03", 100)));
  CHECK(l.get().funding == usd("-0.02")); // -0.03 x 2/3
  // The late fill arrives: the settlement is re-attributed to the venue's total.
  l.apply_fill(fill("late", side::buy, "100", "1", "0", 90));
  CHECK(l.get().funding == usd("-0.03"));
  // A late fill stamped at the settlement time was not settled on.
  l.apply_fill(fill("at", side::buy, "100", "1", "0", 100));
  CHECK(l.get().funding == usd("-0.03"));
  // A second settlement sees everything up to it; a late sell before both
  // re-attributes both.
  CHECK(l.apply_funding(payment("16", "-0.16", 200)));
  CHECK(l.get().funding == usd("-0.19"));
  l.apply_fill(fill("late2", side::sell, "100", "1", "0", 60));
  CHECK(l.get().funding == usd("-0.02") - usd("0.15")); // 2/3 and 15/16 of them
}

TEST_CASE("funding: partial owner gets its linear share, rounded to nearest once") {
  pnl_ledger l{"v", "BTC-PERP"};
  l.apply_fill(fill("1", side::buy, "100", "2", "0", 1));
  CHECK(l.apply_funding(payment("4", "-0.05", 10))); // half of the account
  CHECK(l.get().funding == usd("-0.025"));
  CHECK(l.apply_funding(payment("4", "-0.000000003", 20)));
  CHECK(l.get().funding == usd("-0.025000002")); // -1.5e-9 rounds half away from zero
  // Another pair is long 3 while we are short 2: the account is long 1 and
  // pays; our short receives its (larger) linear share.
  pnl_ledger s{"v", "BTC-PERP"};
  s.apply_fill(fill("1", side::sell, "100", "2", "0", 1));
  CHECK(s.apply_funding(payment("1", "-0.01", 10)));
  CHECK(s.get().funding == usd("0.02"));
}

TEST_CASE("funding: only the last 8 settlements are kept for re-attribution") {
  pnl_ledger l{"v", "BTC-PERP"};
  l.apply_fill(fill("1", side::buy, "100", "1", "0", 1));
  for (int k = 1; k <= 9; ++k)
    REQUIRE(l.apply_funding(payment("2", "-0.02", k * 100)));
  CHECK(l.get().funding == usd("-0.09")); // 9 x half
  CHECK_FALSE(l.apply_funding(payment("2", "-0.02", 100))); // forgotten: treated as replay
  CHECK_FALSE(l.apply_funding(payment("2", "-0.02", 50)));
  // Late fill before all of them: only the 8 kept (200 .. 900) get their other half.
  l.apply_fill(fill("late", side::buy, "100", "1", "0", 2));
  CHECK(l.get().funding == usd("-0.09") - usd("0.08"));
  // A settlement between kept ones (out of order) is still booked exactly.
  l.apply_fill(fill("x", side::buy, "100", "2", "0", 950));
  CHECK(l.apply_funding(payment("2", "-0.02", 850)));
  CHECK(l.get().funding == usd("-0.19"));
}

TEST_CASE("funding_accrued: linear over the interval, clamped, 0 without a rate") {
  pnl_ledger l{"v", "BTC-PERP"};
  l.apply_fill(fill("1", side::buy, "100", "2"));
  CHECK(l.funding_accrued(px("100"), 0).is_zero()); // no rate yet
  const timestamp_ns next = 1'700'003'600 * sec;
  l.on_rate(funding_rate{"w", "BTC-PERP", rate("0.5"), 3600, next, 0}); // other venue
  CHECK(l.funding_accrued(px("100"), next).is_zero());
  l.on_rate(funding_rate{"v", "BTC-PERP", rate("0.0001"), 3600, next, 0});
  const timestamp_ns start = next - 3600 * sec;
  CHECK(l.funding_accrued(px("100"), start).is_zero());                    // 0%
  CHECK(l.funding_accrued(px("100"), start + 1800 * sec) == usd("-0.01")); // 50%
  CHECK(l.funding_accrued(px("100"), next) == usd("-0.02"));               // 100%
  CHECK(l.funding_accrued(px("100"), next + 600 * sec) == usd("-0.02"));   // clamped
  CHECK(l.funding_accrued(px("100"), start - sec).is_zero());
  CHECK(l.funding_accrued(px("150"), start + 900 * sec) == usd("-0.0075"));
  l.apply_fill(fill("2", side::sell, "100", "3")); // short 1 receives
  CHECK(l.funding_accrued(px("100"), start + 1800 * sec) == usd("0.005"));
  // An estimate only: nothing booked.
  CHECK(l.get().funding.is_zero());
  CHECK(l.summary(px("100"), start + 1800 * sec).funding_accrued == usd("0.005"));
  l.apply_fill(fill("3", side::buy, "100", "1"));
  CHECK(l.funding_accrued(px("100"), next).is_zero()); // flat
}

TEST_CASE("summaries: every figure, and summed across venues") {
  pnl_ledger a{"v", "BTC-PERP"};
  a.apply_fill(fill("1", side::buy, "100", "1", "0.05", 1));
  a.apply_funding(payment("1", "-0.01", 5));
  auto f = fill("2", side::sell, "102", "1", "-0.01", 2);
  f.venue = "w";
  pnl_ledger b{"w", "BTC-PERP"};
  b.apply_fill(f);
  const auto sa = a.summary(px("101"), 0);
  CHECK(sa.realized.is_zero());
  CHECK(sa.fees == usd("0.05"));
  CHECK(sa.funding == usd("-0.01"));
  CHECK(sa.funding_accrued.is_zero());
  CHECK(sa.unrealized == usd("1"));
  CHECK(sa.net == usd("0.94"));
  CHECK(sa.volume == usd("100"));
  const auto sb = b.summary(px("101"), 0);
  CHECK(sb.unrealized == usd("1"));
  const pnl_summary pair = sa + sb;
  CHECK(pair.net == usd("0.94") + usd("1.01"));
  CHECK(pair.fees == usd("0.04"));
  CHECK(pair.volume == usd("202"));
  pnl_summary acc;
  acc += sa;
  acc += sb;
  CHECK(acc == pair);
  pnl_summary huge;
  huge.net = money::max();
  CHECK_THROWS_AS(huge += sa, std::overflow_error);
  CHECK(huge.net == money::max()); // all or nothing
  CHECK(huge.fees.is_zero());
}

TEST_CASE("end to end with the simulated venue: sole trader matches it to the unit") {
  auto w = sim::default_world_config();
  const timestamp_ns t0 = 1'700'000'000 * sec;
  const timestamp_ns hour = 3600 * sec;
  const timestamp_ns boundary = (t0 / hour + 1) * hour;
  w.start_ts = boundary - 60 * sec;
  sim::venue v{w, "sim-c"};
  pnl_ledger l{"sim-c", "ETH-PERP"};
  std::vector<sim::event> out;
  const auto feed = [&] {
    for (const auto& e : out) {
      if (const auto* f = std::get_if<order_fill>(&e))
        CHECK(l.apply_fill(*f));
      else if (const auto* p = std::get_if<funding_payment>(&e))
        l.apply_funding(*p);
      else if (const auto* r = std::get_if<funding_rate>(&e))
        l.on_rate(*r);
    }
    out.clear();
  };
  int n = 0;
  const auto trade = [&](side sd, std::string_view q, timestamp_ns now) {
    order_intent o;
    o.client_id = "o" + std::to_string(++n);
    o.venue = "sim-c";
    o.symbol = "ETH-PERP";
    o.sd = sd;
    o.type = order_type::market;
    o.tif = time_in_force::ioc;
    o.qty = qty(q);
    v.advance(now, out);
    v.submit(o, now, out);
    feed();
  };
  trade(side::buy, "1.3", w.start_ts + sec);
  trade(side::buy, "0.7", w.start_ts + 20 * sec);
  trade(side::sell, "0.4", w.start_ts + 40 * sec);
  trade(side::sell, "2.5", boundary); // at the settlement instant: not settled on
  trade(side::buy, "0.3", boundary + 10'000'000); // 10 ms: before the payment is released
  v.advance(boundary + 5 * sec, out);
  feed();
  const auto venue_pos = v.position_of("ETH-PERP");
  CHECK_FALSE(venue_pos.funding.is_zero());
  CHECK(l.get().qty == venue_pos.qty);
  CHECK(l.get().avg_entry == venue_pos.avg_entry);
  CHECK(l.get().realized_pnl == venue_pos.realized_pnl);
  CHECK(l.get().fees == venue_pos.fees);
  CHECK(l.get().funding == venue_pos.funding);
  CHECK(l.fill_count() >= 5);
}
