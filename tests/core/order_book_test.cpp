#include "core/order_book.hpp"

#include <doctest/doctest.h>

#include <map>
#include <random>

using namespace xarb;

namespace {

price px(const char* s) { return price::from_string(s).value(); }
quantity qt(const char* s) { return quantity::from_string(s).value(); }
book_level lvl(const char* p, const char* q) { return {px(p), qt(q)}; }

book_snapshot snap(uint64_t seq, std::vector<book_level> bids,
                   std::vector<book_level> asks, timestamp_ns ts = 1000) {
  book_snapshot s;
  s.venue = "sim-a";
  s.symbol = "BTC-PERP";
  s.seq = seq;
  s.exchange_ts = ts;
  s.bids = std::move(bids);
  s.asks = std::move(asks);
  return s;
}

book_snapshot standard_snapshot() {
  return snap(100,
              {lvl("100.0", "1"), lvl("99.5", "2"), lvl("99.0", "3")},
              {lvl("100.5", "1.5"), lvl("101.0", "2.5"), lvl("102.0", "4")});
}

book_delta delta(uint64_t first, uint64_t seq, uint64_t prev,
                 std::vector<book_level> bids = {},
                 std::vector<book_level> asks = {}, timestamp_ns ts = 2000) {
  book_delta d;
  d.first_seq = first;
  d.seq = seq;
  d.prev_seq = prev;
  d.exchange_ts = ts;
  d.bids = std::move(bids);
  d.asks = std::move(asks);
  return d;
}

} // namespace

TEST_CASE("a new book is empty and not synced") {
  order_book b;
  CHECK_FALSE(b.synced());
  CHECK(b.seq() == 0);
  CHECK_FALSE(b.best_bid());
  CHECK_FALSE(b.best_ask());
  CHECK(b.levels(book_side::bid) == 0);
  CHECK(b.level(book_side::ask, 0) == book_level{});
  CHECK(b.apply(delta(0, 1, 0)) == error_code::book_not_synced);
}

TEST_CASE("snapshot apply and best levels") {
  order_book b;
  REQUIRE(b.apply(standard_snapshot()) == error_code::none);
  CHECK(b.synced());
  CHECK(b.seq() == 100);
  CHECK(b.last_update() == 1000);
  CHECK(*b.best_bid() == lvl("100.0", "1"));
  CHECK(*b.best_ask() == lvl("100.5", "1.5"));
  CHECK(b.levels(book_side::bid) == 3);
  CHECK(b.levels(book_side::ask) == 3);
  CHECK(b.level(book_side::bid, 2) == lvl("99.0", "3"));
  CHECK(b.level(book_side::ask, 1) == lvl("101.0", "2.5"));
  CHECK(b.level(book_side::ask, 3) == book_level{});
}

TEST_CASE("snapshot validation") {
  order_book b;
  SUBCASE("bids not descending") {
    CHECK(b.apply(snap(1, {lvl("99", "1"), lvl("100", "1")}, {lvl("101", "1")}))
          == error_code::parse_error);
  }
  SUBCASE("asks not ascending") {
    CHECK(b.apply(snap(1, {lvl("99", "1")}, {lvl("102", "1"), lvl("101", "1")}))
          == error_code::parse_error);
  }
  SUBCASE("duplicate price") {
    CHECK(b.apply(snap(1, {lvl("99", "1"), lvl("99", "2")}, {lvl("101", "1")}))
          == error_code::parse_error);
  }
  SUBCASE("zero quantity") {
    CHECK(b.apply(snap(1, {lvl("99", "0")}, {lvl("101", "1")}))
          == error_code::parse_error);
  }
  SUBCASE("negative quantity") {
    CHECK(b.apply(snap(1, {lvl("99", "1")}, {lvl("101", "-1")}))
          == error_code::parse_error);
  }
  SUBCASE("non-positive price") {
    CHECK(b.apply(snap(1, {lvl("0", "1")}, {lvl("101", "1")}))
          == error_code::parse_error);
  }
  SUBCASE("crossed") {
    CHECK(b.apply(snap(1, {lvl("101", "1")}, {lvl("100", "1")}))
          == error_code::crossed_book);
  }
  SUBCASE("locked (bid == ask) counts as crossed") {
    CHECK(b.apply(snap(1, {lvl("100", "1")}, {lvl("100", "1")}))
          == error_code::crossed_book);
  }
  CHECK_FALSE(b.synced());
  CHECK(b.levels(book_side::bid) == 0);
  CHECK(b.levels(book_side::ask) == 0);
}

TEST_CASE("a bad snapshot unsyncs and empties a synced book") {
  order_book b;
  REQUIRE(b.apply(standard_snapshot()) == error_code::none);
  CHECK(b.apply(snap(200, {lvl("100", "1")}, {lvl("99", "1")})) == error_code::crossed_book);
  CHECK_FALSE(b.synced());
  CHECK_FALSE(b.best_bid());
  CHECK(b.seq() == 0);
}

TEST_CASE("one-sided and empty snapshots are valid") {
  order_book b;
  CHECK(b.apply(snap(5, {}, {lvl("10", "1")})) == error_code::none);
  CHECK(b.synced());
  CHECK_FALSE(b.best_bid());
  CHECK(b.best_ask()->px == px("10"));
  CHECK(b.apply(snap(6, {}, {})) == error_code::none);
  CHECK(b.synced());
}

TEST_CASE("a snapshot replaces previous content") {
  order_book b;
  REQUIRE(b.apply(standard_snapshot()) == error_code::none);
  REQUIRE(b.apply(snap(7, {lvl("50", "1")}, {lvl("51", "2")}, 77)) == error_code::none);
  CHECK(b.seq() == 7);
  CHECK(b.last_update() == 77);
  CHECK(b.levels(book_side::bid) == 1);
  CHECK(*b.best_ask() == lvl("51", "2"));
}

TEST_CASE("delta apply: modify, insert, delete") {
  order_book b;
  REQUIRE(b.apply(standard_snapshot()) == error_code::none);
  auto d = delta(0, 101, 0,
                 {lvl("100.0", "5"), lvl("99.5", "0"), lvl("99.75", "1"), lvl("98", "7")},
                 {lvl("100.25", "0.5"), lvl("102.0", "0"), lvl("105", "0")});
  REQUIRE(b.apply(d) == error_code::none);
  CHECK(b.seq() == 101);
  CHECK(b.last_update() == 2000);
  CHECK(b.synced());
  REQUIRE(b.levels(book_side::bid) == 4);
  CHECK(b.level(book_side::bid, 0) == lvl("100.0", "5"));
  CHECK(b.level(book_side::bid, 1) == lvl("99.75", "1"));
  CHECK(b.level(book_side::bid, 2) == lvl("99.0", "3"));
  CHECK(b.level(book_side::bid, 3) == lvl("98", "7"));
  REQUIRE(b.levels(book_side::ask) == 3);
  CHECK(b.level(book_side::ask, 0) == lvl("100.25", "0.5"));
  CHECK(b.level(book_side::ask, 1) == lvl("100.5", "1.5"));
  CHECK(b.level(book_side::ask, 2) == lvl("101.0", "2.5"));
}

TEST_CASE("stale deltas are ignored") {
  order_book b;
  REQUIRE(b.apply(standard_snapshot()) == error_code::none);
  CHECK(b.apply(delta(0, 100, 0, {lvl("100.0", "9")})) == error_code::none);
  CHECK(b.apply(delta(90, 95, 89, {lvl("100.0", "9")})) == error_code::none);
  CHECK(b.best_bid()->qty == qt("1"));
  CHECK(b.seq() == 100);
  CHECK(b.last_update() == 1000);
  CHECK(b.synced());
}

TEST_CASE("gap detection by prev_seq") {
  order_book b;
  REQUIRE(b.apply(standard_snapshot()) == error_code::none);
  SUBCASE("matching prev_seq applies, even when first_seq says otherwise") {
    CHECK(b.apply(delta(0, 105, 100, {lvl("100", "2")})) == error_code::none);
    CHECK(b.seq() == 105);
    CHECK(b.apply(delta(50, 110, 105)) == error_code::none);
    CHECK(b.seq() == 110);
  }
  SUBCASE("prev_seq ahead of the book is a gap") {
    CHECK(b.apply(delta(0, 105, 101, {lvl("100", "2")})) == error_code::sequence_gap);
    CHECK_FALSE(b.synced());
    CHECK(b.best_bid()->qty == qt("1")); // nothing applied
    CHECK(b.apply(delta(0, 106, 105)) == error_code::book_not_synced);
  }
  SUBCASE("prev_seq behind the book (but seq new) is a gap") {
    CHECK(b.apply(delta(0, 105, 99)) == error_code::sequence_gap);
    CHECK_FALSE(b.synced());
  }
}

TEST_CASE("gap detection by first_seq (Binance U/u)") {
  order_book b;
  REQUIRE(b.apply(standard_snapshot()) == error_code::none);
  SUBCASE("first_seq == seq + 1 is contiguous") {
    CHECK(b.apply(delta(101, 120, 0)) == error_code::none);
    CHECK(b.seq() == 120);
  }
  SUBCASE("overlap with the snapshot is allowed") {
    CHECK(b.apply(delta(90, 101, 0, {lvl("100", "3")})) == error_code::none);
    CHECK(b.best_bid()->qty == qt("3"));
    CHECK(b.seq() == 101);
  }
  SUBCASE("first_seq beyond seq + 1 is a gap") {
    CHECK(b.apply(delta(102, 120, 0)) == error_code::sequence_gap);
    CHECK_FALSE(b.synced());
  }
}

TEST_CASE("gap detection with neither first_seq nor prev_seq") {
  order_book b;
  REQUIRE(b.apply(standard_snapshot()) == error_code::none);
  CHECK(b.apply(delta(0, 101, 0)) == error_code::none);
  CHECK(b.apply(delta(0, 102, 0)) == error_code::none);
  CHECK(b.apply(delta(0, 104, 0)) == error_code::sequence_gap);
  CHECK_FALSE(b.synced());
  // A fresh snapshot resyncs.
  REQUIRE(b.apply(snap(200, {lvl("1", "1")}, {lvl("2", "1")})) == error_code::none);
  CHECK(b.apply(delta(0, 201, 0)) == error_code::none);
}

TEST_CASE("crossed book after a delta") {
  order_book b;
  REQUIRE(b.apply(standard_snapshot()) == error_code::none);
  CHECK(b.apply(delta(0, 101, 0, {lvl("100.5", "1")})) == error_code::crossed_book);
  CHECK_FALSE(b.synced());
  CHECK(b.seq() == 101);
  CHECK(b.apply(delta(0, 102, 0)) == error_code::book_not_synced);
}

TEST_CASE("a delta removing the crossing ask is fine") {
  order_book b;
  REQUIRE(b.apply(standard_snapshot()) == error_code::none);
  CHECK(b.apply(delta(0, 101, 0, {lvl("100.5", "1")}, {lvl("100.5", "0")}))
        == error_code::none);
  CHECK(b.best_bid()->px == px("100.5"));
  CHECK(b.best_ask()->px == px("101.0"));
}

TEST_CASE("malformed delta levels unsync the book") {
  order_book b;
  REQUIRE(b.apply(standard_snapshot()) == error_code::none);
  SUBCASE("negative qty") {
    CHECK(b.apply(delta(0, 101, 0, {lvl("99", "-1")})) == error_code::parse_error);
  }
  SUBCASE("zero price") {
    CHECK(b.apply(delta(0, 101, 0, {}, {lvl("0", "1")})) == error_code::parse_error);
  }
  CHECK_FALSE(b.synced());
  CHECK(b.levels(book_side::bid) == 3);
}

TEST_CASE("deleting an absent level is a no-op") {
  order_book b;
  REQUIRE(b.apply(standard_snapshot()) == error_code::none);
  CHECK(b.apply(delta(0, 101, 0, {lvl("42", "0")}, {lvl("420", "0")})) == error_code::none);
  CHECK(b.levels(book_side::bid) == 3);
  CHECK(b.levels(book_side::ask) == 3);
}

TEST_CASE("clear unsyncs") {
  order_book b;
  REQUIRE(b.apply(standard_snapshot()) == error_code::none);
  b.clear();
  CHECK_FALSE(b.synced());
  CHECK(b.seq() == 0);
  CHECK(b.last_update() == 0);
  CHECK(b.levels(book_side::bid) == 0);
  CHECK(b.apply(delta(0, 1, 0)) == error_code::book_not_synced);
}

TEST_CASE("set_level reports best-level changes") {
  order_book b;
  CHECK(b.set_level(book_side::bid, px("100"), qt("1")));    // first level
  CHECK(b.set_level(book_side::bid, px("101"), qt("1")));    // new best
  CHECK_FALSE(b.set_level(book_side::bid, px("99"), qt("1"))); // below best
  CHECK(b.set_level(book_side::bid, px("101"), qt("2")));    // best qty
  CHECK_FALSE(b.set_level(book_side::bid, px("101"), qt("2"))); // unchanged
  CHECK_FALSE(b.set_level(book_side::bid, px("100"), qt("0"))); // non-best removed
  CHECK_FALSE(b.set_level(book_side::bid, px("98"), qt("0")));  // absent removed
  CHECK_FALSE(b.set_level(book_side::bid, px("99"), qt("-1"))); // ignored
  CHECK(b.levels(book_side::bid) == 2);
  CHECK(b.set_level(book_side::bid, px("101"), qt("0")));    // best removed
  CHECK(b.best_bid()->px == px("99"));
  CHECK(b.set_level(book_side::ask, px("105"), qt("1")));
  CHECK(b.set_level(book_side::ask, px("104"), qt("1")));
  CHECK_FALSE(b.set_level(book_side::ask, px("106"), qt("1")));
  CHECK(b.best_ask()->px == px("104"));
  CHECK(b.level(book_side::ask, 2).px == px("106"));
  CHECK_FALSE(b.synced()); // raw updates never sync a book
}

TEST_CASE("set_level matches a reference map on random deep books") {
  // Exercises both the linear scan near the top and the binary search below.
  std::mt19937_64 rng{7};
  order_book b;
  std::map<int64_t, int64_t, std::greater<>> bids; // best first
  std::map<int64_t, int64_t> asks;
  for (int i = 0; i < 20000; ++i) {
    const bool bid = (rng() & 1) != 0;
    const int64_t depth = static_cast<int64_t>(rng() % 200);
    const int64_t p = bid ? 10000 - depth : 10001 + depth;
    const int64_t q = (rng() % 10 < 3) ? 0 : static_cast<int64_t>(rng() % 1000 + 1);
    b.set_level(bid ? book_side::bid : book_side::ask, price::from_raw(p),
                quantity::from_raw(q));
    if (bid) {
      if (q == 0) bids.erase(p); else bids[p] = q;
    } else {
      if (q == 0) asks.erase(p); else asks[p] = q;
    }
  }
  REQUIRE(b.levels(book_side::bid) == bids.size());
  REQUIRE(b.levels(book_side::ask) == asks.size());
  std::size_t i = 0;
  for (auto [p, q] : bids) {
    CHECK(b.level(book_side::bid, i) == book_level{price::from_raw(p), quantity::from_raw(q)});
    ++i;
  }
  i = 0;
  for (auto [p, q] : asks) {
    CHECK(b.level(book_side::ask, i) == book_level{price::from_raw(p), quantity::from_raw(q)});
    ++i;
  }
}

TEST_CASE("estimate: VWAP, worst and notional") {
  order_book b;
  REQUIRE(b.apply(standard_snapshot()) == error_code::none);
  SUBCASE("within the best level") {
    auto e = b.estimate(side::buy, qt("1"));
    CHECK(e.complete);
    CHECK(e.filled == qt("1"));
    CHECK(e.vwap == px("100.5"));
    CHECK(e.worst == px("100.5"));
    CHECK(e.notional == money::from_string("100.5").value());
  }
  SUBCASE("across levels, exact") {
    // 1.5 @ 100.5 + 2.5 @ 101 = 150.75 + 252.5 = 403.25 for 4 -> 100.8125
    auto e = b.estimate(side::buy, qt("4"));
    CHECK(e.complete);
    CHECK(e.filled == qt("4"));
    CHECK(e.vwap == px("100.8125"));
    CHECK(e.worst == px("101.0"));
    CHECK(e.notional == money::from_string("403.25").value());
  }
  SUBCASE("VWAP rounds to the nearest nano") {
    // sell 2: 1 @ 100 + 1 @ 99.5 -> 99.75 exactly; sell 2.5: 100 + 1.5*99.5
    // = 249.25 / 2.5 = 99.7; sell 3.1: 100 + 2*99.5 + 0.1*99 = 308.9 / 3.1
    // = 99.645161290322... -> 99.645161290
    CHECK(b.estimate(side::sell, qt("2")).vwap == px("99.75"));
    CHECK(b.estimate(side::sell, qt("2.5")).vwap == px("99.7"));
    auto e = b.estimate(side::sell, qt("3.1"));
    CHECK(e.vwap == px("99.645161290"));
    CHECK(e.worst == px("99.0"));
    CHECK(e.notional == money::from_string("308.9").value());
    // 1/3 rounding: buy 3 @ asks: 1.5*100.5 + 1.5*101 = 302.25 / 3 = 100.75
    CHECK(b.estimate(side::buy, qt("3")).vwap == px("100.75"));
  }
  SUBCASE("partial fill when the side is too thin") {
    auto e = b.estimate(side::sell, qt("10"));
    CHECK_FALSE(e.complete);
    CHECK(e.filled == qt("6"));
    CHECK(e.worst == px("99.0"));
    // 100 + 2*99.5 + 3*99 = 596 / 6 = 99.3333333333 -> 99.333333333
    CHECK(e.notional == money::from_string("596").value());
    CHECK(e.vwap == px("99.333333333"));
  }
  SUBCASE("zero, negative and empty") {
    auto e = b.estimate(side::buy, qt("0"));
    CHECK_FALSE(e.complete);
    CHECK(e.filled == qt("0"));
    CHECK(e.vwap == price::zero());
    CHECK_FALSE(b.estimate(side::buy, qt("-1")).complete);
    order_book empty;
    auto z = empty.estimate(side::sell, qt("1"));
    CHECK_FALSE(z.complete);
    CHECK(z.filled.is_zero());
    CHECK(z.notional.is_zero());
  }
}

TEST_CASE("estimate: VWAP of a 2/3 split rounds half away from zero") {
  order_book b;
  REQUIRE(b.apply(snap(1, {}, {lvl("0.000000001", "1"), lvl("0.000000002", "1")}))
          == error_code::none);
  // (1 + 2) nanos * 1 / 2 = 1.5 nanos -> 2 nanos
  CHECK(b.estimate(side::buy, qt("2")).vwap == price::from_raw(2));
  // notional: 3e-9 * 1 = 3 nanos
  CHECK(b.estimate(side::buy, qt("2")).notional == money::from_raw(3));
}

TEST_CASE("depth_within") {
  order_book b;
  REQUIRE(b.apply(standard_snapshot()) == error_code::none);
  CHECK(b.depth_within(book_side::bid, px("0")) == qt("1"));
  CHECK(b.depth_within(book_side::bid, px("0.5")) == qt("3"));      // inclusive
  CHECK(b.depth_within(book_side::bid, px("0.49")) == qt("1"));
  CHECK(b.depth_within(book_side::bid, px("100")) == qt("6"));
  CHECK(b.depth_within(book_side::ask, px("0.5")) == qt("4"));
  CHECK(b.depth_within(book_side::ask, px("1.5")) == qt("8"));
  CHECK(b.depth_within(book_side::ask, px("-1")) == qt("0"));
  order_book empty;
  CHECK(empty.depth_within(book_side::ask, px("1")) == qt("0"));
}

TEST_CASE("to_snapshot with truncation") {
  order_book b;
  REQUIRE(b.apply(standard_snapshot()) == error_code::none);
  REQUIRE(b.apply(delta(0, 101, 0, {}, {}, 4242)) == error_code::none);
  book_snapshot out;
  out.venue = "keep";
  out.bids = {lvl("1", "1"), lvl("1", "1"), lvl("1", "1"), lvl("1", "1")};
  b.to_snapshot(out, 2);
  CHECK(out.venue == "keep");
  CHECK(out.seq == 101);
  CHECK(out.exchange_ts == 4242);
  CHECK(out.bids == std::vector<book_level>{lvl("100.0", "1"), lvl("99.5", "2")});
  CHECK(out.asks == std::vector<book_level>{lvl("100.5", "1.5"), lvl("101.0", "2.5")});
  b.to_snapshot(out, 100);
  CHECK(out.bids.size() == 3);
  CHECK(out.asks.size() == 3);
  // Round trip: a full snapshot applied to another book reproduces it.
  order_book c;
  REQUIRE(c.apply(out) == error_code::none);
  CHECK(c.seq() == 101);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(c.level(book_side::bid, i) == b.level(book_side::bid, i));
    CHECK(c.level(book_side::ask, i) == b.level(book_side::ask, i));
  }
  b.to_snapshot(out, 0);
  CHECK(out.bids.empty());
  CHECK(out.asks.empty());
}
