// Bitget codec <-> mock protocol round trip, and the recorded mock frames
// (tests/venues/data/mock-bitget.txt) decoded with exact values.
#include <doctest/doctest.h>

#include <simdjson.h>

#include "core/order_book.hpp"
#include "tests/venues/codec_test_util.hpp"
#include "venues/bitget/codec.hpp"
#include "venues/bitget/mock_protocol.hpp"
#include "venues/common/book_checksum.hpp"

#ifndef XARB_MOCK_FRAMES
#error "define XARB_MOCK_FRAMES (path of mock-bitget.txt)"
#endif

using namespace xarb;
using namespace xarb::test;

namespace {

const std::string btc = "BTCUSDT";
const std::string pepe = "1000PEPEUSDT";

instrument_spec spec(std::string native, std::string base, int32_t unit, std::string_view tick,
                     std::string_view lot, std::string_view min_qty, int32_t interval_h) {
  instrument_spec s;
  s.venue = "bitget";
  s.native_symbol = std::move(native);
  s.symbol = base + "-PERP";
  s.base = std::move(base);
  s.quote = "USDT";
  s.multiplier = ratio::from_units(unit);
  s.tick = px(tick);
  s.lot = qty(lot);
  s.min_qty = qty(min_qty);
  s.min_notional = money::from_units(5);
  s.maker_fee = rt("0.00018"); // listed per contract
  s.taker_fee = rt("0.0005");
  s.max_leverage = 125;
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
  m.add(spec(btc, "BTC", 1, "0.1", "0.0001", "0.0001", 8),
        {lvl("27000.1", "0.5"), lvl("27000", "1.2"), lvl("26999.5", "2")},
        {lvl("27000.2", "0.3"), lvl("27000.5", "1"), lvl("27001", "2.5")}, 1000, b);
  mock::mark_state p;
  p.mark = px("0.0012345");
  p.index = px("0.0012344");
  p.rate = rt("-0.00005");
  p.interval_s = 4 * 3600;
  p.next_funding_ts = ms(1700006400000);
  m.add(spec(pepe, "PEPE", 1000, "0.0000005", "1", "1", 4), {lvl("0.0012345", "1000")},
        {lvl("0.001235", "500")}, 50, p);
}

} // namespace

TEST_CASE("Bitget round trip through the mock protocol") {
  auto codec = venues::make_bitget_codec();
  auto proto = mock::make_bitget_protocol();
  CHECK(proto->venue() == "bitget");
  CHECK(proto->native_symbol("PEPE", ratio::from_units(1000)) == pepe);
  fake_market m;
  fill(m);

  CHECK(check_listing_roundtrip(*codec, *proto, m).empty());

  for (const auto& n : {btc, pepe}) {
    auto snap = codec->parse_snapshot(n, rest_body(*proto, m, codec->snapshot_request(n)));
    REQUIRE(snap);
    CHECK(snap->bids == m.book(n, 100).bids);
    CHECK(snap->asks == m.book(n, 100).asks);
  }

  auto subs = subscribe_all(*codec, *proto, m, 2);
  REQUIRE(subs.size() == 1);
  auto& c = subs[0].client;
  CHECK(c.books.size() == 2);
  CHECK(c.snapshot_due.size() == 2);
  CHECK(c.tops.size() == 2);
  CHECK(c.marks.size() == 2);

  auto local = check_book_stream(
    *codec, *proto, m, c,
    {{btc, {lvl("27000.1", "0.7")}, {}},
     {pepe, {lvl("0.001234", "3000")}, {lvl("0.001235", "0")}},
     {btc, {}, {lvl("27000.2", "0"), lvl("27000.4", "0.25")}},
     {pepe, {}, {lvl("0.0012355", "10")}}},
    25, [](const std::string&, const book_delta&, const recorder& rec, const book_snapshot& mine) {
      REQUIRE(rec.checksums[0]);
      CHECK(*rec.checksums[0] == venues::book_checksum(mine.bids, mine.asks));
    });
  std::vector<std::string> out;
  recorder rec;
  // A delta the server drops: the next CRC disagrees with the local book.
  proto->book_frames(m.change(btc, {lvl("27000", "5")}, {}), c, m, out);
  out.clear();
  proto->book_frames(m.change(btc, {lvl("26999.5", "6")}, {}), c, m, out);
  rec.clear();
  REQUIRE(decode(*codec, one(out), rec).kind == frame_kind::data);
  REQUIRE(local[btc].apply(rec.deltas.at(0)) == error_code::none);
  {
    book_snapshot mine;
    local[btc].to_snapshot(mine, 25);
    CHECK(venues::book_checksum(mine.bids, mine.asks) != *rec.checksums[0]);
  }

  // BBO (books1) and ticker; the ticker carries the last BBO.
  check_tops(*codec, *proto, m, c);
  proto->mark_frames(pepe, *m.mark(pepe), m.now(), c, out);
  rec.clear();
  const auto ticker = one(out);
  CHECK(ticker.find(R"("bidPr":"0.0012345","askPr":"0.0012355")") != std::string::npos);
  REQUIRE(decode(*codec, ticker, rec).kind == frame_kind::data);
  REQUIRE(rec.marks.size() == 1);
  CHECK(rec.marks[0].symbol == pepe);
  CHECK(rec.marks[0].mark == px("0.0012345"));
  CHECK(rec.marks[0].index == px("0.0012344"));
  CHECK(rec.marks[0].rate == rt("-0.00005"));
  CHECK(rec.marks[0].next_funding_ts == ms(1700006400000));
  CHECK(rec.marks[0].ts == m.now());

  // Heartbeats and errors.
  proto->on_client_text(codec->info().heartbeat.ping_text, c, m, out);
  CHECK(decode(*codec, one(out), rec).kind == frame_kind::pong);
  CHECK(proto->server_ping(m.now()).empty());
  proto->on_client_text(R"({"op":"subscribe","args":[{"instType":"USDT-FUTURES","channel":"books","instId":"NOPEUSDT"}]})", c, m, out);
  auto e = decode(*codec, one(out), rec);
  CHECK(e.kind == frame_kind::error);
  CHECK(e.error == "30001: instType:USDT-FUTURES,channel:books,instId:NOPEUSDT doesn't exist");
  proto->on_client_text(R"({"op":"subscribe","args":[{"instType":"COIN-FUTURES","channel":"books","instId":"BTCUSDT"}]})", c, m, out);
  CHECK(decode(*codec, one(out), rec).kind == frame_kind::error);
  proto->on_client_text("{", c, m, out);
  CHECK(decode(*codec, one(out), rec).error == "30002: illegal request");

  // Resubscribe.
  c.snapshot_due.clear();
  for (const auto& f : codec->resubscribe_book(btc)) {
    proto->on_client_text(f, c, m, out);
    CHECK(decode(*codec, one(out), rec).kind == frame_kind::ack);
  }
  CHECK(c.snapshot_due.count(btc) == 1);

  // REST a ccxt client calls.
  auto fr = proto->rest(to_rest_call({"GET", "/api/v2/mix/market/current-fund-rate?symbol=BTCUSDT&productType=usdt-futures", {}, {}}), m);
  CHECK(fr.body.find(R"("fundingRate":"0.0001","fundingRateInterval":"8")") != std::string::npos);
  auto sp = proto->rest(to_rest_call({"GET", "/api/v2/mix/market/symbol-price?symbol=BTCUSDT&productType=USDT-FUTURES", {}, {}}), m);
  CHECK(sp.body.find(R"("markPrice":"27000.15")") != std::string::npos);
  auto tk = proto->rest(to_rest_call({"GET", "/api/v2/mix/market/tickers?productType=USDT-FUTURES", {}, {}}), m);
  CHECK(tk.body.find(R"("instId":"1000PEPEUSDT")") != std::string::npos);
  CHECK(proto->rest(to_rest_call({"GET", "/api/v2/mix/market/contracts?productType=COIN-FUTURES", {}, {}}), m).body.find(R"("data":[])")
        != std::string::npos);
  CHECK(proto->rest(to_rest_call({"GET", "/api/v2/mix/market/contracts", {}, {}}), m).status == 400);
  auto bad = proto->rest(to_rest_call({"GET", "/api/v2/mix/market/merge-depth?symbol=X&productType=USDT-FUTURES", {}, {}}), m);
  CHECK(bad.status == 400);
  CHECK(!codec->parse_snapshot("X", bad.body));
  CHECK(proto->rest(to_rest_call({"GET", "/api/v2/mix/market/merge-depth?symbol=BTCUSDT&productType=USDT-FUTURES&limit=7", {}, {}}), m).status == 400);
  CHECK(proto->rest(to_rest_call({"GET", "/api/v2/public/time", {}, {}}), m).status == 200);
  CHECK(proto->rest(to_rest_call({"GET", "/nope", {}, {}}), m).status == 404);
}

namespace {

std::vector<frame_line> record() {
  auto codec = venues::make_bitget_codec();
  auto proto = mock::make_bitget_protocol();
  fake_market m;
  fill(m);
  frame_log log{"bitget", {}};
  auto add = [&](std::string kind, std::string what, std::string frame) {
    log.add(std::move(kind), std::move(what), std::move(frame));
  };
  auto req = codec->instruments_requests()[0];
  add("rest_contracts", "GET " + req.target, proto->rest(to_rest_call(req), m).body);
  req = codec->snapshot_request(btc);
  add("rest_merge_depth", "GET " + req.target, proto->rest(to_rest_call(req), m).body);
  mock::ws_client c;
  std::vector<std::string> out;
  proto->on_client_text(R"({"op":"subscribe","args":[{"instType":"USDT-FUTURES","channel":"books","instId":"BTCUSDT"},{"instType":"USDT-FUTURES","channel":"books1","instId":"BTCUSDT"},{"instType":"USDT-FUTURES","channel":"ticker","instId":"BTCUSDT"}]})", c, m, out);
  REQUIRE(out.size() == 3);
  add("ws_subscribe_ack", "subscribe books", out[0]);
  out.clear();
  proto->snapshot_frames(m.book(btc, 50), c, m, out);
  add("ws_books_snapshot", "snapshot", one(out));
  proto->book_frames(m.change(btc, {lvl("27000.1", "0.7")}, {}), c, m, out);
  add("ws_books_update", "delta 1", one(out));
  proto->book_frames(m.change(btc, {}, {lvl("27000.2", "0")}), c, m, out);
  add("ws_books_update", "delta 2", one(out));
  proto->book_frames(m.change(btc, {lvl("27000.3", "0.1")}, {lvl("27002", "4")}), c, m, out);
  add("ws_books_update", "delta 3", one(out));
  proto->top_frames(m.top(btc), c, out);
  add("ws_books1", "top", one(out));
  proto->mark_frames(btc, *m.mark(btc), m.now(), c, out);
  add("ws_ticker", "ticker", one(out));
  proto->on_client_text("ping", c, m, out);
  add("ws_pong", "ping", one(out));
  proto->on_client_text(R"({"op":"subscribe","args":[{"instType":"USDT-FUTURES","channel":"books","instId":"NOPEUSDT"}]})", c, m, out);
  add("ws_error", "subscribe unknown", one(out));
  return log.lines;
}

} // namespace

TEST_CASE("Bitget recorded mock frames decode to their exact values") {
  const auto lines = check_recorded_file(
    XARB_MOCK_FRAMES,
    "# Bitget frames recorded from venues/bitget/mock_protocol.cpp (test_bitget_mock.cpp,\n"
    "# XARB_WRITE_MOCK_FRAMES=1). venue|kind|source|frame, one per line.\n",
    record());
  REQUIRE(lines.size() == 11);
  auto codec = venues::make_bitget_codec();
  order_book book;
  int updates = 0;
  for (const auto& l : lines) {
    INFO(l.kind << " " << l.source);
    recorder rec;
    if (l.kind == "rest_contracts") {
      std::vector<std::string> bodies{l.frame};
      auto specs = codec->parse_instruments(bodies);
      REQUIRE(specs);
      REQUIRE(specs->size() == 2);
      CHECK((*specs)[0].native_symbol == "BTCUSDT");
      CHECK((*specs)[0].tick == px("0.1"));
      CHECK((*specs)[0].lot == qty("0.0001"));
      CHECK((*specs)[0].maker_fee == rt("0.00018"));
      CHECK((*specs)[0].max_leverage == 125);
      CHECK((*specs)[1].native_symbol == "1000PEPEUSDT");
      CHECK((*specs)[1].tick == px("0.0000005"));
      CHECK((*specs)[1].multiplier == ratio::from_units(1000));
      CHECK((*specs)[1].funding_interval_s == 4 * 3600);
    } else if (l.kind == "rest_merge_depth") {
      auto s = codec->parse_snapshot("BTCUSDT", l.frame);
      REQUIRE(s);
      CHECK(s->bids.front() == lvl("27000.1", "0.5"));
      CHECK(s->asks.back() == lvl("27001", "2.5"));
      CHECK(s->exchange_ts == ms(1700000000000));
    } else if (l.kind == "ws_subscribe_ack") {
      CHECK(decode(*codec, l.frame, rec).kind == frame_kind::ack);
    } else if (l.kind == "ws_books_snapshot") {
      REQUIRE(decode(*codec, l.frame, rec).kind == frame_kind::data);
      REQUIRE(rec.snapshots.size() == 1);
      CHECK(rec.snapshots[0].seq == 1000);
      CHECK(rec.snapshots[0].bids.size() == 3);
      CHECK(rec.snapshots[0].asks.front() == lvl("27000.2", "0.3"));
      REQUIRE(book.apply(rec.snapshots[0]) == error_code::none);
    } else if (l.kind == "ws_books_update") {
      REQUIRE(decode(*codec, l.frame, rec).kind == frame_kind::data);
      REQUIRE(rec.deltas.size() == 1);
      ++updates;
      const auto& d = rec.deltas[0];
      CHECK(d.seq == 1000u + static_cast<uint64_t>(updates));
      if (updates == 2)
        CHECK(d.asks == std::vector<book_level>{lvl("27000.2", "0")});
      REQUIRE(book.apply(d) == error_code::none);
      book_snapshot s;
      book.to_snapshot(s, 25);
      REQUIRE(rec.checksums[0]);
      CHECK(*rec.checksums[0] == venues::book_checksum(s.bids, s.asks));
    } else if (l.kind == "ws_books1") {
      REQUIRE(decode(*codec, l.frame, rec).kind == frame_kind::data);
      REQUIRE(rec.tops.size() == 1);
      CHECK(rec.tops[0].seq == 1003);
      CHECK(rec.tops[0].bid == lvl("27000.3", "0.1"));
      CHECK(rec.tops[0].ask == lvl("27000.5", "1"));
    } else if (l.kind == "ws_ticker") {
      REQUIRE(decode(*codec, l.frame, rec).kind == frame_kind::data);
      REQUIRE(rec.marks.size() == 1);
      CHECK(rec.marks[0].mark == px("27000.15"));
      CHECK(rec.marks[0].index == px("27000.05"));
      CHECK(rec.marks[0].rate == rt("0.0001"));
      CHECK(rec.marks[0].next_funding_ts == ms(1700006400000));
      CHECK(rec.marks[0].ts == ms(1700000000300));
    } else if (l.kind == "ws_pong") {
      CHECK(decode(*codec, l.frame, rec).kind == frame_kind::pong);
    } else if (l.kind == "ws_error") {
      auto r = decode(*codec, l.frame, rec);
      CHECK(r.kind == frame_kind::error);
      CHECK(r.error == "30001: instType:USDT-FUTURES,channel:books,instId:NOPEUSDT doesn't exist");
    } else {
      FAIL("unexpected recorded kind " << l.kind);
    }
  }
  CHECK(updates == 3);
  CHECK(book.seq() == 1003);
}

TEST_CASE("Bitget recorded mock frames: prefixes and mutations never half-decode") {
  auto codec = venues::make_bitget_codec();
  const auto lines = read_frames(XARB_MOCK_FRAMES, "bitget");
  // REST bodies: every prefix is refused, none crashes.
  check_listing_prefixes(*codec, {frame_of(lines, "rest_contracts").frame}, 0);
  check_snapshot_prefixes(*codec, "BTCUSDT", frame_of(lines, "rest_merge_depth").frame);
  for (const auto& l : lines) {
    if (l.kind.starts_with("ws_")) {
      check_prefixes(*codec, l.frame);
      check_mutations(*codec, l.frame);
    }
  }
}
