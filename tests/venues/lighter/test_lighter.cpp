#include <doctest/doctest.h>

#include <set>
#include <string>

#include "core/order_book.hpp"
#include "tests/venues/codec_test_util.hpp"
#include "tests/venues/venue_samples.hpp"
#include "venues/lighter/codec.hpp"
#include "venues/lighter/mock_protocol.hpp"

using namespace xarb;
using namespace xarb::test;

namespace {

// orderBookDetails in the shape of nautilus_trader's recorded
// http_order_book_details.json (ETH = market 0), plus BTC = 1, a spot-like
// and an inactive entry.
const std::string details = R"({"code":200,"order_book_details":[
{"symbol":"ETH","market_id":0,"market_type":"perp","base_asset_id":0,"quote_asset_id":0,"status":"active","taker_fee":"0.0000","is_taker_fee_enabled":true,"maker_fee":"0.0000","liquidation_fee":"1.0000","min_base_amount":"0.0050","min_quote_amount":"10.000000","order_quote_limit":"281474976.710655","supported_size_decimals":4,"supported_price_decimals":2,"supported_quote_decimals":6,"size_decimals":4,"price_decimals":2,"quote_multiplier":1,"default_initial_margin_fraction":500,"min_initial_margin_fraction":200,"maintenance_margin_fraction":120,"closeout_margin_fraction":80,"last_trade_price":2361.31,"daily_trades_count":428074,"daily_chart":{},"market_config":{"market_margin_mode":0,"hidden":false},"strategy_index":2},
{"symbol":"BTC","market_id":1,"market_type":"perp","status":"active","taker_fee":"0.0200","maker_fee":"0.0020","min_base_amount":"0.00020","min_quote_amount":"10.000000","size_decimals":5,"price_decimals":1,"min_initial_margin_fraction":200},
{"symbol":"1000PEPE","market_id":7,"market_type":"perp","status":"active","taker_fee":"0.0000","maker_fee":"0.0000","min_base_amount":"100","min_quote_amount":"10","size_decimals":0,"price_decimals":6,"min_initial_margin_fraction":1000},
{"symbol":"OLD","market_id":9,"market_type":"perp","status":"inactive","size_decimals":1,"price_decimals":1},
{"symbol":"ETH/USDC","market_id":2048,"market_type":"spot","status":"active","size_decimals":4,"price_decimals":2}
],"spot_order_book_details":[]})";

std::unique_ptr<venues::md_codec> learned_codec() {
  auto c = venues::make_lighter_codec();
  std::vector<std::string> bodies{details};
  REQUIRE(c->parse_instruments(bodies));
  return c;
}

fake_market make_market() {
  fake_market m(1'700'000'000'123'000'000);
  instrument_spec eth;
  eth.venue = "lighter";
  eth.native_symbol = "ETH";
  eth.tick = px("0.01");
  eth.lot = qty("0.0001");
  eth.min_qty = qty("0.005");
  eth.min_notional = money::from_units(10);
  eth.maker_fee = rt("0.00002");
  eth.taker_fee = rt("0.0002");
  eth.max_leverage = 50;
  eth.funding_interval_s = 3600;
  instrument_spec pepe = eth;
  pepe.native_symbol = "1000PEPE";
  pepe.multiplier = ratio::from_units(1000);
  pepe.tick = px("0.000001");
  pepe.lot = qty("1");
  pepe.min_qty = qty("100");
  pepe.max_leverage = 10;
  m.add(eth);
  m.add(pepe);
  m.set_book("ETH", {lvl("2000", "0.02"), lvl("1999.5", "1")},
             {lvl("2325", "99"), lvl("2341.25", "340.1028")}, 904845);
  m.set_mark("ETH", {px("2064.47"), px("2064.48"), rt("0.0001"), 8 * 3600, 0});
  return m;
}

/// The frames of mock-lighter.txt, as the mock protocol produces them.
std::vector<frame_line> record() {
  auto p = mock::make_lighter_protocol();
  auto m = make_market();
  frame_log log{"lighter", {}};
  log.add("rest_orderBookDetails", "GET /api/v1/orderBookDetails",
          p->rest({"GET", "/api/v1/orderBookDetails", {}, ""}, m).body);
  log.add("rest_orderBookOrders", "GET /api/v1/orderBookOrders?market_id=0&limit=2",
          p->rest({"GET", "/api/v1/orderBookOrders", {{"market_id", "0"}, {"limit", "2"}}, ""}, m).body);
  mock::ws_client cl;
  std::vector<std::string> out;
  p->on_open(cl, m, out);
  log.add("ws_connected", "greeting", out.at(0));
  out.clear();
  p->snapshot_frames(m.book("ETH", 50), cl, m, out);
  log.add("ws_subscribed_order_book", "snapshot", out.at(0));
  book_delta d;
  d.symbol = "ETH";
  d.seq = 904850;
  d.prev_seq = 904845;
  d.asks = {lvl("2325", "0"), lvl("2330.5", "1.25")};
  out.clear();
  p->book_frames(d, cl, m, out);
  d.seq = 904871;
  d.prev_seq = 904850;
  d.asks.clear();
  d.bids = {lvl("2000", "0.5")};
  p->book_frames(d, cl, m, out);
  log.add("ws_update_order_book_1", "update", out.at(0));
  log.add("ws_update_order_book_2", "update", out.at(1));
  out.clear();
  p->on_client_text(R"({"type":"subscribe","channel":"market_stats/0"})", cl, m, out);
  log.add("ws_subscribed_market_stats", "subscribe market_stats/0", out.at(0));
  out.clear();
  p->on_client_text(R"({"type":"ping"})", cl, m, out);
  log.add("ws_pong", "pong", out.at(0));
  return log.lines;
}

} // namespace

TEST_CASE("lighter: info, listing and plan") {
  auto c = venues::make_lighter_codec();
  const auto& i = c->info();
  CHECK(i.name == "lighter");
  CHECK(i.sync == venues::sync_mode::in_band);
  CHECK(i.heartbeat.ping_text == R"({"type":"ping"})");
  const std::string eth[] = {"ETH", "BTC", "NOPE"};
  CHECK(c->plan(eth).empty()); // nothing learned yet: no market ids
  std::vector<std::string> bodies{details}, skipped;
  auto specs = c->parse_instruments(bodies, &skipped);
  REQUIRE(specs);
  REQUIRE(specs->size() == 3);
  const auto& e = (*specs)[0];
  CHECK(e.native_symbol == "ETH");
  CHECK(e.symbol == "ETH-PERP");
  CHECK(e.quote == "USDC");
  CHECK(e.tick == px("0.01"));
  CHECK(e.lot == qty("0.0001"));
  CHECK(e.min_qty == qty("0.005"));
  CHECK(e.min_notional == money::from_units(10));
  CHECK(e.max_leverage == 50);
  CHECK(e.funding_interval_s == 3600);
  CHECK(e.maker_fee.is_zero());
  const auto& b = (*specs)[1];
  CHECK(b.taker_fee == rt("0.0002")); // "0.0200" percent
  CHECK(b.maker_fee == rt("0.00002"));
  CHECK(b.tick == px("0.1"));
  const auto& p = (*specs)[2];
  CHECK(p.native_symbol == "1000PEPE");
  CHECK(p.base == "PEPE");
  CHECK(p.multiplier == ratio::from_units(1000));
  CHECK(p.max_leverage == 10);
  REQUIRE(skipped.size() == 2);
  CHECK(skipped[0] == "OLD: status inactive");
  CHECK(skipped[1] == "ETH/USDC: not a perp (spot)");
  CHECK(venues::lighter_market_id(*c, "1000PEPE") == 7u);
  CHECK_FALSE(venues::lighter_market_id(*c, "OLD"));

  auto plan = c->plan(eth);
  REQUIRE(plan.size() == 1);
  CHECK(plan[0].target == "/stream");
  CHECK(plan[0].books);
  CHECK(plan[0].subscribe == std::vector<std::string>{
                               R"({"type":"subscribe","channel":"order_book/0"})",
                               R"({"type":"subscribe","channel":"market_stats/0"})",
                               R"({"type":"subscribe","channel":"order_book/1"})",
                               R"({"type":"subscribe","channel":"market_stats/1"})"});
  CHECK(c->resubscribe_book("BTC")
        == std::vector<std::string>{R"({"type":"unsubscribe","channel":"order_book/1"})",
                                    R"({"type":"subscribe","channel":"order_book/1"})"});
  CHECK(c->resubscribe_book("NOPE").empty());
  CHECK(c->snapshot_request("ETH").target == "/api/v1/orderBookOrders?market_id=0&limit=100");
  std::vector<std::string> bad{R"({"code":200})"};
  CHECK_FALSE(c->parse_instruments(bad));
}

TEST_CASE("lighter: every sample of venue-samples.txt decodes to its exact values") {
  auto samples = venue_samples("lighter");
  REQUIRE(samples.size() >= 4);
  for (const auto& s : samples) {
    INFO(s.kind);
    auto c = learned_codec();
    recorder rec;
    auto r = decode(*c, s.json, rec, 3);
    REQUIRE(r.kind == frame_kind::data);
    if (s.kind == "ws_order_book_subscribed_snapshot") {
      REQUIRE(rec.snapshots.size() == 1);
      const auto& b = rec.snapshots[0];
      CHECK(b.venue == "lighter");
      CHECK(b.symbol == "ETH");
      CHECK(b.seq == 904845u);
      CHECK(b.exchange_ts == 1778138389655150LL * 1000);
      CHECK(b.recv_ts == 3);
      CHECK(b.asks == std::vector<book_level>{lvl("2325.00", "99.0000"), lvl("2341.25", "340.1028")});
      CHECK(b.bids == std::vector<book_level>{lvl("2000.00", "0.0200")});
    } else if (s.kind == "ws_order_book_update") {
      REQUIRE(rec.deltas.size() == 1);
      const auto& d = rec.deltas[0];
      CHECK(d.symbol == "ETH");
      CHECK(d.seq == 9182390020u);
      CHECK(d.prev_seq == 9182389998u);
      CHECK(d.first_seq == 0u);
      CHECK(d.exchange_ts == 1774884082309144LL * 1000);
      CHECK(d.asks == std::vector<book_level>{lvl("2064.54", "0.3285")});
      CHECK(d.bids.empty());
      CHECK_FALSE(rec.checksums[0]);
    } else if (s.kind == "ws_market_stats_update") {
      REQUIRE(rec.marks.size() == 1);
      const auto& m = rec.marks[0];
      CHECK(m.symbol == "ETH");
      CHECK(m.mark == px("2064.47"));
      CHECK(m.index == px("2064.48"));
      CHECK(m.rate == rt("0.00000001")); // "0.000001" percent per hour
      CHECK(m.interval_s == 3600);
      CHECK(m.ts == 1774883844933LL * 1'000'000);
      // The next full hour, which is also this sample's funding_timestamp.
      CHECK(m.next_funding_ts == 1774886400000LL * 1'000'000);
    } else if (s.kind == "ws_order_book_update_docs") {
      REQUIRE(rec.deltas.size() == 1);
      const auto& d = rec.deltas[0];
      CHECK(d.seq == 4037957053u);
      CHECK(d.prev_seq == 4037957034u);
      CHECK(d.exchange_ts == 1766434222583LL * 1'000'000); // no last_updated_at: timestamp
      CHECK(d.asks == std::vector<book_level>{lvl("3327.46", "29.0915")});
      CHECK(d.bids == std::vector<book_level>{lvl("3338.80", "10.2898")});
    } else {
      FAIL("new lighter sample kind without expectations: " << s.kind);
    }
    // Without the listing the market id means nothing: ignored, never guessed.
    auto fresh = venues::make_lighter_codec();
    recorder none;
    auto u = decode(*fresh, s.json, none);
    CHECK(u.kind == frame_kind::ignored);
    CHECK(none.calls() == 0);
  }
}

TEST_CASE("lighter: control frames and errors") {
  auto c = learned_codec();
  recorder rec;
  auto p = decode(*c, R"({"type":"ping"})", rec);
  CHECK(p.kind == frame_kind::ping);
  CHECK(p.reply == R"({"type":"pong"})");
  CHECK(decode(*c, R"({"type":"pong"})", rec).kind == frame_kind::pong);
  CHECK(decode(*c, R"({"session_id":"abc","type":"connected"})", rec).kind == frame_kind::info);
  auto e = decode(*c, R"({"type":"error","code":30012,"channel":"order_book:0","message":"failed to subscribe"})", rec);
  CHECK(e.kind == frame_kind::error);
  CHECK(e.error == "failed to subscribe (order_book:0)");
  auto e2 = decode(*c, R"({"error":{"code":30005,"message":"Invalid Channel"}})", rec);
  CHECK(e2.kind == frame_kind::error);
  CHECK(e2.error == "Invalid Channel");
  CHECK(decode(*c, R"({"channel":"trade:0","trades":[],"type":"update/trade"})", rec).kind
        == frame_kind::ignored);
  CHECK(decode(*c, R"({"channel":"order_book:0","type":"update/order_book"})", rec).kind
        == frame_kind::malformed);
  CHECK(decode(*c, R"({"channel":"order_book:0","order_book":{"asks":[],"bids":[],"nonce":5},"type":"update/order_book"})", rec).kind
        == frame_kind::malformed); // an update must say where it begins
  CHECK(rec.calls() == 0);
}

TEST_CASE("lighter: begin_nonce gap rule through the order book, resubscribe heals") {
  auto c = learned_codec();
  recorder rec;
  auto upd = [](uint64_t begin, uint64_t nonce, const char* ask) {
    return std::string(R"({"channel":"order_book:0","offset":1,"order_book":{"code":0,"asks":[{"price":")")
           + ask + R"(","size":"1.0000"}],"bids":[],"offset":1,"nonce":)" + std::to_string(nonce)
           + R"(,"begin_nonce":)" + std::to_string(begin) + R"(},"timestamp":1,"type":"update/order_book"})";
  };
  const std::string snap = R"({"channel":"order_book:0","offset":1,"order_book":{"code":0,"asks":[{"price":"101.00","size":"1.0000"}],"bids":[{"price":"99.00","size":"2.0000"}],"offset":1,"nonce":100,"begin_nonce":0},"timestamp":1,"type":"subscribed/order_book"})";
  REQUIRE(decode(*c, snap, rec).kind == frame_kind::data);
  order_book book;
  REQUIRE(book.apply(rec.snapshots.at(0)) == error_code::none);
  CHECK(book.seq() == 100u);
  for (const auto& f : {upd(100, 107, "102.00"), upd(107, 115, "103.00"), upd(100, 107, "102.00"),
                        upd(120, 131, "104.00")})
    REQUIRE(decode(*c, f, rec).kind == frame_kind::data);
  REQUIRE(rec.deltas.size() == 4);
  CHECK(book.apply(rec.deltas[0]) == error_code::none); // continues 100
  CHECK(book.apply(rec.deltas[1]) == error_code::none); // continues 107
  CHECK(book.seq() == 115u);
  CHECK(book.levels(book_side::ask) == 3);
  CHECK(book.apply(rec.deltas[2]) == error_code::none); // old duplicate: ignored
  CHECK(book.seq() == 115u);
  CHECK(book.apply(rec.deltas[3]) == error_code::sequence_gap); // 120 != 115
  CHECK_FALSE(book.synced());
  // Heal: resubscribe (the mock then sends a fresh snapshot).
  auto frames = c->resubscribe_book("ETH");
  REQUIRE(frames.size() == 2);
  auto p = mock::make_lighter_protocol();
  auto m = make_market();
  mock::ws_client client;
  std::vector<std::string> out;
  p->on_client_text(R"({"type":"subscribe","channel":"order_book/0"})", client, m, out);
  client.snapshot_due.clear();
  for (const auto& f : frames)
    p->on_client_text(f, client, m, out);
  CHECK(client.snapshot_due.count("ETH") == 1);
  p->snapshot_frames(m.book("ETH", 50), client, m, out);
  rec.clear();
  REQUIRE(decode(*c, out.back(), rec).kind == frame_kind::data);
  CHECK(book.apply(rec.snapshots.at(0)) == error_code::none);
  CHECK(book.synced());
  CHECK(book.seq() == 904845u);
}

TEST_CASE("lighter: codec and mock protocol round trip") {
  auto c = venues::make_lighter_codec();
  auto p = mock::make_lighter_protocol();
  auto m = make_market();
  CHECK(p->venue() == "lighter");
  CHECK(p->native_symbol("PEPE", ratio::from_units(1000)) == "1000PEPE");
  REQUIRE(c->instruments_requests().size() == 1);
  CHECK(check_listing_roundtrip(*c, *p, m, [](instrument_spec& want, const instrument_spec& got) {
          want.symbol = got.symbol;
          want.base = got.base;
          want.quote = "USDC";
        }).empty());
  CHECK(venues::lighter_market_id(*c, "1000PEPE") == 1u);
  CHECK(p->rest({"GET", "/api/v1/orderBooks", {}, ""}, m).body.find(R"("order_books":[{"symbol":"ETH")")
        != std::string::npos);
  CHECK(p->rest({"GET", "/api/v1/nope", {}, ""}, m).status == 404);
  CHECK(p->rest({"GET", "/api/v1/orderBookOrders", {{"market_id", "9"}}, ""}, m).status == 400);
  CHECK(p->rest({"GET", "/api/v1/funding-rates", {}, ""}, m).body
        == R"({"code":200,"funding_rates":[{"market_id":0,"exchange":"lighter","symbol":"ETH","rate":"0.00125"}]})");

  // REST depth: order-level answer aggregated back into levels.
  auto sreq = c->snapshot_request("ETH");
  CHECK(sreq.target == "/api/v1/orderBookOrders?market_id=0&limit=100");
  auto sa = p->rest({"GET", "/api/v1/orderBookOrders", {{"market_id", "0"}, {"limit", "100"}}, ""}, m);
  REQUIRE(sa.status == 200);
  auto snap = c->parse_snapshot("ETH", sa.body);
  REQUIRE(snap);
  CHECK(snap->bids == m.book("ETH", 50).bids);
  CHECK(snap->asks == m.book("ETH", 50).asks);

  // WS: greeting, subscriptions, the in-band snapshot, updates, stats, ping.
  mock::ws_client client;
  client.target = "/stream";
  std::vector<std::string> out;
  p->on_open(client, m, out);
  recorder rec;
  REQUIRE(out.size() == 1);
  CHECK(decode(*c, out[0], rec).kind == frame_kind::info);
  const std::string natives[] = {"ETH"};
  const auto plan = c->plan(natives);
  for (const auto& f : plan.at(0).subscribe) {
    out.clear();
    p->on_client_text(f, client, m, out);
    for (const auto& o : out)
      CHECK(decode(*c, o, rec).kind == frame_kind::data); // the answer IS the data
  }
  CHECK(client.books.count("ETH") == 1);
  CHECK(client.marks.count("ETH") == 1);
  CHECK(client.snapshot_due.count("ETH") == 1);
  REQUIRE(rec.marks.size() == 1);
  CHECK(rec.marks[0].mark == px("2064.47"));
  CHECK(rec.marks[0].rate == rt("0.0000125"));
  out.clear();
  p->snapshot_frames(m.book("ETH", 50), client, m, out);
  REQUIRE(decode(*c, out.at(0), rec).kind == frame_kind::data);
  REQUIRE(rec.snapshots.size() == 1);
  CHECK(rec.snapshots[0].seq == 904845u);
  CHECK(rec.snapshots[0].bids == m.book("ETH", 50).bids);
  CHECK(rec.snapshots[0].asks == m.book("ETH", 50).asks);
  order_book book;
  REQUIRE(book.apply(rec.snapshots[0]) == error_code::none);
  book_delta d;
  d.symbol = "ETH";
  d.first_seq = 904846;
  d.seq = 904850;
  d.prev_seq = 904845;
  d.bids = {lvl("2000", "0"), lvl("2001.5", "3")};
  out.clear();
  p->book_frames(d, client, m, out);
  d.first_seq = 904851;
  d.seq = 904852;
  d.prev_seq = 0; // the sim may number consecutively: begin = first - 1
  d.bids = {lvl("2001.5", "2.5")};
  p->book_frames(d, client, m, out);
  REQUIRE(out.size() == 2);
  for (const auto& o : out)
    REQUIRE(decode(*c, o, rec).kind == frame_kind::data);
  REQUIRE(rec.deltas.size() == 2);
  CHECK(rec.deltas[0].prev_seq == 904845u);
  CHECK(rec.deltas[0].bids == std::vector<book_level>{lvl("2000", "0"), lvl("2001.5", "3")});
  CHECK(rec.deltas[1].prev_seq == 904850u);
  CHECK(book.apply(rec.deltas[0]) == error_code::none);
  CHECK(book.apply(rec.deltas[1]) == error_code::none);
  CHECK(book.best_bid() == lvl("2001.5", "2.5"));

  out.clear();
  p->mark_frames("ETH", *m.mark("ETH"), m.now(), client, out);
  REQUIRE(decode(*c, out.at(0), rec).kind == frame_kind::data);
  CHECK(rec.marks.back().index == px("2064.48"));
  CHECK(rec.marks.back().next_funding_ts == 1700002800000LL * 1'000'000);

  out.clear();
  p->on_client_text(c->info().heartbeat.ping_text, client, m, out);
  CHECK(decode(*c, out.at(0), rec).kind == frame_kind::pong);
  CHECK(p->server_ping(m.now()).empty());
  out.clear();
  p->on_client_text(R"({"type":"subscribe","channel":"order_book/99"})", client, m, out);
  CHECK(decode(*c, out.at(0), rec).kind == frame_kind::error);
  out.clear();
  p->on_client_text(R"({"type":"unsubscribe","channel":"market_stats/0"})", client, m, out);
  CHECK(decode(*c, out.at(0), rec).kind == frame_kind::ack);
  CHECK(client.marks.count("ETH") == 0);
}

TEST_CASE("lighter: recorded mock frames decode to their exact values") {
  const auto lines = check_recorded_file(
    XARB_MOCK_FRAMES,
    "# Frames recorded from venues/lighter/mock_protocol.cpp (fake market of\n"
    "# tests/venues/lighter/test_lighter.cpp); regenerate with\n"
    "# XARB_WRITE_MOCK_FRAMES=1 test_venues_lighter.\n",
    record());
  REQUIRE(lines.size() == 8);
  auto c = venues::make_lighter_codec();
  recorder rec;
  std::set<std::string> kinds;
  for (const auto& l : lines) {
    INFO(l.kind);
    CHECK(l.venue == "lighter");
    kinds.insert(l.kind);
    rec.clear();
    if (l.kind == "rest_orderBookDetails") {
      std::vector<std::string> bodies{l.frame};
      auto specs = c->parse_instruments(bodies);
      REQUIRE(specs);
      REQUIRE(specs->size() == 2);
      CHECK((*specs)[0].native_symbol == "ETH");
      CHECK((*specs)[0].tick == px("0.01"));
      CHECK((*specs)[0].taker_fee == rt("0.0002"));
      CHECK((*specs)[0].max_leverage == 50);
      CHECK((*specs)[1].native_symbol == "1000PEPE");
      CHECK((*specs)[1].min_qty == qty("100"));
    } else if (l.kind == "rest_orderBookOrders") {
      auto s = c->parse_snapshot("ETH", l.frame);
      REQUIRE(s);
      CHECK(s->bids == std::vector<book_level>{lvl("2000", "0.02"), lvl("1999.5", "1")});
      CHECK(s->asks == std::vector<book_level>{lvl("2325", "99"), lvl("2341.25", "340.1028")});
    } else if (l.kind == "ws_connected") {
      CHECK(decode(*c, l.frame, rec).kind == frame_kind::info);
    } else if (l.kind == "ws_pong") {
      CHECK(decode(*c, l.frame, rec).kind == frame_kind::pong);
    } else if (l.kind == "ws_subscribed_order_book") {
      REQUIRE(decode(*c, l.frame, rec).kind == frame_kind::data);
      REQUIRE(rec.snapshots.size() == 1);
      CHECK(rec.snapshots[0].seq == 904845u);
      CHECK(rec.snapshots[0].exchange_ts == 1700000000123000000LL);
      CHECK(rec.snapshots[0].bids.front() == lvl("2000", "0.02"));
      CHECK(rec.snapshots[0].asks.back() == lvl("2341.25", "340.1028"));
    } else if (l.kind == "ws_update_order_book_1") {
      REQUIRE(decode(*c, l.frame, rec).kind == frame_kind::data);
      REQUIRE(rec.deltas.size() == 1);
      CHECK(rec.deltas[0].seq == 904850u);
      CHECK(rec.deltas[0].prev_seq == 904845u);
      CHECK(rec.deltas[0].asks == std::vector<book_level>{lvl("2325", "0"), lvl("2330.5", "1.25")});
    } else if (l.kind == "ws_update_order_book_2") {
      REQUIRE(decode(*c, l.frame, rec).kind == frame_kind::data);
      REQUIRE(rec.deltas.size() == 1);
      CHECK(rec.deltas[0].seq == 904871u);
      CHECK(rec.deltas[0].prev_seq == 904850u);
      CHECK(rec.deltas[0].bids == std::vector<book_level>{lvl("2000", "0.5")});
    } else if (l.kind == "ws_subscribed_market_stats") {
      REQUIRE(decode(*c, l.frame, rec).kind == frame_kind::data);
      REQUIRE(rec.marks.size() == 1);
      CHECK(rec.marks[0].symbol == "ETH");
      CHECK(rec.marks[0].mark == px("2064.47"));
      CHECK(rec.marks[0].index == px("2064.48"));
      CHECK(rec.marks[0].rate == rt("0.0000125"));
      CHECK(rec.marks[0].next_funding_ts == 1700002800000LL * 1'000'000);
    } else {
      FAIL("unexpected recorded kind " << l.kind);
    }
  }
  CHECK(kinds.size() == 8);
}

TEST_CASE("lighter: prefixes, flips and junk never crash") {
  auto c = learned_codec();
  check_samples_robust(*c, "lighter");
  for (const auto& l : read_frames(XARB_MOCK_FRAMES)) {
    if (l.kind.rfind("ws_", 0) == 0) {
      check_prefixes(*c, l.frame);
      check_mutations(*c, l.frame);
    }
    CHECK_FALSE(c->parse_snapshot("ETH", l.frame.substr(0, l.frame.size() / 2)));
  }
  check_junk(*c, junk_rule::not_data, "ETH");
}

TEST_CASE("lighter: decode does not allocate once warm") {
  auto c = learned_codec();
  std::string bids, asks;
  for (int i = 0; i < 10; ++i) {
    bids += (i ? "," : "") + std::string(R"({"price":")") + std::to_string(2000 - i) + R"(.25","size":"1.0000"})";
    asks += (i ? "," : "") + std::string(R"({"price":")") + std::to_string(2001 + i) + R"(.25","size":"0.5000"})";
  }
  const std::string upd = R"({"channel":"order_book:0","offset":5,"order_book":{"code":0,"asks":[)" + asks
                          + R"(],"bids":[)" + bids
                          + R"(],"offset":5,"nonce":200,"begin_nonce":190},"timestamp":1774884082326,"type":"update/order_book"})";
  CHECK(warm_allocations(*c, upd) == 0);
  CHECK(warm_allocations(*c, venue_sample_of("lighter", "ws_order_book_subscribed_snapshot").json) == 0);
  CHECK(warm_allocations(*c, venue_sample_of("lighter", "ws_market_stats_update").json) == 0);
  CHECK(warm_allocations(*c, R"({"type":"pong"})") == 0);
}
