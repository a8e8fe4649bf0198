// Faults of the simulated venue: request rate limit (HTTP 429) and ban
// (HTTP 418), silent book corruption, and a stalled market-data stream.
#include "core/risk/rate_limits.hpp"
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <string>

#include "tests/venues/sim/sim_test_util.hpp"
#include "venues/sim/sim_venue.hpp"

using namespace xarb;
using namespace xarb::sim;
using namespace xarb::sim::test;

namespace {


/// A client book from snapshot + deltas that counts sequence breaks instead
/// of failing on them (what a venue session can see).
struct client_book : book_copy {
  int breaks = 0;

  template <class Map>
  static void apply_side(Map& side, const std::vector<book_level>& levels) {
    for (const auto& l : levels) {
      if (l.qty.is_zero())
        side.erase(l.px);
      else
        side[l.px] = l.qty;
    }
  }

  void apply(const book_delta& d) {
    if (d.prev_seq != seq || d.first_seq != seq + 1)
      ++breaks;
    apply_side(bids, d.bids);
    apply_side(asks, d.asks);
    seq = d.seq;
  }

  bool crossed() const {
    return !bids.empty() && !asks.empty() && bids.begin()->first >= asks.begin()->first;
  }

  bool equals(const book_snapshot& s) const {
    if (s.bids.size() != bids.size() || s.asks.size() != asks.size())
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

/// Feeds market data into per-symbol client books.
void feed(std::map<std::string, client_book>& books, const std::vector<event>& events) {
  for (const auto& e : events) {
    if (const auto* s = std::get_if<book_snapshot>(&e))
      books[s->symbol].load(*s);
    else if (const auto* d = std::get_if<book_delta>(&e))
      books[d->symbol].apply(*d);
  }
}

world_config world_with(const std::function<void(venue_config&)>& change) {
  auto w = default_world_config();
  for (auto& v : w.venues)
    if (v.name == "sim-a")
      change(v);
  return w;
}

/// A valid limit buy resting 5 levels below the touch.
order_intent resting_buy(const venue& v, std::string id) {
  const auto snap = v.snapshot("BTC-PERP");
  order_intent o;
  o.client_id = std::move(id);
  o.venue = v.name();
  o.symbol = "BTC-PERP";
  o.sd = side::buy;
  o.type = order_type::limit;
  o.tif = time_in_force::gtc;
  o.px = snap.bids.at(5).px;
  o.qty = qty("0.01");
  return o;
}

cancel_request cancel_of(const std::string& id) {
  return cancel_request{id, "sim-a", "BTC-PERP", 0};
}

bool is_429(const event& e) {
  const auto* r = std::get_if<order_reject>(&e);
  return r && r->code == error_code::rate_limited && r->reason.rfind("HTTP 429", 0) == 0;
}

bool is_418(const event& e) {
  const auto* r = std::get_if<order_reject>(&e);
  return r && r->code == error_code::rate_limited && r->reason.rfind("HTTP 418", 0) == 0;
}

/// Submits one order at `t` and returns the single answer event.
event submit_one(venue& v, const order_intent& o, timestamp_ns t) {
  std::vector<event> out;
  v.submit(o, t, out);
  REQUIRE(!out.empty());
  return out.front();
}

event cancel_one(venue& v, const std::string& id, timestamp_ns t) {
  std::vector<event> out;
  v.cancel(cancel_of(id), t, out);
  REQUIRE(out.size() == 1);
  return out.front();
}

} // namespace

TEST_CASE("rate limit: exactly per_s requests pass, the next is HTTP 429, refill is exact") {
  auto w = world_with([](venue_config& v) { v.rate_limit_orders_per_s = 5; });
  venue v{w, "sim-a"};
  std::vector<event> out;
  const timestamp_ns t = t0 + sec;
  v.advance(t, out);
  // Submits and cancels share the budget: 3 orders + 2 cancels = 5.
  for (int k = 0; k < 3; ++k)
    CHECK(std::holds_alternative<order_ack>(
      submit_one(v, resting_buy(v, "o" + std::to_string(k)), t)));
  CHECK(std::holds_alternative<order_cancelled>(cancel_one(v, "o0", t)));
  CHECK(std::holds_alternative<order_cancelled>(cancel_one(v, "o1", t)));
  // The sixth request in the same instant: 429, and it did nothing.
  const auto r = submit_one(v, resting_buy(v, "o3"), t);
  REQUIRE(is_429(r));
  CHECK(std::get<order_reject>(r).client_id == "o3");
  CHECK(std::get<order_reject>(r).reason
        == "HTTP 429 too many requests (limit 5/s, burst 5)");
  CHECK(v.open_orders("BTC-PERP").size() == 1);
  // A cancel is refused the same way and the order stays open.
  const auto c = cancel_one(v, "o2", t);
  REQUIRE(is_429(c));
  CHECK(std::get<order_reject>(c).symbol == "BTC-PERP");
  CHECK(v.open_orders("BTC-PERP").size() == 1);
  // One token every 200 ms: 1 ns early is still refused, on time it passes.
  CHECK(is_429(cancel_one(v, "o2", t + 200 * ms - 1)));
  CHECK(std::holds_alternative<order_cancelled>(cancel_one(v, "o2", t + 200 * ms)));
  CHECK(is_429(submit_one(v, resting_buy(v, "o4"), t + 200 * ms)));
  CHECK(v.http_429_sent() == 4);
  CHECK(v.banned_until() == 0); // ban_after_429 = 0: never banned
}

TEST_CASE("rate limit: the burst is the bucket size; off by default") {
  auto w = world_with([](venue_config& v) {
    v.rate_limit_orders_per_s = 2;
    v.rate_limit_burst = 10;
  });
  venue v{w, "sim-a"};
  std::vector<event> out;
  const timestamp_ns t = t0 + sec;
  v.advance(t, out);
  for (int k = 0; k < 10; ++k)
    CHECK(!is_429(cancel_one(v, "x" + std::to_string(k), t))); // unknown_order, but counted
  CHECK(is_429(cancel_one(v, "x10", t)));
  CHECK(is_429(cancel_one(v, "x10", t + 500 * ms - 1)));
  CHECK(!is_429(cancel_one(v, "x10", t + 500 * ms)));

  venue free{default_world_config(), "sim-a"};
  free.advance(t, out);
  for (int k = 0; k < 200; ++k) {
    const auto e = cancel_one(free, "y" + std::to_string(k), t);
    CHECK(std::get<order_reject>(e).code == error_code::unknown_order);
  }
  CHECK(free.http_429_sent() == 0);
}

TEST_CASE("ban: N 429s within 60 s ban the client; everything is 418 until it ends") {
  auto w = world_with([](venue_config& v) {
    v.rate_limit_orders_per_s = 1;
    v.ban_after_429 = 3;
    v.ban_s = 120;
  });
  venue v{w, "sim-a"};
  std::vector<event> out;
  timestamp_ns t = t0 + sec;
  v.advance(t, out);
  // One request per second; a second one in the same instant is a 429.
  // Passing requests in between do not reset the count.
  CHECK(!is_429(cancel_one(v, "a", t)));
  CHECK(is_429(cancel_one(v, "a", t)));
  CHECK(!is_429(cancel_one(v, "a", t + 10 * sec)));
  CHECK(is_429(cancel_one(v, "a", t + 10 * sec)));
  // 429s that fell out of the 60 s window do not count: at t + 60 s the
  // first one (at t) has expired, so this third 429 does not ban.
  CHECK(!is_429(cancel_one(v, "a", t + 60 * sec)));
  CHECK(is_429(cancel_one(v, "a", t + 60 * sec)));
  CHECK(v.banned_until() == 0);
  // The next one within the window bans (t + 10 s, t + 60 s, t + 61 s).
  CHECK(!is_429(cancel_one(v, "a", t + 61 * sec)));
  const auto ban = cancel_one(v, "a", t + 61 * sec);
  REQUIRE(is_429(ban));
  const timestamp_ns until = t + 61 * sec + 120 * sec;
  CHECK(v.banned_until() == until);
  CHECK(std::get<order_reject>(ban).reason.find("banned until " + std::to_string(until))
        != std::string::npos);
  // Banned: submits and cancels are 418 although tokens are back.
  const auto o = submit_one(v, resting_buy(v, "b"), t + 100 * sec);
  REQUIRE(is_418(o));
  CHECK(std::get<order_reject>(o).reason.rfind("HTTP 418 banned until " + std::to_string(until), 0)
        == 0);
  CHECK(is_418(cancel_one(v, "a", until - 1)));
  CHECK(v.open_orders("BTC-PERP").empty());
  // The ban ends on time and the budget is full again.
  CHECK(std::holds_alternative<order_ack>(submit_one(v, resting_buy(v, "c"), until)));
  CHECK(v.open_orders("BTC-PERP").size() == 1);
}

TEST_CASE("corruption: invisible to sequences, visible against the REST snapshot") {
  auto w = world_with([](venue_config& v) { v.latency_ms = 0; });
  venue v{w, "sim-a"};
  std::map<std::string, client_book> books;
  std::vector<event> out;
  v.advance(t0, out);
  feed(books, out);
  std::map<std::string, int> mismatches;
  int matches = 0;
  for (timestamp_ns t = t0 + 10 * ms; t <= t0 + 5 * sec; t += 10 * ms) {
    if (t == t0 + sec)
      v.corrupt_next("BTC-PERP");
    out.clear();
    v.advance(t, out);
    feed(books, out);
    for (const auto& [sym, book] : books) {
      const auto snap = v.snapshot(sym); // latency 0: always at the same seq
      REQUIRE(book.seq == snap.seq);
      if (book.equals(snap))
        ++matches;
      else
        ++mismatches[sym];
    }
  }
  CHECK(v.corrupted() == 1);
  REQUIRE(mismatches.size() == 1);
  CHECK(mismatches.count("BTC-PERP") == 1);
  CHECK(matches > 2000);
  for (const auto& [sym, book] : books) {
    CHECK(book.breaks == 0); // the sequence never tells
    CHECK(!book.crossed());
  }
  // The same calls give the same corruption (the venue's own PRNG).
  std::vector<event> a;
  std::vector<event> b;
  auto ws = w;
  ws.venues[0].corrupt_probability = 0.3;
  venue p1{ws, "sim-a"};
  venue p2{ws, "sim-a"};
  for (timestamp_ns t = t0; t <= t0 + 3 * sec; t += 50 * ms) {
    p1.advance(t, a);
    p2.advance(t, b);
  }
  CHECK(a == b);
  CHECK(p1.corrupted() > 10);
  CHECK(p1.corrupted() == p2.corrupted());
}

TEST_CASE("corruption with probability 1: every delta is off, the exchange book is not") {
  auto w = world_with([](venue_config& v) {
    v.latency_ms = 0;
    v.corrupt_probability = 1;
  });
  venue v{w, "sim-a"};
  venue clean{world_with([](venue_config& c) { c.latency_ms = 0; }), "sim-a"};
  std::vector<event> out;
  std::vector<event> clean_out;
  std::map<std::string, client_book> books;
  for (timestamp_ns t = t0; t <= t0 + 2 * sec; t += 100 * ms) {
    out.clear();
    v.advance(t, out);
    clean.advance(t, clean_out);
    feed(books, out);
  }
  CHECK(v.corrupted() > 20);
  // REST is untouched: the exchange's book is the one without faults.
  for (const auto& spec : v.instruments()) {
    const auto snap = v.snapshot(spec.symbol);
    const auto ref = clean.snapshot(spec.symbol);
    CHECK(snap.seq == ref.seq);
    CHECK(snap.bids == ref.bids);
    CHECK(snap.asks == ref.asks);
    CHECK(books[spec.symbol].seq == snap.seq);
    CHECK(books[spec.symbol].breaks == 0);
    CHECK(!books[spec.symbol].equals(snap));
  }
}

TEST_CASE("stall: no market data while stalled, the exchange runs on, then the backlog") {
  const auto w = default_world_config();
  venue v{w, "sim-b"};   // 20 ms latency
  venue ref{w, "sim-b"}; // the same calls, never stalled
  std::map<std::string, client_book> books;
  std::vector<event> all;
  std::vector<event> ref_all;
  std::vector<event> out;
  v.advance(t0 + sec, out);
  ref.advance(t0 + sec, ref_all);
  feed(books, out);
  all = out;
  const auto before = v.snapshot("ETH-PERP");
  v.set_stalled(true);
  CHECK(v.stalled());
  for (timestamp_ns t = t0 + sec + 10 * ms; t <= t0 + 3 * sec; t += 10 * ms) {
    out.clear();
    v.advance(t, out);
    ref.advance(t, ref_all);
    CHECK(out.empty());
  }
  // The exchange kept going: REST shows the current book, frames wait.
  CHECK(v.exchange_time() == t0 + 3 * sec);
  CHECK(v.snapshot("ETH-PERP").seq > before.seq + 10);
  CHECK(v.pending() > 50);
  CHECK(books["ETH-PERP"].seq <= before.seq);
  // Orders still work over REST while the stream is stalled.
  order_intent o;
  o.client_id = "s1";
  o.venue = "sim-b";
  o.symbol = "ETH-PERP";
  o.type = order_type::market;
  o.tif = time_in_force::ioc;
  o.qty = qty("0.1");
  out.clear();
  v.submit(o, t0 + 3 * sec, out);
  REQUIRE(!out.empty());
  CHECK(std::holds_alternative<order_ack>(out.front()));
  std::vector<event> ref_orders;
  ref.submit(o, t0 + 3 * sec, ref_orders);
  CHECK(out == ref_orders);
  // Unstalled: the backlog is released in order, nothing lost: the client
  // sees exactly what it would have seen without the stall, only later.
  v.set_stalled(false);
  CHECK(!v.stalled());
  out.clear();
  v.advance(t0 + 3 * sec + 20 * ms, out);
  ref.advance(t0 + 3 * sec + 20 * ms, ref_all);
  CHECK(out.size() > 50);
  feed(books, out);
  all.insert(all.end(), out.begin(), out.end());
  CHECK(all == ref_all);
  for (const auto& spec : v.instruments()) {
    CHECK(books[spec.symbol].breaks == 0);
    const auto snap = v.snapshot(spec.symbol);
    if (books[spec.symbol].seq == snap.seq)
      CHECK(books[spec.symbol].equals(snap));
  }
}

// Issue 4, point 3: the shared limiter's back-off escalates to a stop
// before the venue's ban. A client configured above the venue's real limit
// (40 requests/s against 10/s) hammers it for ten minutes; the venue bans
// after 4 x 429 within 60 s, the limiter stops after 3.
TEST_CASE("the limiter's 429 back-off stops the key before the venue bans it") {
  auto w = world_with([](venue_config& v) {
    v.rate_limit_orders_per_s = 10;
    v.ban_after_429 = 4;
    v.ban_s = 120;
  });
  risk::rate_limit_config rl;
  rl.cancels_per_s = 40;
  rl.cancels_burst = 40;
  rl.weight_per_min = 1'000'000;
  rl.weight_burst = 1'000'000;
  auto run = [&](bool with_limiter) {
    venue v{w, "sim-a"};
    risk::venue_rate_limiter limiter{"sim-a", "k", rl, t0};
    std::vector<event> out;
    v.advance(t0 + sec, out);
    struct result {
      uint64_t sent = 0, http_429 = 0, http_418 = 0, answered = 0;
      bool stopped_seen = false;
      timestamp_ns banned_at = 0;
    } r;
    for (timestamp_ns t = t0 + sec; t < t0 + 601 * sec; t += 5 * ms) {
      if (with_limiter) {
        if (!limiter.acquire(risk::endpoint::cancel, t))
          continue;
        r.stopped_seen = r.stopped_seen || limiter.snapshot(t).stopped;
      }
      ++r.sent;
      const auto e = cancel_one(v, "x", t);
      if (is_429(e)) {
        ++r.http_429;
        limiter.on_http_429(t);
        r.stopped_seen = r.stopped_seen || limiter.snapshot(t).stopped;
      } else if (is_418(e)) {
        ++r.http_418;
      } else {
        ++r.answered;
      }
      if (r.banned_at == 0 && v.banned_until() != 0)
        r.banned_at = t;
    }
    return r;
  };
  const auto naive = run(false);
  MESSAGE("without the limiter: " << naive.sent << " sent, " << naive.http_429 << " x 429, "
                                  << naive.http_418 << " x 418, banned after "
                                  << (naive.banned_at - t0) / ms << " ms");
  CHECK(naive.banned_at != 0); // the setup does provoke a ban
  CHECK(naive.http_418 > 0);
  const auto guarded = run(true);
  MESSAGE("with the limiter: " << guarded.sent << " sent, " << guarded.answered << " answered, "
                               << guarded.http_429 << " x 429, " << guarded.http_418
                               << " x 418");
  CHECK(guarded.banned_at == 0);
  CHECK(guarded.http_418 == 0);
  CHECK(guarded.http_429 >= 3);   // it did hit the venue's limit ...
  CHECK(guarded.stopped_seen);    // ... and the ban guard stopped the key
  // The stop ends: after 300 s the key sends again (a second cycle of 429s,
  // still no ban: the first three are out of the venue's 60 s window).
  CHECK(guarded.http_429 >= 6);
  CHECK(guarded.answered >= 40);
}
