// Bybit codec <-> mock protocol round trip, and the recorded mock frames
// (tests/venues/data/mock-bybit.txt) decoded with exact values.
#include <doctest/doctest.h>

#include "core/order_book.hpp"
#include "tests/venues/codec_test_util.hpp"
#include "venues/bybit/codec.hpp"
#include "venues/bybit/mock_protocol.hpp"

#ifndef XARB_MOCK_FRAMES
#error "define XARB_MOCK_FRAMES (path of mock-bybit.txt)"
#endif

using namespace xarb;
using namespace xarb::test;

namespace {

const std::string btc = "BTCUSDT";
const std::string pepe = "1000PEPEUSDT";

instrument_spec spec(std::string native, std::string base, int32_t unit, std::string_view tick,
                     std::string_view lot, std::string_view min_qty, int32_t interval_h) {
  instrument_spec s;
  s.venue = "bybit";
  s.native_symbol = std::move(native);
  s.symbol = base + "-PERP";
  s.base = std::move(base);
  s.quote = "USDT";
  s.multiplier = ratio::from_units(unit);
  s.tick = px(tick);
  s.lot = qty(lot);
  s.min_qty = qty(min_qty);
  s.min_notional = money::from_units(5);
  s.maker_fee = rt("0.0002"); // no fees in Bybit's listing: the codec's base tier
  s.taker_fee = rt("0.00055");
  s.max_leverage = 100;
  s.funding_interval_s = interval_h * 3600;
  return s;
}

void fill(fake_market& m) {
  m.step = ms(100);
  mock::mark_state b;
  b.mark = px("27000.15");
  b.index = px("27000.05");
  b.rate = rt("0.0001");
  b.interval_s = 8 * 3600;
  b.next_funding_ts = ms(1700006400000);
  m.add(spec(btc, "BTC", 1, "0.1", "0.001", "0.001", 8),
        {lvl("27000.1", "0.5"), lvl("27000", "1.2"), lvl("26999.5", "2")},
        {lvl("27000.2", "0.3"), lvl("27000.5", "1"), lvl("27001", "2.5")}, 1000, b);
  mock::mark_state p;
  p.mark = px("0.0012345");
  p.index = px("0.0012344");
  p.rate = rt("-0.00005");
  p.interval_s = 4 * 3600;
  p.next_funding_ts = ms(1700006400000);
  m.add(spec(pepe, "PEPE", 1000, "0.0000001", "100", "100", 4), {lvl("0.0012345", "1000")},
        {lvl("0.0012346", "500")}, 50, p);
}

} // namespace

TEST_CASE("Bybit round trip through the mock protocol") {
  auto codec = venues::make_bybit_codec();
  auto proto = mock::make_bybit_protocol();
  CHECK(proto->venue() == "bybit");
  CHECK(proto->native_symbol("BTC", ratio::from_units(1)) == btc);
  CHECK(proto->native_symbol("PEPE", ratio::from_units(1000)) == pepe);
  fake_market m;
  fill(m);

  CHECK(check_listing_roundtrip(*codec, *proto, m).empty());

  for (const auto& n : {btc, pepe}) {
    auto snap = codec->parse_snapshot(n, rest_body(*proto, m, codec->snapshot_request(n)));
    REQUIRE(snap);
    CHECK(snap->seq == m.book(n, 500).seq);
    CHECK(snap->bids == m.book(n, 500).bids);
    CHECK(snap->asks == m.book(n, 500).asks);
  }

  auto subs = subscribe_all(*codec, *proto, m, 1);
  REQUIRE(subs.size() == 1);
  auto& c = subs[0].client;
  CHECK(c.books.size() == 2);
  CHECK(c.snapshot_due.size() == 2);
  CHECK(c.marks.size() == 2);

  auto local = check_book_stream(
    *codec, *proto, m, c,
    {{btc, {lvl("27000.1", "0.7")}, {}},
     {pepe, {lvl("0.0012344", "3000")}, {lvl("0.0012346", "0")}},
     {btc, {}, {lvl("27000.2", "0"), lvl("27000.4", "0.25")}},
     {pepe, {}, {lvl("0.0012347", "10")}}},
    50, [](const std::string&, const book_delta& d, const recorder& rec, const book_snapshot&) {
      CHECK(rec.deltas[0].exchange_ts == d.exchange_ts);
    });
  std::vector<std::string> out;
  recorder rec;
  // A delta the server drops is a gap in u.
  const auto lost = m.change(btc, {lvl("27000", "5")}, {});
  proto->book_frames(lost, c, m, out);
  out.clear();
  proto->book_frames(m.change(btc, {lvl("27000", "6")}, {}), c, m, out);
  rec.clear();
  REQUIRE(decode(*codec, one(out), rec).kind == frame_kind::data);
  CHECK(local[btc].apply(rec.deltas.at(0)) == error_code::sequence_gap);

  // Tickers: a snapshot first, then deltas of what changed, nothing when nothing did.
  auto st = *m.mark(btc);
  proto->mark_frames(btc, st, m.now(), c, out);
  rec.clear();
  auto first = one(out);
  CHECK(first.find(R"("type":"snapshot")") != std::string::npos);
  REQUIRE(decode(*codec, first, rec).kind == frame_kind::data);
  REQUIRE(rec.marks.size() == 1);
  CHECK(rec.marks[0].symbol == btc);
  CHECK(rec.marks[0].mark == px("27000.15"));
  CHECK(rec.marks[0].index == px("27000.05"));
  CHECK(rec.marks[0].rate == rt("0.0001"));
  CHECK(rec.marks[0].next_funding_ts == ms(1700006400000));
  CHECK(rec.marks[0].interval_s == 8 * 3600);
  CHECK(rec.marks[0].ts == m.now());
  proto->mark_frames(btc, st, m.now(), c, out);
  CHECK(out.empty());
  st.mark = px("27001");
  proto->mark_frames(btc, st, m.now(), c, out);
  rec.clear();
  auto delta = one(out);
  CHECK(delta.find(R"("type":"delta")") != std::string::npos);
  REQUIRE(decode(*codec, delta, rec).kind == frame_kind::data);
  CHECK(rec.marks[0].mark == px("27001"));
  CHECK(!rec.marks[0].index);
  CHECK(!rec.marks[0].rate);

  // Heartbeats.
  proto->on_client_text(codec->info().heartbeat.ping_text, c, m, out);
  CHECK(decode(*codec, one(out), rec).kind == frame_kind::pong);
  proto->on_client_text(R"({"req_id":"100001","op":"ping"})", c, m, out);
  auto pong = one(out);
  CHECK(pong.find(R"("req_id":"100001")") != std::string::npos);
  CHECK(decode(*codec, pong, rec).kind == frame_kind::pong);
  CHECK(proto->server_ping(m.now()).empty());

  // Errors.
  proto->on_client_text(R"({"op":"subscribe","args":["orderbook.50.NOPEUSDT"]})", c, m, out);
  auto e = decode(*codec, one(out), rec);
  CHECK(e.kind == frame_kind::error);
  CHECK(e.error == "subscribe failed: Invalid topic :[orderbook.50.NOPEUSDT]");
  proto->on_client_text(R"({"op":"subscribe","args":["orderbook.200.BTCUSDT"]})", c, m, out);
  CHECK(decode(*codec, one(out), rec).kind == frame_kind::error);
  proto->on_client_text("nope", c, m, out);
  CHECK(decode(*codec, one(out), rec).kind != frame_kind::ack);

  // Resubscribe gives a snapshot again.
  c.snapshot_due.clear();
  for (const auto& f : codec->resubscribe_book(btc)) {
    proto->on_client_text(f, c, m, out);
    CHECK(decode(*codec, one(out), rec).kind == frame_kind::ack);
  }
  CHECK(c.snapshot_due.count(btc) == 1);
  proto->on_client_text(codec->resubscribe_book(btc)[0], c, m, out);
  out.clear();
  proto->book_frames(m.change(btc, {lvl("27000", "1")}, {}), c, m, out);
  CHECK(out.empty());

  // REST a ccxt client calls.
  auto tk = proto->rest(to_rest_call({"GET", "/v5/market/tickers?category=linear&symbol=" + btc, {}, {}}), m);
  CHECK(tk.status == 200);
  CHECK(tk.body.find(R"("markPrice":"27000.15")") != std::string::npos);
  CHECK(tk.body.find(R"("bid1Price":"27000.1")") != std::string::npos);
  auto fh = proto->rest(to_rest_call({"GET", "/v5/market/funding/history?category=linear&symbol=" + btc, {}, {}}), m);
  CHECK(fh.body.find(R"("fundingRateTimestamp":"1699977600000")") != std::string::npos);
  CHECK(proto->rest(to_rest_call({"GET", "/v5/market/time", {}, {}}), m).body.find("timeNano")
        != std::string::npos);
  CHECK(proto->rest(to_rest_call({"GET", "/v5/market/instruments-info?category=spot", {}, {}}), m).body.find(R"("list":[])")
        != std::string::npos);
  auto bad = proto->rest(to_rest_call({"GET", "/v5/market/orderbook?category=linear&symbol=X", {}, {}}), m);
  CHECK(bad.body.find(R"("retCode":10001)") != std::string::npos);
  CHECK(!codec->parse_snapshot("X", bad.body));
  CHECK(proto->rest(to_rest_call({"GET", "/nope", {}, {}}), m).status == 404);
}

namespace {

std::vector<frame_line> record() {
  auto codec = venues::make_bybit_codec();
  auto proto = mock::make_bybit_protocol();
  fake_market m;
  fill(m);
  frame_log log{"bybit", {}};
  auto add = [&](std::string kind, std::string what, std::string frame) {
    log.add(std::move(kind), std::move(what), std::move(frame));
  };
  auto req = codec->instruments_requests()[0];
  add("rest_instruments", "GET " + req.target, proto->rest(to_rest_call(req), m).body);
  req = codec->snapshot_request(btc);
  add("rest_orderbook", "GET " + req.target, proto->rest(to_rest_call(req), m).body);
  mock::ws_client c;
  std::vector<std::string> out;
  proto->on_open(c, m, out);
  proto->on_client_text(R"({"req_id":"1","op":"subscribe","args":["orderbook.50.BTCUSDT","tickers.BTCUSDT"]})", c, m, out);
  add("ws_subscribe_ack", "subscribe", one(out));
  proto->snapshot_frames(m.book(btc, 50), c, m, out);
  add("ws_orderbook_snapshot", "snapshot", one(out));
  proto->book_frames(m.change(btc, {lvl("27000.1", "0.7")}, {}), c, m, out);
  add("ws_orderbook_delta", "delta 1", one(out));
  proto->book_frames(m.change(btc, {}, {lvl("27000.2", "0")}), c, m, out);
  add("ws_orderbook_delta", "delta 2", one(out));
  proto->book_frames(m.change(btc, {lvl("27000.3", "0.1")}, {lvl("27002", "4")}), c, m, out);
  add("ws_orderbook_delta", "delta 3", one(out));
  auto st = *m.mark(btc);
  proto->mark_frames(btc, st, m.now(), c, out);
  add("ws_tickers_snapshot", "tickers snapshot", one(out));
  st.mark = px("27000.2");
  st.rate = rt("0.00011");
  proto->mark_frames(btc, st, m.now(), c, out);
  add("ws_tickers_delta", "tickers delta", one(out));
  proto->on_client_text(R"({"req_id":"2","op":"ping"})", c, m, out);
  add("ws_pong", "ping", one(out));
  proto->on_client_text(R"({"op":"subscribe","args":["orderbook.50.NOPEUSDT"]})", c, m, out);
  add("ws_subscribe_error", "subscribe unknown", one(out));
  return log.lines;
}

} // namespace

TEST_CASE("Bybit recorded mock frames decode to their exact values") {
  const auto lines = check_recorded_file(
    XARB_MOCK_FRAMES,
    "# Bybit frames recorded from venues/bybit/mock_protocol.cpp (test_bybit_mock.cpp,\n"
    "# XARB_WRITE_MOCK_FRAMES=1). venue|kind|source|frame, one per line.\n",
    record());
  REQUIRE(lines.size() == 11);
  auto codec = venues::make_bybit_codec();
  order_book book;
  int deltas = 0;
  for (const auto& l : lines) {
    INFO(l.kind << " " << l.source);
    recorder rec;
    if (l.kind == "rest_instruments") {
      std::vector<std::string> bodies{l.frame};
      auto specs = codec->parse_instruments(bodies);
      REQUIRE(specs);
      REQUIRE(specs->size() == 2);
      CHECK((*specs)[0].native_symbol == "BTCUSDT");
      CHECK((*specs)[0].tick == px("0.1"));
      CHECK((*specs)[0].lot == qty("0.001"));
      CHECK((*specs)[0].min_notional == money::from_units(5));
      CHECK((*specs)[0].max_leverage == 100);
      CHECK((*specs)[0].funding_interval_s == 8 * 3600);
      CHECK((*specs)[1].native_symbol == "1000PEPEUSDT");
      CHECK((*specs)[1].multiplier == ratio::from_units(1000));
      CHECK((*specs)[1].lot == qty("100"));
      CHECK((*specs)[1].funding_interval_s == 4 * 3600);
    } else if (l.kind == "rest_orderbook") {
      auto s = codec->parse_snapshot("BTCUSDT", l.frame);
      REQUIRE(s);
      CHECK(s->seq == 1000);
      CHECK(s->bids.front() == lvl("27000.1", "0.5"));
      CHECK(s->asks.back() == lvl("27001", "2.5"));
      CHECK(s->exchange_ts == ms(1700000000000));
    } else if (l.kind == "ws_subscribe_ack") {
      CHECK(decode(*codec, l.frame, rec).kind == frame_kind::ack);
    } else if (l.kind == "ws_orderbook_snapshot") {
      REQUIRE(decode(*codec, l.frame, rec).kind == frame_kind::data);
      REQUIRE(rec.snapshots.size() == 1);
      CHECK(rec.snapshots[0].seq == 1000);
      CHECK(rec.snapshots[0].bids == std::vector<book_level>{lvl("27000.1", "0.5"), lvl("27000", "1.2"), lvl("26999.5", "2")});
      CHECK(rec.snapshots[0].asks == std::vector<book_level>{lvl("27000.2", "0.3"), lvl("27000.5", "1"), lvl("27001", "2.5")});
      REQUIRE(book.apply(rec.snapshots[0]) == error_code::none);
    } else if (l.kind == "ws_orderbook_delta") {
      REQUIRE(decode(*codec, l.frame, rec).kind == frame_kind::data);
      REQUIRE(rec.deltas.size() == 1);
      ++deltas;
      const auto& d = rec.deltas[0];
      CHECK(d.seq == 1000u + static_cast<uint64_t>(deltas));
      CHECK(d.exchange_ts == ms(1700000000000 + 100 * deltas));
      if (deltas == 3) {
        CHECK(d.bids == std::vector<book_level>{lvl("27000.3", "0.1")});
        CHECK(d.asks == std::vector<book_level>{lvl("27002", "4")});
      }
      REQUIRE(book.apply(d) == error_code::none);
    } else if (l.kind == "ws_tickers_snapshot") {
      REQUIRE(decode(*codec, l.frame, rec).kind == frame_kind::data);
      REQUIRE(rec.marks.size() == 1);
      CHECK(rec.marks[0].mark == px("27000.15"));
      CHECK(rec.marks[0].index == px("27000.05"));
      CHECK(rec.marks[0].rate == rt("0.0001"));
      CHECK(rec.marks[0].interval_s == 8 * 3600);
      CHECK(rec.marks[0].next_funding_ts == ms(1700006400000));
      CHECK(rec.marks[0].ts == ms(1700000000300));
    } else if (l.kind == "ws_tickers_delta") {
      REQUIRE(decode(*codec, l.frame, rec).kind == frame_kind::data);
      REQUIRE(rec.marks.size() == 1);
      CHECK(rec.marks[0].mark == px("27000.2"));
      CHECK(rec.marks[0].rate == rt("0.00011"));
      CHECK(!rec.marks[0].index);
      CHECK(rec.marks[0].next_funding_ts == 0);
    } else if (l.kind == "ws_pong") {
      CHECK(decode(*codec, l.frame, rec).kind == frame_kind::pong);
    } else if (l.kind == "ws_subscribe_error") {
      auto r = decode(*codec, l.frame, rec);
      CHECK(r.kind == frame_kind::error);
      CHECK(r.error == "subscribe failed: Invalid topic :[orderbook.50.NOPEUSDT]");
    } else {
      FAIL("unexpected recorded kind " << l.kind);
    }
  }
  CHECK(deltas == 3);
  CHECK(book.seq() == 1003);
  CHECK(book.best_bid() == lvl("27000.3", "0.1"));
  CHECK(book.best_ask() == lvl("27000.5", "1"));
}

TEST_CASE("Bybit recorded mock frames: prefixes and mutations never half-decode") {
  auto codec = venues::make_bybit_codec();
  const auto lines = read_frames(XARB_MOCK_FRAMES, "bybit");
  // REST bodies: every prefix is refused, none crashes.
  check_listing_prefixes(*codec, {frame_of(lines, "rest_instruments").frame}, 0);
  check_snapshot_prefixes(*codec, "BTCUSDT", frame_of(lines, "rest_orderbook").frame);
  for (const auto& l : lines) {
    if (l.kind.starts_with("ws_")) {
      check_prefixes(*codec, l.frame);
      check_mutations(*codec, l.frame);
    }
  }
}
