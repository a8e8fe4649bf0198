// The simulated venue end to end: determinism, books and sequencing, latency,
// funding, orders through the venue, instruments and multipliers.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <numeric>
#include <set>
#include <stdexcept>

#include "tests/venues/sim/sim_test_util.hpp"
#include "venues/sim/sim_venue.hpp"

using namespace xarb;
using namespace xarb::sim;
using namespace xarb::sim::test;

namespace {


/// A client-side book built from snapshot + deltas, checking the feed.
struct local_book : book_copy {

  template <class Map>
  static void apply_side(Map& side, const std::vector<book_level>& levels) {
    for (const auto& l : levels) {
      auto it = side.find(l.px);
      if (l.qty.is_zero()) {
        REQUIRE(it != side.end()); // removing a level that exists
        side.erase(it);
      } else {
        REQUIRE((it == side.end() || it->second != l.qty)); // only changed levels
        side[l.px] = l.qty;
      }
    }
  }

  void apply(const book_delta& d) {
    REQUIRE(d.prev_seq == seq);
    REQUIRE(d.first_seq == seq + 1);
    REQUIRE(d.seq == d.first_seq);
    REQUIRE(!(d.bids.empty() && d.asks.empty()));
    apply_side(bids, d.bids);
    apply_side(asks, d.asks);
    seq = d.seq;
  }

  void check_valid(const quote_params& q, int32_t levels) const {
    REQUIRE(static_cast<int32_t>(bids.size()) >= levels);
    REQUIRE(static_cast<int32_t>(asks.size()) >= levels);
    REQUIRE(bids.begin()->first < asks.begin()->first); // not crossed
    for (const auto& [p, s] : bids) {
      REQUIRE(p.is_multiple_of(q.tick));
      REQUIRE(s.is_multiple_of(q.lot));
      REQUIRE(s.is_positive());
    }
    for (const auto& [p, s] : asks) {
      REQUIRE(p.is_multiple_of(q.tick));
      REQUIRE(s.is_multiple_of(q.lot));
      REQUIRE(s.is_positive());
    }
  }

  bool equals(const book_snapshot& s) const {
    if (s.seq != seq || s.bids.size() != bids.size() || s.asks.size() != asks.size())
      return false;
    std::size_t k = 0;
    for (const auto& [p, q] : bids)
      if (s.bids[k++] != book_level{p, q})
        return false;
    k = 0;
    for (const auto& [p, q] : asks)
      if (s.asks[k++] != book_level{p, q})
        return false;
    return true;
  }
};

world_config world_without_latency() {
  auto w = default_world_config();
  for (auto& v : w.venues)
    v.latency_ms = 0;
  return w;
}

std::vector<event> run(venue& v, timestamp_ns from, timestamp_ns to, timestamp_ns step) {
  std::vector<event> out;
  for (timestamp_ns t = from; t <= to; t += step)
    v.advance(t, out);
  return out;
}

} // namespace

TEST_CASE("unknown venue names and bad configs are rejected with a clear message") {
  const auto w = default_world_config();
  CHECK_THROWS_WITH_AS(venue(w, "sim-z"),
                       "unknown sim venue 'sim-z' (configured: sim-a, sim-b, sim-c)",
                       std::invalid_argument);
  auto bad = w;
  bad.venues[0].update_hz = 0;
  CHECK_THROWS_AS(venue(bad, "sim-a"), std::invalid_argument);
  venue v{w, "sim-a"};
  CHECK_THROWS_AS(v.snapshot("XRP-PERP"), std::invalid_argument);
  CHECK_THROWS_AS(v.position_of("XRP-PERP"), std::invalid_argument);
}

TEST_CASE("default world: 5 symbols x 3 venues with different rules") {
  const auto w = default_world_config();
  REQUIRE(w.symbols.size() == 5);
  REQUIRE(w.venues.size() == 3);
  std::set<int32_t> latencies, intervals, levels;
  std::set<double> rates;
  bool rebate = false;
  bool multiplier = false;
  for (const auto& vc : w.venues) {
    venue v{w, vc.name};
    CHECK(v.name() == vc.name);
    latencies.insert(vc.latency_ms);
    rates.insert(vc.update_hz);
    levels.insert(vc.levels);
    CHECK(vc.levels >= 20);
    CHECK(vc.update_hz >= 5);
    CHECK(vc.update_hz <= 20);
    REQUIRE(v.instruments().size() == 5);
    for (const auto& spec : v.instruments()) {
      CHECK(spec.venue == vc.name);
      CHECK(spec.tick.is_positive());
      CHECK(spec.lot.is_positive());
      CHECK(spec.min_qty >= spec.lot);
      CHECK(spec.taker_fee > spec.maker_fee);
      intervals.insert(spec.funding_interval_s);
      rebate = rebate || spec.maker_fee.is_negative();
      multiplier = multiplier || spec.multiplier != ratio::from_units(1);
    }
  }
  CHECK(latencies.size() == 3);
  CHECK(rates.size() == 3);
  CHECK(levels.size() == 3);
  CHECK(intervals == std::set<int32_t>{3600, 8 * 3600});
  CHECK(rebate);
  CHECK(multiplier);

  venue a{w, "sim-a"};
  CHECK(a.instruments()[0].native_symbol == "BTCUSDT");
  CHECK(a.instruments()[0].tick == px("0.1"));    // 65000 x 1e-5 = 0.65 -> 0.1
  CHECK(a.instruments()[0].lot == qty("0.001"));
  CHECK(a.instruments()[3].lot == qty("1"));      // DOGE
  CHECK(a.instruments()[4].native_symbol == "1000PEPEUSDT");
  venue b{w, "sim-b"};
  const auto& pepe = b.instruments()[4];
  CHECK(pepe.native_symbol == "PEPE-USDT-SWAP");
  CHECK(pepe.multiplier == rate("0.001"));
  CHECK(pepe.tick == px("0.000000001"));
  CHECK(pepe.lot == qty("10"));
  CHECK(b.quote_rules("PEPE-PERP").tick == px("0.000001")); // canonical
  CHECK(b.quote_rules("PEPE-PERP").lot == qty("0.01"));
  venue c{w, "sim-c"};
  CHECK(c.instruments()[4].native_symbol == "kPEPE");
  CHECK(c.instruments()[0].quote == "USDC");
}

TEST_CASE("same seed and calls give identical streams; another seed does not") {
  const auto w = default_world_config();
  auto other = w;
  other.seed = 7;
  venue a1{w, "sim-b"};
  venue a2{w, "sim-b"};
  venue b{other, "sim-b"};
  auto buy = order("o1", "sim-b", "ETH-PERP", side::buy, order_type::market,
                   time_in_force::ioc, {}, qty("3"));
  std::vector<event> s1, s2, s3;
  for (timestamp_ns t = t0; t <= t0 + 20 * sec; t += 37 * ms) {
    a1.advance(t, s1);
    a2.advance(t, s2);
    b.advance(t, s3);
    if (t >= t0 + 10 * sec && t < t0 + 10 * sec + 37 * ms) {
      a1.submit(buy, t, s1);
      a2.submit(buy, t, s2);
      b.submit(buy, t, s3);
    }
  }
  CHECK(s1.size() > 500);
  CHECK(s1 == s2);
  CHECK(s1 != s3);
  CHECK(a1.position_of("ETH-PERP") == a2.position_of("ETH-PERP"));
  CHECK(a1.position_of("ETH-PERP").qty == qty("3"));
}

TEST_CASE("market data does not depend on how time is sliced") {
  const auto w = default_world_config();
  venue fine{w, "sim-a"};
  venue coarse{w, "sim-a"};
  const auto s1 = run(fine, t0, t0 + 30 * sec, 13 * ms);
  std::vector<event> s2;
  coarse.advance(t0, s2);
  coarse.advance(t0 + (30 * sec / (13 * ms)) * 13 * ms, s2); // fine's last call
  CHECK(s1 == s2);
}

TEST_CASE("every venue regenerates the same fair path; bases differ") {
  const auto w = default_world_config();
  venue a{w, "sim-a"};
  venue c{w, "sim-c"};
  std::vector<event> sink;
  a.advance(t0, sink);
  c.advance(t0, sink);
  for (timestamp_ns t = t0; t <= t0 + 120 * sec; t += 10 * sec) {
    a.advance(t, sink);
    c.advance(t, sink);
    for (const auto& s : w.symbols) {
      CHECK(a.fair_mid(s.symbol) == c.fair_mid(s.symbol));
      if (t > t0)
        CHECK(a.basis_bps(s.symbol) != c.basis_bps(s.symbol));
    }
  }
  CHECK(a.fair_mid("BTC-PERP") != doctest::Approx(65000).epsilon(1e-9)); // it moved
}

TEST_CASE("start_ts anchors the world for venues started at different times") {
  auto w = default_world_config();
  w.start_ts = t0;
  venue early{w, "sim-a"};
  venue late{w, "sim-c"};
  std::vector<event> e1, e2;
  early.advance(t0 - 5 * sec, e1);
  CHECK(e1.empty());
  CHECK_FALSE(early.started());
  early.advance(t0 + 30 * sec, e1);
  late.advance(t0 + 30 * sec, e2);
  CHECK(early.start_time() == t0);
  CHECK(late.start_time() == t0);
  for (const auto& s : w.symbols)
    CHECK(early.fair_mid(s.symbol) == late.fair_mid(s.symbol));
}

TEST_CASE("a venue created long after start_ts joins at now without replaying history") {
  auto w = default_world_config();
  w.start_ts = t0;
  venue early{w, "sim-a"};
  std::vector<event> e1, e2;
  for (timestamp_ns t = t0; t <= t0 + 3600 * sec; t += 10 * sec) {
    e1.clear();
    early.advance(t, e1);
  }
  const timestamp_ns now = t0 + 3600 * sec;
  venue late{w, "sim-a"}; // e.g. a restarted venue session
  late.advance(now, e2);
  CHECK(late.start_time() == t0);
  // Only the opening snapshots (+ funding rates) at `now`, released after the
  // venue's latency: no hour of deltas.
  e2.clear();
  late.advance(now + 10 * ms, e2);
  CHECK(e2.size() <= 10);
  std::size_t snapshots = 0;
  for (const auto& e : e2) {
    CHECK_FALSE(std::holds_alternative<book_delta>(e));
    if (const auto* s = std::get_if<book_snapshot>(&e)) {
      ++snapshots;
      CHECK(s->exchange_ts == now);
    }
  }
  CHECK(snapshots == 5);
  // Same market: the fair price agrees with the venue that ran all along.
  for (const auto& s : w.symbols)
    CHECK(early.fair_mid(s.symbol) == late.fair_mid(s.symbol));
}

TEST_CASE("snapshot + deltas reproduce the book: valid, deep, on tick, changes only") {
  const auto w = world_without_latency();
  for (const char* name : {"sim-a", "sim-b", "sim-c"}) {
    CAPTURE(name);
    venue v{w, name};
    std::map<std::string, local_book> books;
    std::size_t deltas = 0;
    std::vector<event> out;
    for (timestamp_ns t = t0; t <= t0 + 20 * sec; t += 50 * ms) {
      out.clear();
      v.advance(t, out);
      for (const auto& e : out) {
        if (const auto* s = std::get_if<book_snapshot>(&e)) {
          CHECK(s->venue == name);
          books[s->symbol].load(*s);
        } else if (const auto* d = std::get_if<book_delta>(&e)) {
          REQUIRE(books.count(d->symbol) == 1);
          books[d->symbol].apply(*d);
          ++deltas;
        }
      }
      REQUIRE(books.size() == 5);
      for (const auto& [sym, book] : books) {
        book.check_valid(v.quote_rules(sym), v.config().levels);
        REQUIRE(book.equals(v.snapshot(sym)));
      }
    }
    // Roughly update_hz x symbols x seconds deltas (some updates change nothing).
    CHECK(static_cast<double>(deltas) > 0.5 * v.config().update_hz * 5 * 20);
    CHECK(static_cast<double>(deltas) <= v.config().update_hz * 5 * 20 + 5);
  }
}

TEST_CASE("book mids follow fair x (1 + basis)") {
  const auto w = default_world_config();
  venue v{w, "sim-b"};
  std::vector<event> sink;
  for (timestamp_ns t = t0; t <= t0 + 60 * sec; t += sec) {
    v.advance(t, sink);
    for (const auto& s : w.symbols) {
      const auto snap = v.snapshot(s.symbol);
      const double mid = (snap.bids[0].px.to_double() + snap.asks[0].px.to_double()) / 2;
      const double model = v.fair_mid(s.symbol) * (1 + v.basis_bps(s.symbol) / 1e4);
      // Half spread + grid rounding + up to one update of drift.
      CHECK(std::abs(mid / model - 1) * 1e4 < 4.0);
    }
  }
}

TEST_CASE("sequence gaps: lost updates break prev_seq and a snapshot resyncs") {
  auto w = world_without_latency();
  w.venues[0].gap_probability = 0.05;
  venue v{w, "sim-a"};
  std::map<std::string, local_book> books;
  int gaps = 0;
  int in_sync = 0;
  std::vector<event> out;
  for (timestamp_ns t = t0; t <= t0 + 20 * sec; t += 100 * ms) {
    out.clear();
    v.advance(t, out);
    for (const auto& e : out) {
      if (const auto* s = std::get_if<book_snapshot>(&e)) {
        books[s->symbol].load(*s);
      } else if (const auto* d = std::get_if<book_delta>(&e)) {
        auto& b = books[d->symbol];
        if (d->seq <= b.seq)
          continue; // already in the resync snapshot
        if (d->prev_seq != b.seq) {
          CHECK(d->prev_seq > b.seq); // seq numbers were consumed, not reused
          ++gaps;
          b.load(v.snapshot(d->symbol));
          continue;
        }
        b.apply(*d);
      }
    }
    for (const auto& [sym, book] : books) {
      const auto snap = v.snapshot(sym);
      if (book.seq == snap.seq) {
        REQUIRE(book.equals(snap));
        ++in_sync;
      } else {
        REQUIRE(book.seq < snap.seq); // the last update was lost: not detectable yet
      }
    }
  }
  CHECK(in_sync > 800); // of 5 x 201 checks
  CHECK(gaps > 20); // ~5% of ~2000 updates
  CHECK(gaps < 200);
}

TEST_CASE("latency: events are released at exchange time + latency") {
  const auto w = default_world_config();
  venue v{w, "sim-c"};
  const timestamp_ns lat = 60 * ms;
  std::vector<event> out;
  v.advance(t0, out);
  CHECK(out.empty());
  CHECK(v.pending() == 10); // 5 snapshots + 5 funding rates wait on the wire
  v.advance(t0 + lat - 1, out);
  CHECK(out.empty());
  v.advance(t0 + lat, out);
  CHECK(only<book_snapshot>(out).size() == 5);
  CHECK(only<funding_rate>(out).size() == 5);
  for (const auto& s : only<book_snapshot>(out)) {
    CHECK(s.exchange_ts == t0);
    CHECK(s.recv_ts == t0 + lat);
  }
  timestamp_ns prev_now = t0 + lat;
  timestamp_ns last_exchange = t0;
  std::size_t deltas = 0;
  for (timestamp_ns now = prev_now + 7 * ms; now <= t0 + 5 * sec; now += 7 * ms) {
    out.clear();
    v.advance(now, out);
    for (const auto& e : out) {
      timestamp_ns ex = 0;
      if (const auto* d = std::get_if<book_delta>(&e)) {
        ex = d->exchange_ts;
        CHECK(d->recv_ts == ex + lat);
        ++deltas;
      } else if (const auto* f = std::get_if<funding_rate>(&e)) {
        ex = f->ts;
      } else {
        FAIL("unexpected event");
      }
      CHECK(ex + lat <= now);      // not before its time
      CHECK(ex + lat > prev_now);  // and not later than the first chance
      CHECK(ex >= last_exchange);  // in time order
      last_exchange = ex;
    }
    prev_now = now;
  }
  CHECK(deltas > 100); // 5 Hz x 5 symbols x ~5 s
  // The exchange is ahead of what we have seen by exactly the latency.
  CHECK(v.exchange_time() == prev_now);
  CHECK(v.pending() > 0);
}

TEST_CASE("funding: initial rates, changes, settlement and position funding") {
  auto w = default_world_config();
  const timestamp_ns boundary = (t0 / (3600 * sec) + 1) * 3600 * sec;
  w.start_ts = boundary - 90 * sec;
  venue v{w, "sim-c"};
  std::vector<event> out;
  v.advance(w.start_ts, out);                // starts publishing at start_ts
  v.advance(w.start_ts + 60 * ms, out);      // released after the latency
  auto initial = only<funding_rate>(out);
  REQUIRE(initial.size() == 5);
  for (const auto& f : initial) {
    CHECK(f.venue == "sim-c");
    CHECK(f.interval_s == 3600);
    CHECK(f.next_funding_ts == boundary);
    CHECK(f.ts == w.start_ts);
    CHECK(f.rate.abs() <= rate("0.0075"));
  }
  auto buy = order("f1", "sim-c", "BTC-PERP", side::buy, order_type::market,
                   time_in_force::ioc, {}, qty("0.01"));
  v.submit(buy, w.start_ts + sec, out);
  REQUIRE(v.position_of("BTC-PERP").qty == qty("0.01"));
  v.advance(boundary - 1, out);
  const auto before = v.snapshot("BTC-PERP");
  const price mark = price::from_raw((before.bids[0].px.raw() + before.asks[0].px.raw()) / 2);
  CHECK(v.position_of("BTC-PERP").funding.is_zero());
  out.clear();
  v.advance(boundary + sec, out);
  std::vector<funding_rate> at_boundary;
  for (const auto& f : only<funding_rate>(out))
    if (f.ts == boundary && f.next_funding_ts == boundary + 3600 * sec)
      at_boundary.push_back(f);
  REQUIRE(at_boundary.size() == 5);
  const ratio r = at_boundary[0].rate; // BTC-PERP, the rate that was applied
  CHECK(at_boundary[0].symbol == "BTC-PERP");
  const money payment = apply(r, notional(mark, qty("0.01")).value()).value();
  CHECK(v.position_of("BTC-PERP").funding == -payment); // longs pay a positive rate
  CHECK(v.position_of("ETH-PERP").funding.is_zero());

  // Between settlements a message goes out only when the rate changes.
  out.clear();
  v.advance(boundary + 20 * 60 * sec, out);
  std::map<std::string, ratio> last;
  for (const auto& f : at_boundary)
    last[f.symbol] = f.rate;
  std::size_t changes = 0;
  for (const auto& f : only<funding_rate>(out)) {
    CHECK(f.ts % (60 * sec) == w.start_ts % (60 * sec)); // every funding_update_s
    CHECK(f.rate != last[f.symbol]);
    last[f.symbol] = f.rate;
    ++changes;
  }
  CHECK(changes > 20); // 20 refreshes x 5 symbols, basis moves most of them
}

TEST_CASE("funding: a payment per held position, amount as booked, none when flat") {
  auto w = default_world_config();
  const timestamp_ns boundary = (t0 / (3600 * sec) + 1) * 3600 * sec;
  const timestamp_ns lat = 60 * ms; // sim-c
  w.start_ts = boundary - 90 * sec;
  venue v{w, "sim-c"};
  std::vector<event> out;
  v.advance(w.start_ts, out);
  // BTC long, ETH short, SOL opened and closed again (flat), others untouched.
  const auto mkt = [&](std::string id, std::string sym, side sd, std::string_view q) {
    v.submit(order(std::move(id), "sim-c", std::move(sym), sd, order_type::market,
                   time_in_force::ioc, {}, qty(q)),
             w.start_ts + sec, out);
  };
  mkt("p1", "BTC-PERP", side::buy, "0.01");
  mkt("p2", "ETH-PERP", side::sell, "0.5");
  mkt("p3", "SOL-PERP", side::buy, "2");
  mkt("p4", "SOL-PERP", side::sell, "2");
  REQUIRE(v.position_of("SOL-PERP").qty.is_zero());
  v.advance(boundary - 1, out);
  std::map<std::string, price> marks;
  std::map<std::string, money> before;
  for (const char* sym : {"BTC-PERP", "ETH-PERP", "SOL-PERP"}) {
    const auto b = v.snapshot(sym);
    marks[sym] = price::from_raw(std::midpoint(b.bids[0].px.raw(), b.asks[0].px.raw()));
    before[sym] = v.position_of(sym).funding;
  }
  out.clear();
  v.advance(boundary + lat - 1, out); // settled on the exchange, still on the wire
  CHECK(only<funding_payment>(out).empty());
  v.advance(boundary + lat, out);
  const auto pays = only<funding_payment>(out);
  REQUIRE(pays.size() == 2);
  std::map<std::string, ratio> applied;
  for (const auto& f : only<funding_rate>(out))
    if (f.ts == boundary)
      applied[f.symbol] = f.rate;
  bool nonzero = false;
  for (const auto& p : pays) {
    CAPTURE(p.symbol);
    CHECK(p.venue == "sim-c");
    CHECK(p.ts == boundary);
    CHECK(p.mark == marks[p.symbol]);
    CHECK(p.rate == applied.at(p.symbol));
    const auto pos = v.position_of(p.symbol);
    CHECK(p.position == pos.qty);
    CHECK(p.amount == pos.funding - before[p.symbol]); // bit-identical to the booking
    const money expect = apply(p.rate, notional(p.mark, p.position.abs()).value()).value();
    CHECK(p.amount == (p.position.is_positive() ? -expect : expect));
    nonzero = nonzero || !p.amount.is_zero();
  }
  CHECK(pays[0].symbol == "BTC-PERP");
  CHECK(pays[0].position == qty("0.01"));
  CHECK(pays[1].symbol == "ETH-PERP");
  CHECK(pays[1].position == qty("-0.5"));
  CHECK(nonzero);
  CHECK(v.position_of("SOL-PERP").funding.is_zero());
  // Payments travel with the market data: before the rate for the next interval.
  std::size_t first_rate = out.size(), last_pay = 0;
  for (std::size_t k = 0; k < out.size(); ++k) {
    if (std::holds_alternative<funding_payment>(out[k]))
      last_pay = k;
    if (const auto* f = std::get_if<funding_rate>(&out[k]); f && f->ts == boundary)
      first_rate = std::min(first_rate, k);
  }
  CHECK(last_pay < first_rate);
}

TEST_CASE("a taker order through the venue consumes liquidity and publishes it") {
  const auto w = default_world_config();
  venue v{w, "sim-a"};
  std::vector<event> out;
  const timestamp_ns t = t0 + sec;
  v.advance(t, out);
  const auto before = v.snapshot("ETH-PERP");
  const quantity q = before.asks[0].qty + before.asks[1].qty - v.quote_rules("ETH-PERP").lot;
  out.clear();
  v.submit(order("t1", "sim-a", "ETH-PERP", side::buy, order_type::market, time_in_force::ioc,
                 {}, q),
           t, out);
  REQUIRE(out.size() == 3);
  CHECK(std::holds_alternative<order_ack>(out[0]));
  CHECK(as<order_fill>(out[1]).px == before.asks[0].px);
  CHECK(as<order_fill>(out[2]).px == before.asks[1].px);
  CHECK(as<order_fill>(out[2]).ts == t);
  const auto after = v.snapshot("ETH-PERP");
  CHECK(after.seq == before.seq + 1);
  CHECK(after.asks[0] == book_level{before.asks[1].px, v.quote_rules("ETH-PERP").lot});
  // The delta travels with latency (5 ms) and says exactly what was taken.
  out.clear();
  v.advance(t + 5 * ms, out);
  const book_delta* taken = nullptr;
  for (const auto& e : out)
    if (const auto* d = std::get_if<book_delta>(&e); d && d->seq == after.seq)
      taken = d;
  REQUIRE(taken != nullptr);
  CHECK(taken->exchange_ts == t);
  CHECK(taken->bids.empty());
  REQUIRE(taken->asks.size() == 2);
  CHECK(taken->asks[0] == book_level{before.asks[0].px, quantity::zero()});
  CHECK(taken->asks[1] == after.asks[0]);
}

TEST_CASE("a resting post-only order fills as maker (rebate) when the market comes") {
  const auto w = default_world_config();
  venue v{w, "sim-b"};
  std::vector<event> out;
  timestamp_ns t = t0 + sec;
  v.advance(t, out);
  const price bid = v.snapshot("BTC-PERP").bids[0].px;
  out.clear();
  v.submit(order("mk", "sim-b", "BTC-PERP", side::buy, order_type::limit,
                 time_in_force::post_only, bid, qty("0.05")),
           t, out);
  REQUIRE(out.size() == 1);
  REQUIRE(std::holds_alternative<order_ack>(out[0]));
  CHECK(v.open_orders("BTC-PERP").size() == 1);
  std::vector<order_fill> fills;
  while (fills.empty() && t < t0 + 600 * sec) {
    t += 100 * ms;
    out.clear();
    v.advance(t, out);
    fills = only<order_fill>(out);
  }
  REQUIRE(fills.size() == 1);
  const auto& f = fills[0];
  MESSAGE("maker fill after ", (t - t0) / ms, " ms: ", f.qty.to_string(), " @ ", f.px.to_string());
  CHECK(f.client_id == "mk");
  CHECK(f.liq == liquidity::maker);
  CHECK(f.px == bid);
  CHECK(f.fee.is_negative());
  CHECK(f.fee == apply(rate("-0.00005"), notional(bid, f.qty).value()).value());
  CHECK(t - f.ts >= 20 * ms); // came back with the venue's latency
  CHECK(v.position_of("BTC-PERP").qty == f.qty);
  if (f.leaves_qty.is_positive()) {
    out.clear();
    v.cancel(cancel_request{"mk", "sim-b", "BTC-PERP", t}, t, out);
    REQUIRE(out.size() == 1);
    CHECK(as<order_cancelled>(out[0]).cancelled_qty == f.leaves_qty);
  }
}

TEST_CASE("orders are converted to native units with the contract multiplier") {
  const auto w = default_world_config();
  venue v{w, "sim-b"};
  std::vector<event> out;
  v.advance(t0 + sec, out);
  const price ask = v.snapshot("PEPE-PERP").asks[0].px;
  auto o = order("p1", "sim-b", "PEPE-PERP", side::buy, order_type::limit, time_in_force::gtc,
                 px("0.0100005"), qty("1000"));
  out.clear();
  v.submit(o, t0 + sec, out);
  CHECK(as<order_reject>(out.at(0)).code == error_code::bad_tick); // < 1e-9 native
  o.px = ask;
  o.qty = qty("1000.005");   // 1000005 PEPE: not a multiple of 10 PEPE
  out.clear();
  v.submit(o, t0 + sec, out);
  CHECK(as<order_reject>(out.at(0)).code == error_code::bad_lot);
  o.qty = qty("1000.01");
  out.clear();
  v.submit(o, t0 + sec, out);
  CHECK(std::holds_alternative<order_ack>(out.at(0)));
  CHECK(only<order_fill>(out).at(0).px == ask);

  o.client_id = "p2";
  o.venue = "sim-a";
  out.clear();
  v.submit(o, t0 + sec, out);
  CHECK(as<order_reject>(out.at(0)).code == error_code::unknown_venue);
}
