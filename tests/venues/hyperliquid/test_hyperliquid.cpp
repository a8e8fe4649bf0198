#include <doctest/doctest.h>

#include <set>
#include <string>

#include "core/order_book.hpp"
#include "tests/venues/codec_test_util.hpp"
#include "tests/venues/venue_samples.hpp"
#include "venues/hyperliquid/codec.hpp"
#include "venues/hyperliquid/mock_protocol.hpp"

using namespace xarb;
using namespace xarb::test;

namespace {

fake_market make_market() {
  fake_market m(1'700'000'000'123'000'000);
  m.venue = "hyperliquid";
  instrument_spec btc;
  btc.venue = "hyperliquid";
  btc.native_symbol = "BTC";
  btc.tick = px("0.1");
  btc.lot = qty("0.00001");
  btc.min_qty = qty("0.00001");
  btc.max_leverage = 40;
  btc.funding_interval_s = 3600;
  instrument_spec pepe = btc;
  pepe.native_symbol = "kPEPE";
  pepe.multiplier = ratio::from_units(1000);
  pepe.tick = px("0.000001");
  pepe.lot = qty("1");
  pepe.min_qty = qty("1");
  pepe.max_leverage = 10;
  m.add(btc);
  m.add(pepe);
  m.set_book("BTC", {lvl("68674", "0.97139"), lvl("68673.5", "1.5")},
             {lvl("68675", "0.04396"), lvl("68676", "2")}, 42);
  m.set_book("kPEPE", {lvl("0.012345", "1000")}, {lvl("0.012346", "2000")}, 0);
  m.set_mark("BTC", {px("68674.5"), px("68670.1"), rt("0.0001"), 8 * 3600, 0});
  return m;
}

/// The frames of mock-hyperliquid.txt, as the mock protocol produces them.
std::vector<frame_line> record() {
  auto p = mock::make_hyperliquid_protocol();
  auto m = make_market();
  frame_log log{"hyperliquid", {}};
  log.add("rest_meta", "POST /info meta", p->rest({"POST", "/info", {}, R"({"type":"meta"})"}, m).body);
  log.add("rest_l2Book", "POST /info l2Book BTC",
          p->rest({"POST", "/info", {}, R"({"type":"l2Book","coin":"BTC"})"}, m).body);
  mock::ws_client cl;
  std::vector<std::string> out;
  p->on_client_text(R"({"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC"}})", cl, m, out);
  log.add("ws_ack", "subscribe l2Book", out.at(0));
  out.clear();
  p->snapshot_frames(m.book("BTC", 50), cl, m, out);
  log.add("ws_l2Book", "first book", out.at(0));
  out.clear();
  book_delta d;
  d.symbol = "BTC";
  m.set_now(m.now() + 100'000'000);
  m.change("BTC", {lvl("68674", "0.5")}, {});
  p->book_frames(d, cl, m, out);
  m.set_now(m.now() + 100'000'000);
  m.change("BTC", {}, {lvl("68675", "0")});
  p->book_frames(d, cl, m, out);
  log.add("ws_l2Book_2", "book after a change", out.at(0));
  log.add("ws_l2Book_3", "book after the best ask left", out.at(1));
  out.clear();
  top_of_book t{"hyperliquid", "BTC", 0, lvl("68674", "0.5"), lvl("68676", "2"), m.now(), 0};
  p->top_frames(t, cl, out);
  log.add("ws_bbo", "bbo", out.at(0));
  out.clear();
  p->mark_frames("BTC", *m.mark("BTC"), m.now(), cl, out);
  log.add("ws_activeAssetCtx", "funding and mark", out.at(0));
  out.clear();
  p->on_client_text(R"({"method":"ping"})", cl, m, out);
  log.add("ws_pong", "pong", out.at(0));
  return log.lines;
}

venues::decode_result feed(venues::md_codec& c, const std::string& f, recorder& rec) {
  return decode(c, f, rec, 99);
}

} // namespace

TEST_CASE("hyperliquid: info and plan") {
  auto c = venues::make_hyperliquid_codec();
  const auto& i = c->info();
  CHECK(i.name == "hyperliquid");
  CHECK(i.sync == venues::sync_mode::snapshots);
  CHECK(i.ws_mainnet == "wss://api.hyperliquid.xyz");
  CHECK(i.heartbeat.ping_text == R"({"method":"ping"})");
  CHECK(c->resubscribe_book("BTC").empty());
  const std::string coins[] = {"BTC", "ETH"};
  auto plan = c->plan(coins);
  REQUIRE(plan.size() == 1);
  CHECK(plan[0].target == "/ws");
  CHECK(plan[0].books);
  REQUIRE(plan[0].subscribe.size() == 6);
  CHECK(plan[0].subscribe[0] == R"({"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC"}})");
  CHECK(plan[0].subscribe[5]
        == R"({"method":"subscribe","subscription":{"type":"activeAssetCtx","coin":"ETH"}})");
  // Stream cap: 300 streams per connection = 100 coins.
  std::vector<std::string> many(250, "BTC");
  auto big = c->plan(many);
  REQUIRE(big.size() == 3);
  for (const auto& p : big)
    CHECK(p.subscribe.size() <= i.max_streams_per_connection);
  auto req = c->snapshot_request("BTC");
  CHECK(req.method == "POST");
  CHECK(req.target == "/info");
  CHECK(req.body == R"({"type":"l2Book","coin":"BTC"})");
}

TEST_CASE("hyperliquid: every sample of venue-samples.txt decodes to its exact values") {
  auto samples = venue_samples("hyperliquid");
  REQUIRE(samples.size() >= 4);
  std::set<std::string> seen;
  for (const auto& s : samples) {
    INFO(s.kind);
    seen.insert(s.kind);
    auto c = venues::make_hyperliquid_codec();
    recorder rec;
    if (s.kind == "ws_l2Book") {
      auto r = decode(*c, s.json, rec, 5);
      REQUIRE(r.kind == frame_kind::data);
      REQUIRE(rec.snapshots.size() == 1);
      const auto& b = rec.snapshots[0];
      CHECK(b.venue == "hyperliquid");
      CHECK(b.symbol == "BTC");
      CHECK(b.seq == 1710131872708u);
      CHECK(b.exchange_ts == 1710131872708LL * 1'000'000);
      CHECK(b.recv_ts == 5);
      REQUIRE(b.bids.size() == 1);
      REQUIRE(b.asks.size() == 1);
      CHECK(b.bids[0] == lvl("68674.0", "0.97139"));
      CHECK(b.asks[0] == lvl("68675.0", "0.04396"));
    } else if (s.kind == "rest_info_l2Book_DYDX_response") {
      auto b = c->parse_snapshot("DYDX", s.json);
      REQUIRE(b);
      CHECK(b->symbol == "DYDX");
      CHECK(b->seq == 1689630203930u);
      REQUIRE(b->bids.size() == 20);
      REQUIRE(b->asks.size() == 20);
      CHECK(b->bids.front() == lvl("2.111", "134.4"));
      CHECK(b->bids.back() == lvl("1.81", "2397.0"));
      CHECK(b->asks.front() == lvl("2.1124", "352.3"));
      CHECK(b->asks.back() == lvl("2.1518", "62.0"));
      CHECK_FALSE(c->parse_snapshot("BTC", s.json)); // another coin's book
    } else if (s.kind == "rest_info_meta_response_sample") {
      std::vector<std::string> bodies{s.json}, skipped;
      auto specs = c->parse_instruments(bodies, &skipped);
      REQUIRE(specs);
      REQUIRE(specs->size() == 3);
      CHECK(skipped.empty());
      const auto& btc = (*specs)[0];
      CHECK(btc.native_symbol == "BTC");
      CHECK(btc.symbol == "BTC-PERP");
      CHECK(btc.base == "BTC");
      CHECK(btc.quote == "USDC");
      CHECK(btc.multiplier == ratio::from_units(1));
      CHECK(btc.lot == qty("0.00001"));
      CHECK(btc.min_qty == qty("0.00001"));
      CHECK(btc.tick == px("0.1"));
      CHECK(btc.max_leverage == 40);
      CHECK(btc.funding_interval_s == 3600);
      CHECK(btc.min_notional == money::from_units(10));
      CHECK(btc.taker_fee == rt("0.00045"));
      CHECK((*specs)[1].native_symbol == "ETH");
      CHECK((*specs)[1].tick == px("0.01"));
      CHECK((*specs)[1].max_leverage == 25);
      CHECK((*specs)[2].native_symbol == "ATOM");
      CHECK((*specs)[2].lot == qty("0.01"));
      CHECK((*specs)[2].tick == px("0.0001"));
      CHECK(venues::hyperliquid_asset_index(*c, "ATOM") == 2u);
      CHECK_FALSE(venues::hyperliquid_asset_index(*c, "DOGE"));
    } else if (s.kind == "rest_info_fundingHistory_response") {
      // History of paid rates: a REST document the codec does not consume
      // (live funding comes from activeAssetCtx). As a frame it is not an object.
      auto r = decode(*c, s.json, rec);
      CHECK(r.kind == frame_kind::malformed);
      CHECK(rec.calls() == 0);
    } else {
      FAIL("new hyperliquid sample kind without expectations: " << s.kind);
    }
  }
  CHECK(seen.count("ws_l2Book") == 1);
}

TEST_CASE("hyperliquid: control frames, errors and the listing's edge cases") {
  auto c = venues::make_hyperliquid_codec();
  recorder rec;
  CHECK(decode(*c, R"({"channel":"pong"})", rec).kind == frame_kind::pong);
  CHECK(decode(*c,
               R"({"channel":"subscriptionResponse","data":{"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC","nSigFigs":null,"mantissa":null}}})",
               rec)
          .kind
        == frame_kind::ack);
  auto e = decode(*c, R"({"channel":"error","data":"Invalid subscription {\"type\":\"l2Book\"}"})", rec);
  CHECK(e.kind == frame_kind::error);
  CHECK(e.error.find("Invalid subscription") != std::string::npos);
  auto t = decode(*c, R"({"channel":"trades","data":[{"coin":"BTC"}]})", rec);
  CHECK(t.kind == frame_kind::ignored);
  // Out-of-order keys: data before channel.
  auto b = decode(*c,
                  R"({"data":{"time":5,"bbo":[null,{"px":"2","sz":"3","n":1}],"coin":"ETH"},"channel":"bbo"})",
                  rec);
  CHECK(b.kind == frame_kind::data);
  REQUIRE(rec.tops.size() == 1);
  CHECK(rec.tops[0].symbol == "ETH");
  CHECK(rec.tops[0].bid.qty.is_zero());
  CHECK(rec.tops[0].ask == lvl("2", "3"));
  CHECK(rec.tops[0].seq == 5u);
  // Spot contexts have no funding: ignored.
  auto sp = decode(*c, R"({"channel":"activeAssetCtx","data":{"coin":"@1","ctx":{"dayNtlVlm":"1"}}})", rec);
  CHECK(sp.kind == frame_kind::ignored);
  // Delisted, builder-dex and malformed entries are skipped with a reason.
  std::vector<std::string> bodies{
    R"([{"universe":[{"name":"BTC","szDecimals":5,"maxLeverage":40},{"name":"OLD","szDecimals":1,"maxLeverage":3,"isDelisted":true},{"name":"xyz:AAPL","szDecimals":2,"maxLeverage":10},{"name":"kPEPE","szDecimals":0,"maxLeverage":10}]},[]])"};
  std::vector<std::string> skipped;
  auto specs = c->parse_instruments(bodies, &skipped);
  REQUIRE(specs);
  REQUIRE(specs->size() == 2);
  CHECK((*specs)[1].native_symbol == "kPEPE");
  CHECK((*specs)[1].base == "PEPE");
  CHECK((*specs)[1].multiplier == ratio::from_units(1000));
  CHECK((*specs)[1].tick == px("0.000001"));
  REQUIRE(skipped.size() == 2);
  CHECK(skipped[0].rfind("OLD: delisted", 0) == 0);
  CHECK(skipped[1].rfind("xyz:AAPL:", 0) == 0);
  CHECK(venues::hyperliquid_asset_index(*c, "kPEPE") == 3u);
  std::vector<std::string> bad{R"({"nope":1})"};
  CHECK_FALSE(c->parse_instruments(bad));
  CHECK_FALSE(c->parse_instruments({}));
}

TEST_CASE("hyperliquid: codec and mock protocol round trip") {
  auto c = venues::make_hyperliquid_codec();
  auto p = mock::make_hyperliquid_protocol();
  auto m = make_market();
  CHECK(p->venue() == c->info().name);
  CHECK(p->native_symbol("BTC", ratio::from_units(1)) == "BTC");
  CHECK(p->native_symbol("PEPE", ratio::from_units(1000)) == "kPEPE");

  // Listing: meta and metaAndAssetCtxs both parse back to the specs.
  for (const char* type : {"meta", "metaAndAssetCtxs"}) {
    auto req = c->instruments_requests();
    REQUIRE(req.size() == 1);
    mock::rest_call call{req[0].method, req[0].target, {}, req[0].body};
    if (std::string(type) != "meta")
      call.body = std::string(R"({"type":")") + type + "\"}";
    auto a = p->rest(call, m);
    REQUIRE(a.status == 200);
    std::vector<std::string> bodies{a.body};
    auto specs = c->parse_instruments(bodies);
    REQUIRE(specs);
    REQUIRE(specs->size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
      const auto& got = (*specs)[i];
      const auto& want = m.instruments()[i].spec;
      CHECK(got.native_symbol == want.native_symbol);
      CHECK(got.multiplier == want.multiplier);
      CHECK(got.lot == want.lot);
      CHECK(got.min_qty == want.min_qty);
      CHECK(got.max_leverage == want.max_leverage);
      CHECK(got.funding_interval_s == 3600);
      // The listing carries szDecimals only: the tick is the finest allowed.
      CHECK(got.tick == venues::hyperliquid_tick(want.lot == qty("1") ? 0 : 5));
    }
    CHECK(venues::hyperliquid_asset_index(*c, "kPEPE") == 1u);
  }
  CHECK(p->rest({"POST", "/info", {}, R"({"type":"nope"})"}, m).status == 422);
  CHECK(p->rest({"POST", "/info", {}, "garbage"}, m).status == 422);
  CHECK(p->rest({"GET", "/info", {}, ""}, m).status == 405);
  CHECK(p->rest({"POST", "/exchange", {}, "{}"}, m).status == 404);
  CHECK(p->rest({"POST", "/info", {}, R"({"type":"l2Book","coin":"NOPE"})"}, m).body == "null");
  auto mids = p->rest({"POST", "/info", {}, R"({"type":"allMids"})"}, m);
  CHECK(mids.body.find(R"("BTC":"68674.5")") != std::string::npos);

  // REST depth snapshot.
  auto sreq = c->snapshot_request("BTC");
  auto sa = p->rest({sreq.method, sreq.target, {}, sreq.body}, m);
  REQUIRE(sa.status == 200);
  auto snap = c->parse_snapshot("BTC", sa.body);
  REQUIRE(snap);
  CHECK(snap->bids == m.book("BTC", 50).bids);
  CHECK(snap->asks == m.book("BTC", 50).asks);
  CHECK(snap->seq == static_cast<uint64_t>(m.now() / 1'000'000));

  // WS: subscribe frames of plan() are acked; the book is due at once and
  // the funding context is pushed right away.
  const std::string coins[] = {"BTC"};
  auto plan = c->plan(coins);
  mock::ws_client client;
  client.target = plan[0].target;
  recorder rec;
  for (const auto& f : plan[0].subscribe) {
    std::vector<std::string> out;
    p->on_client_text(f, client, m, out);
    REQUIRE(!out.empty());
    CHECK(feed(*c, out[0], rec).kind == frame_kind::ack);
    for (std::size_t i = 1; i < out.size(); ++i)
      CHECK(feed(*c, out[i], rec).kind == frame_kind::data);
  }
  CHECK(client.books.count("BTC") == 1);
  CHECK(client.tops.count("BTC") == 1);
  CHECK(client.marks.count("BTC") == 1);
  CHECK(client.snapshot_due.count("BTC") == 1);
  REQUIRE(rec.marks.size() == 1);
  CHECK(rec.marks[0].symbol == "BTC");
  CHECK(rec.marks[0].mark == px("68674.5"));
  CHECK(rec.marks[0].index == px("68670.1"));
  CHECK(rec.marks[0].rate == rt("0.0000125")); // 0.0001 per 8 h -> hourly
  CHECK(rec.marks[0].interval_s == 3600);

  std::vector<std::string> out;
  p->snapshot_frames(m.book("BTC", 50), client, m, out);
  REQUIRE(out.size() == 1);
  rec.clear();
  REQUIRE(feed(*c, out[0], rec).kind == frame_kind::data);
  REQUIRE(rec.snapshots.size() == 1);
  CHECK(rec.snapshots[0].bids == m.book("BTC", 50).bids);
  CHECK(rec.snapshots[0].asks == m.book("BTC", 50).asks);

  // A change publishes the whole new book.
  m.set_now(m.now() + 1'000'000);
  m.change("BTC", {lvl("68674", "0")}, {});
  book_delta d;
  d.symbol = "BTC";
  d.seq = 43;
  d.prev_seq = 42;
  d.bids = {lvl("68674", "0")};
  out.clear();
  p->book_frames(d, client, m, out);
  REQUIRE(out.size() == 1);
  REQUIRE(feed(*c, out[0], rec).kind == frame_kind::data);
  REQUIRE(rec.snapshots.size() == 2);
  CHECK(rec.snapshots[1].bids == std::vector<book_level>{lvl("68673.5", "1.5")});
  CHECK(rec.snapshots[1].seq > rec.snapshots[0].seq);

  top_of_book t;
  t.symbol = "BTC";
  t.bid = lvl("68673.5", "1.5");
  t.exchange_ts = m.now();
  out.clear();
  p->top_frames(t, client, out);
  REQUIRE(feed(*c, out.at(0), rec).kind == frame_kind::data);
  REQUIRE(rec.tops.size() == 1);
  CHECK(rec.tops[0].bid == t.bid);
  CHECK(rec.tops[0].ask.qty.is_zero()); // null side
  CHECK(rec.tops[0].exchange_ts == m.now());

  // Ping both ways: the client pings, the server answers pong; the server
  // itself never pings (WS ping frames only).
  out.clear();
  p->on_client_text(c->info().heartbeat.ping_text, client, m, out);
  REQUIRE(out.size() == 1);
  CHECK(feed(*c, out[0], rec).kind == frame_kind::pong);
  CHECK(p->server_ping(m.now()).empty());

  // Unsubscribe and bad requests.
  out.clear();
  p->on_client_text(R"({"method":"unsubscribe","subscription":{"type":"l2Book","coin":"BTC"}})",
                    client, m, out);
  CHECK(feed(*c, out.at(0), rec).kind == frame_kind::ack);
  CHECK(client.books.count("BTC") == 0);
  out.clear();
  p->on_client_text(R"({"method":"subscribe","subscription":{"type":"l2Book","coin":"NOPE"}})",
                    client, m, out);
  CHECK(feed(*c, out.at(0), rec).kind == frame_kind::error);
  out.clear();
  p->on_client_text("not json", client, m, out);
  CHECK(feed(*c, out.at(0), rec).kind == frame_kind::error);
}

TEST_CASE("hyperliquid: snapshots replace the order book; time orders them") {
  auto c = venues::make_hyperliquid_codec();
  recorder rec;
  order_book book;
  const char* frames[] = {
    R"({"channel":"l2Book","data":{"coin":"BTC","time":1000,"levels":[[{"px":"100","sz":"1","n":1},{"px":"99","sz":"2","n":1}],[{"px":"101","sz":"1","n":1}]]}})",
    R"({"channel":"l2Book","data":{"coin":"BTC","time":1001,"levels":[[{"px":"99","sz":"2","n":1}],[{"px":"100.5","sz":"3","n":2}]]}})",
  };
  for (const char* f : frames)
    REQUIRE(decode(*c, f, rec).kind == frame_kind::data);
  REQUIRE(rec.snapshots.size() == 2);
  CHECK(book.apply(rec.snapshots[0]) == error_code::none);
  CHECK(book.best_bid()->px == px("100"));
  CHECK(book.apply(rec.snapshots[1]) == error_code::none);
  CHECK(book.synced());
  CHECK(book.seq() == 1001u);
  CHECK(book.best_bid()->px == px("99")); // the 100 level vanished with the new snapshot
  CHECK(book.best_ask()->px == px("100.5"));
  // A crossed snapshot is rejected by the book.
  REQUIRE(decode(*c,
                 R"({"channel":"l2Book","data":{"coin":"BTC","time":1002,"levels":[[{"px":"101","sz":"1","n":1}],[{"px":"100","sz":"1","n":1}]]}})",
                 rec)
            .kind
          == frame_kind::data);
  CHECK(book.apply(rec.snapshots[2]) == error_code::crossed_book);
  CHECK_FALSE(book.synced());
}

TEST_CASE("hyperliquid: recorded mock frames decode to their exact values") {
  const auto lines = check_recorded_file(
    XARB_MOCK_FRAMES,
    "# Frames recorded from venues/hyperliquid/mock_protocol.cpp (fake market of\n"
    "# tests/venues/hyperliquid/test_hyperliquid.cpp); regenerate with\n"
    "# XARB_WRITE_MOCK_FRAMES=1 test_venues_hyperliquid.\n",
    record());
  REQUIRE(lines.size() == 9);
  auto c = venues::make_hyperliquid_codec();
  recorder rec;
  std::set<std::string> kinds;
  for (const auto& l : lines) {
    INFO(l.kind);
    CHECK(l.venue == "hyperliquid");
    kinds.insert(l.kind);
    if (l.kind == "rest_meta") {
      std::vector<std::string> bodies{l.frame};
      auto specs = c->parse_instruments(bodies);
      REQUIRE(specs);
      REQUIRE(specs->size() == 2);
      CHECK((*specs)[0].native_symbol == "BTC");
      CHECK((*specs)[0].lot == qty("0.00001"));
      CHECK((*specs)[1].native_symbol == "kPEPE");
      CHECK((*specs)[1].max_leverage == 10);
    } else if (l.kind == "rest_l2Book") {
      auto s = c->parse_snapshot("BTC", l.frame);
      REQUIRE(s);
      CHECK(s->seq == 1700000000123u);
      CHECK(s->bids == std::vector<book_level>{lvl("68674", "0.97139"), lvl("68673.5", "1.5")});
      CHECK(s->asks == std::vector<book_level>{lvl("68675", "0.04396"), lvl("68676", "2")});
    } else if (l.kind == "ws_ack") {
      CHECK(decode(*c, l.frame, rec).kind == frame_kind::ack);
    } else if (l.kind == "ws_pong") {
      CHECK(decode(*c, l.frame, rec).kind == frame_kind::pong);
    } else if (l.kind.rfind("ws_l2Book", 0) == 0) {
      rec.clear();
      REQUIRE(decode(*c, l.frame, rec).kind == frame_kind::data);
      REQUIRE(rec.snapshots.size() == 1);
      const auto& s = rec.snapshots[0];
      CHECK(s.symbol == "BTC");
      if (l.kind == "ws_l2Book") {
        CHECK(s.seq == 1700000000123u);
        CHECK(s.bids.front() == lvl("68674", "0.97139"));
        CHECK(s.asks.front() == lvl("68675", "0.04396"));
      } else if (l.kind == "ws_l2Book_2") {
        CHECK(s.seq == 1700000000223u);
        CHECK(s.bids.front() == lvl("68674", "0.5"));
        CHECK(s.asks.size() == 2);
      } else {
        CHECK(s.seq == 1700000000323u);
        CHECK(s.asks == std::vector<book_level>{lvl("68676", "2")});
      }
    } else if (l.kind == "ws_bbo") {
      rec.clear();
      REQUIRE(decode(*c, l.frame, rec).kind == frame_kind::data);
      REQUIRE(rec.tops.size() == 1);
      CHECK(rec.tops[0].bid == lvl("68674", "0.5"));
      CHECK(rec.tops[0].ask == lvl("68676", "2"));
      CHECK(rec.tops[0].seq == 1700000000323u);
    } else if (l.kind == "ws_activeAssetCtx") {
      rec.clear();
      REQUIRE(decode(*c, l.frame, rec).kind == frame_kind::data);
      REQUIRE(rec.marks.size() == 1);
      CHECK(rec.marks[0].mark == px("68674.5"));
      CHECK(rec.marks[0].index == px("68670.1"));
      CHECK(rec.marks[0].rate == rt("0.0000125"));
      // Settles on the hour: the next full hour after the arrival time.
      rec.clear();
      const timestamp_ns t = 1'800'000'123'000'000'000; // 2027-01-15T08:02:03Z
      REQUIRE(decode(*c, l.frame, rec, t).kind == frame_kind::data);
      REQUIRE(rec.marks.size() == 1);
      CHECK(rec.marks[0].next_funding_ts == 1'800'003'600'000'000'000);
      CHECK(rec.marks[0].interval_s == 3600);
    } else {
      FAIL("unexpected recorded kind " << l.kind);
    }
  }
  CHECK(kinds.size() == 9);
}

TEST_CASE("hyperliquid: prefixes, flips and junk never crash") {
  auto c = venues::make_hyperliquid_codec();
  check_samples_robust(*c, "hyperliquid");
  for (const auto& l : read_frames(XARB_MOCK_FRAMES)) {
    check_prefixes(*c, l.frame);
    check_mutations(*c, l.frame);
  }
  check_junk(*c, junk_rule::not_data, "BTC");
}

TEST_CASE("hyperliquid: decode does not allocate once warm") {
  // The counter works: a fresh codec's first frames do allocate.
  {
    auto cold = venues::make_hyperliquid_codec();
    counting_handler h;
    venues::decode_result r;
    std::string f = R"({"channel":"error","data":"x"})";
    const auto before = allocations();
    cold->decode(f, 1, h, r);
    CHECK(allocations() > before);
  }
  auto c = venues::make_hyperliquid_codec();
  std::string book = R"({"channel":"l2Book","data":{"coin":"BTC","time":1710131872708,"levels":[[)";
  std::string asks;
  for (int i = 0; i < 20; ++i) {
    book += (i ? "," : "") + std::string(R"({"px":")") + std::to_string(68000 - i) + R"(.5","sz":"1.25","n":3})";
    asks += (i ? "," : "") + std::string(R"({"px":")") + std::to_string(68001 + i) + R"(.5","sz":"0.75","n":2})";
  }
  book += "],[" + asks + "]]}}";
  CHECK(warm_allocations(*c, book) == 0);
  CHECK(warm_allocations(*c, R"({"channel":"bbo","data":{"coin":"BTC","time":5,"bbo":[{"px":"1","sz":"2","n":1},{"px":"3","sz":"4","n":1}]}})") == 0);
  CHECK(warm_allocations(*c, R"({"channel":"activeAssetCtx","data":{"coin":"BTC","ctx":{"funding":"0.0000125","markPx":"68000.5","oraclePx":"68001"}}})") == 0);
  CHECK(warm_allocations(*c, R"({"channel":"pong"})") == 0);
}
