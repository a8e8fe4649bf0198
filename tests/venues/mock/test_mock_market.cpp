// mock_market: listing through the protocol's names, native conversion,
// determinism, book() consistent with the deltas, tops and marks; and the
// REST target parser.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/order_book.hpp"
#include "tests/venues/mock/test_protocol.hpp"
#include "venues/mock/mock_market.hpp"
#include "venues/mock/rest_target.hpp"
#include "venues/sim/sim_venue.hpp"

using namespace xarb;
using namespace xarb::mock;

namespace {

constexpr timestamp_ns t0 = 1'750'000'000'000'000'000; // some epoch time (ns)
constexpr timestamp_ns step = 50'000'000;              // 50 ms

template <class T>
T dec(std::string_view s) {
  return *T::from_string(s);
}

std::vector<market_change> run(mock_market& m, int steps, timestamp_ns from = t0) {
  std::vector<market_change> out;
  for (int k = 0; k <= steps; ++k)
    m.advance(from + k * step, out);
  return out;
}

std::size_t count_deltas(const std::vector<market_change>& v) {
  return static_cast<std::size_t>(std::count_if(v.begin(), v.end(), [](const market_change& c) {
    return std::holds_alternative<book_delta>(c);
  }));
}

// The default world with BTC on sim-a as a 0.01-BTC contract.
market_config contract_world() {
  market_config cfg;
  for (auto& v : cfg.world.venues)
    if (v.name == "sim-a")
      v.contracts.push_back({"BTC-PERP", "", dec<ratio>("0.01")});
  return cfg;
}

} // namespace

TEST_CASE("listing: protocol names, units and the simulator's rules, in listing order") {
  test::test_protocol proto;
  mock_market m{proto, {}};
  const auto& ins = m.instruments();
  REQUIRE(ins.size() == 5);
  const std::vector<std::string> names = {"BTCUSDT", "ETHUSDT", "SOLUSDT", "DOGEUSDT",
                                          "1000PEPEUSDT"};
  const auto& sim_specs = m.simulator().instruments();
  for (std::size_t i = 0; i < ins.size(); ++i) {
    CAPTURE(i);
    CHECK(ins[i].spec.native_symbol == names[i]);
    CHECK(ins[i].index == i);
    CHECK(ins[i].spec.venue == "testx");
    CHECK(ins[i].spec.symbol == sim_specs[i].symbol);
    CHECK(ins[i].spec.tick == sim_specs[i].tick);
    CHECK(ins[i].spec.lot == sim_specs[i].lot);
    CHECK(ins[i].spec.min_qty == sim_specs[i].min_qty);
    CHECK(ins[i].spec.min_notional == sim_specs[i].min_notional);
    CHECK(ins[i].spec.maker_fee == dec<ratio>("0.0002"));
    CHECK(ins[i].spec.taker_fee == dec<ratio>("0.0005"));
    CHECK(ins[i].spec.max_leverage == 20);
    CHECK(ins[i].spec.funding_interval_s == 8 * 3600);
    CHECK(m.find(names[i]) == &ins[i]);
  }
  CHECK(ins[0].spec.tick == dec<price>("0.1")); // 65000 x 1e-5 rounded down to 10^k
  CHECK(*m.unit_of("1000PEPEUSDT") == ratio::from_units(1000));
  CHECK(*m.unit_of("BTCUSDT") == ratio::from_units(1));
  CHECK(m.find("BTC-PERP") == nullptr);
  CHECK(m.find("XYZUSDT") == nullptr);
  CHECK_FALSE(m.unit_of("XYZUSDT"));
  CHECK_FALSE(m.mark("BTCUSDT")); // not started
  CHECK_THROWS_AS(m.book("XYZUSDT", 5), std::invalid_argument);
}

TEST_CASE("listing: a 1-PEPE contract (OKX-like sim-b) is asked for with unit 1") {
  test::test_protocol proto;
  market_config cfg;
  cfg.sim_venue = "sim-b";
  mock_market m{proto, cfg};
  const auto* pepe = m.find("PEPEUSDT");
  REQUIRE(pepe);
  CHECK(pepe->spec.multiplier == dec<ratio>("0.001"));
  CHECK(*m.unit_of("PEPEUSDT") == ratio::from_units(1));
  CHECK(pepe->spec.maker_fee == dec<ratio>("-0.00005"));
}

TEST_CASE("configuration: symbol filter, unknown symbols and venues") {
  test::test_protocol proto;
  market_config cfg;
  cfg.symbols = {"eth", "BTC-PERP"};
  mock_market m{proto, cfg};
  REQUIRE(m.instruments().size() == 2);
  CHECK(m.instruments()[0].spec.native_symbol == "BTCUSDT"); // world order, not request order
  CHECK(m.instruments()[1].spec.native_symbol == "ETHUSDT");
  CHECK(m.instruments()[1].index == 1);

  market_config bad = {};
  bad.symbols = {"XYZ"};
  CHECK_THROWS_AS(mock_market(proto, bad), std::invalid_argument);
  market_config nov = {};
  nov.sim_venue = "sim-z";
  CHECK_THROWS_AS(mock_market(proto, nov), std::invalid_argument);
}

TEST_CASE("determinism: the same seed and times give the same changes, another seed not") {
  test::test_protocol proto;
  market_config a;
  a.seed = 7;
  mock_market m1{proto, a}, m2{proto, a};
  auto c1 = run(m1, 60);
  auto c2 = run(m2, 60);
  REQUIRE(count_deltas(c1) > 100);
  CHECK(c1 == c2);
  for (const auto& i : m1.instruments()) {
    CHECK(m1.book(i.spec.native_symbol, 100) == m2.book(i.spec.native_symbol, 100));
    CHECK(m1.mark(i.spec.native_symbol)->mark == m2.mark(i.spec.native_symbol)->mark);
  }
  market_config b;
  b.seed = 8;
  mock_market m3{proto, b};
  auto c3 = run(m3, 60);
  CHECK(c3 != c1);
  CHECK(m3.book("BTCUSDT", 100).bids != m1.book("BTCUSDT", 100).bids);
}

TEST_CASE("native conversion: price x multiplier, size / multiplier, exactly") {
  test::test_protocol proto;
  mock_market m{proto, contract_world()};
  const auto* btc = m.find("BTCUSDT");
  REQUIRE(btc);
  const ratio mult = dec<ratio>("0.01");
  CHECK(btc->spec.multiplier == mult);
  CHECK(*m.unit_of("BTCUSDT") == mult); // 0.01 BTC per contract
  CHECK(btc->spec.tick == dec<price>("0.001")); // native start 650 x 1e-5 -> 0.001
  CHECK(btc->spec.lot == dec<quantity>("0.001"));

  // The same world, independently: its canonical deltas convert to ours.
  auto world = contract_world().world;
  for (auto& v : world.venues)
    if (v.name == "sim-a")
      v.latency_ms = 0;
  sim::venue ref{world, "sim-a"};
  std::vector<sim::event> ref_events;
  std::vector<market_change> changes;
  for (int k = 0; k <= 40; ++k) {
    m.advance(t0 + k * step, changes);
    ref.advance(t0 + k * step, ref_events);
  }
  auto to_native = [&](const std::vector<book_level>& v) {
    std::vector<book_level> out;
    for (const auto& l : v)
      out.push_back({*multiply(l.px, mult, rounding::exact),
                     *divide_by(l.qty, mult, rounding::exact)});
    return out;
  };
  std::vector<book_delta> ours, theirs;
  for (const auto& c : changes)
    if (const auto* d = std::get_if<book_delta>(&c); d && d->symbol == "BTCUSDT")
      ours.push_back(*d);
  for (const auto& e : ref_events)
    if (const auto* d = std::get_if<book_delta>(&e); d && d->symbol == "BTC-PERP")
      theirs.push_back(*d);
  REQUIRE(ours.size() == theirs.size());
  REQUIRE(ours.size() > 10);
  for (std::size_t k = 0; k < ours.size(); ++k) {
    CAPTURE(k);
    CHECK(ours[k].venue == "testx");
    CHECK(ours[k].seq == theirs[k].seq);
    CHECK(ours[k].prev_seq == theirs[k].prev_seq);
    CHECK(ours[k].first_seq == theirs[k].first_seq);
    CHECK(ours[k].exchange_ts == theirs[k].exchange_ts);
    CHECK(ours[k].bids == to_native(theirs[k].bids));
    CHECK(ours[k].asks == to_native(theirs[k].asks));
  }
  // The book: the simulator's canonical book, converted; every level on the
  // native grid.
  const auto canon = m.simulator().snapshot("BTC-PERP");
  const auto book = m.book("BTCUSDT", 1000);
  CHECK(book.seq == canon.seq);
  CHECK(book.bids == to_native(canon.bids));
  CHECK(book.asks == to_native(canon.asks));
  REQUIRE(!book.bids.empty());
  CHECK(book.bids.front().px < dec<price>("1000")); // ~650 per 0.01 BTC
  CHECK(book.bids.front().px > dec<price>("300"));
  for (const auto& l : book.bids) {
    CHECK(l.px.is_multiple_of(btc->spec.tick));
    CHECK(l.qty.is_multiple_of(btc->spec.lot));
  }
}

TEST_CASE("book(): deltas applied to a client book give book(), for every symbol") {
  test::test_protocol proto;
  mock_market m{proto, {}};
  std::vector<market_change> first;
  m.advance(t0, first);
  std::map<std::string, order_book> client;
  for (const auto& i : m.instruments()) {
    const auto& n = i.spec.native_symbol;
    auto snap = m.book(n, 1000);
    CHECK(snap.seq == 1);
    CHECK(snap.exchange_ts == t0);
    CHECK(snap.venue == "testx");
    CHECK(snap.symbol == n);
    CHECK(snap.bids.size() == 25); // sim-a levels
    REQUIRE(client[n].apply(snap) == error_code::none);
  }
  auto changes = run(m, 100, t0 + step);
  std::size_t deltas = 0;
  for (const auto& c : changes) {
    if (const auto* d = std::get_if<book_delta>(&c)) {
      ++deltas;
      REQUIRE(client[d->symbol].apply(*d) == error_code::none); // in sequence, no gap
    }
  }
  CHECK(deltas > 300); // 5 symbols x 20 Hz x 5 s
  for (auto& [n, b] : client) {
    CAPTURE(n);
    auto want = m.book(n, 1000);
    book_snapshot got;
    b.to_snapshot(got, 1000);
    CHECK(got.seq == want.seq);
    CHECK(got.bids == want.bids);
    CHECK(got.asks == want.asks);
    CHECK(want.exchange_ts == m.now());
    // depth limits the levels, best first
    auto top3 = m.book(n, 3);
    REQUIRE(top3.bids.size() == 3);
    CHECK(top3.bids[0] == want.bids[0]);
    CHECK(top3.asks[2] == want.asks[2]);
  }
}

TEST_CASE("callback form: book() inside the callback is the book right after that change") {
  test::test_protocol proto;
  mock_market m{proto, {}};
  std::vector<market_change> ignored;
  m.advance(t0, ignored);
  std::size_t deltas = 0, tops = 0;
  std::map<std::string, uint64_t> last_seq;
  for (int k = 1; k <= 40; ++k) {
    m.advance(t0 + k * step, [&](const market_change& c) {
      if (const auto* d = std::get_if<book_delta>(&c)) {
        ++deltas;
        CHECK(m.book(d->symbol, 1).seq == d->seq);
        if (last_seq.contains(d->symbol))
          CHECK(d->prev_seq == last_seq[d->symbol]);
        last_seq[d->symbol] = d->seq;
      } else {
        const auto& t = std::get<top_of_book>(c);
        ++tops;
        auto b = m.book(t.symbol, 1);
        CHECK(t.seq == b.seq);
        CHECK(t.bid == b.bids.at(0));
        CHECK(t.ask == b.asks.at(0));
        CHECK(t.bid.px < t.ask.px);
      }
    });
  }
  CHECK(deltas > 100);
  CHECK(tops > 10);
  CHECK(tops <= deltas); // only changes of the best level
}

TEST_CASE("marks and funding: mid, index on the tick, the simulator's rate and schedule") {
  test::test_protocol proto;
  market_config cfg;
  cfg.sim_venue = "sim-c"; // hourly funding
  mock_market m{proto, cfg};
  run(m, 20);
  for (const auto& i : m.instruments()) {
    const auto& n = i.spec.native_symbol;
    CAPTURE(n);
    auto mk = m.mark(n);
    REQUIRE(mk);
    auto b = m.book(n, 1);
    CHECK(mk->mark.raw() == (b.bids[0].px.raw() + b.asks[0].px.raw()) / 2);
    CHECK(mk->index.is_multiple_of(i.spec.tick));
    CHECK(std::abs(mk->index.to_double() / mk->mark.to_double() - 1) < 0.01);
    CHECK(mk->interval_s == 3600);
    CHECK(mk->next_funding_ts > m.now());
    CHECK(mk->next_funding_ts % (3600LL * 1'000'000'000) == 0);
    CHECK(std::abs(mk->rate.to_double()) < 0.0075); // capped at 75 bp
    CHECK(mk->rate.raw() % 1000 == 0);              // 0.01 bp steps
  }
  // sim-c's native names are the coin (Hyperliquid-like kPEPE: unit 1000)
  CHECK(*m.unit_of("1000PEPEUSDT") == ratio::from_units(1000));
}

TEST_CASE("rest_target: path and query decoding") {
  auto c = make_rest_call("GET", "/fapi/v1/depth?symbol=BTCUSDT&limit=5&x=a%20b+c&flag&&e=",
                          "body");
  REQUIRE(c);
  CHECK(c->method == "GET");
  CHECK(c->path == "/fapi/v1/depth");
  CHECK(c->body == "body");
  CHECK(c->query.size() == 5);
  CHECK(c->query.at("symbol") == "BTCUSDT");
  CHECK(c->query.at("limit") == "5");
  CHECK(c->query.at("x") == "a b c");
  CHECK(c->query.at("flag").empty());
  CHECK(c->query.at("e").empty());

  auto p = make_rest_call("POST", "/a%2Fb+c?k=1&k=2#frag", "");
  REQUIRE(p);
  CHECK(p->path == "/a/b+c"); // '+' stays in a path
  CHECK(p->query.at("k") == "2");
  CHECK(make_rest_call("GET", "/x", "")->query.empty());

  CHECK(make_rest_call("GET", "/x?a=%4", "").code() == error_code::parse_error);
  CHECK(make_rest_call("GET", "/x?a=%zz", "").code() == error_code::parse_error);
  CHECK(make_rest_call("GET", "/%", "").code() == error_code::parse_error);
  CHECK(make_rest_call("GET", "x", "").code() == error_code::parse_error);
  CHECK(*percent_decode("%41%62+", false) == "Ab+");
  CHECK(*percent_decode("%41%62+", true) == "Ab ");
}
